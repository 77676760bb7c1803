// wisepay_standin: the stand-in Wise-Pay, on loopback, so the plugin demo
// works offline. This file reads the flags, binds, prints where it
// listens, and stops cleanly on SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "demo_data.h"
#include "http_server.h"
#include "portal.h"
#include "routes.h"
#include "server_flags.h"

namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using wisepay_standin::Portal;

constexpr const char *kUsage =
    "usage: wisepay_standin [--host 127.0.0.1] [--port N] [--port-file PATH]\n"
    "                       [--read-timeout SECONDS] [--token-ttl SECONDS] [--test-controls on]\n"
    "  --token-ttl     lifetime of sign-in links in seconds (default 120)\n"
    "  --test-controls on: serve /_standin/ (counters, revoke a key, switch the\n"
    "                  integration off, slow the API down) for browser tests\n";

struct Options {
    long token_ttl = 120;
    wisepay_standin::RouteOptions routes;
    examples_common::ServerFlags server;
};

// Returns an error message, or nothing when the flags are good.
std::optional<std::string> parse_options(int argc, char **argv, Options &options) {
    std::vector<examples_common::Flag> flags;
    if (const auto problem = examples_common::read_flags(argc, argv, flags)) {
        return problem;
    }
    for (const auto &flag : flags) {
        if (flag.name == "--token-ttl") {
            if (!examples_common::parse_number<long>(flag.value, options.token_ttl, 1, 86400)) {
                return "--token-ttl must be a number of seconds from 1 to 86400";
            }
        } else if (flag.name == "--test-controls") {
            if (flag.value != "on" && flag.value != "off") {
                return "--test-controls must be on or off";
            }
            options.routes.test_controls = flag.value == "on";
        } else if (const auto problem = examples_common::take_server_flag(flag, options.server)) {
            return problem;
        }
    }
    return std::nullopt;
}

}  // namespace

int main(int argc, char **argv) {
    if (examples_common::wants_help(argc, argv)) {
        std::fputs(kUsage, stdout);
        std::fputs(examples_common::kServerFlagsUsage, stdout);
        return 0;
    }
    Options options;
    if (const auto problem = parse_options(argc, argv, options)) {
        std::fprintf(stderr, "wisepay_standin: %s\n%s%s", problem->c_str(), kUsage,
                     examples_common::kServerFlagsUsage);
        return 2;
    }
    tcp::endpoint endpoint;
    if (const auto problem = examples_common::loopback_endpoint(options.server, endpoint)) {
        std::fprintf(stderr, "wisepay_standin: %s\n", problem->c_str());
        return 2;
    }

    // A browser closing a connection mid-answer must not kill the demo.
    std::signal(SIGPIPE, SIG_IGN);

    try {
        asio::io_context ioc;
        // Declared before the server so it outlives the connection threads.
        std::optional<Portal> portal;
        examples_common::ServerLimits limits;
        limits.read_timeout = options.server.read_timeout;
        examples_common::HttpServer server(ioc, endpoint, limits);

        // The base of every URL the stand-in hands out: an IPv6 literal in
        // brackets.
        const asio::ip::address address = endpoint.address();
        std::string origin = "http://";
        origin += address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
        origin += ":" + std::to_string(server.port());
        const wisepay_standin::DemoData data = wisepay_standin::make_demo_data();
        const std::string description = wisepay_standin::describe(data);
        portal.emplace(data, origin, std::chrono::seconds(options.token_ttl));

        server.start(
            [&portal, &options](examples_common::Request &req) {
                return wisepay_standin::handle_request(*portal, req, options.routes);
            },
            wisepay_standin::transport_error);
        std::fputs(description.c_str(), stdout);
        std::printf("sign-in links live %ld s\n", options.token_ttl);
        if (options.routes.test_controls) {
            std::printf("test controls on under /_standin/\n");
        }
        std::printf("stand-in Wise-Pay listening on %s\n", origin.c_str());
        std::fflush(stdout);
        // Last, so whoever waits for the file also finds the line above.
        if (!options.server.port_file.empty()) {
            examples_common::write_port_file(options.server.port_file, server.port());
        }

        ioc.run();  // returns once the server stopped (SIGINT, SIGTERM)
        server.join();
        std::printf("stand-in Wise-Pay stopped\n");
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "wisepay_standin: %s\n", e.what());
        return 1;
    }
}
