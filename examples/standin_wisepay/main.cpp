// wisepay_standin: the stand-in Wise-Pay, on loopback, so the plugin demo
// works offline. This file reads the flags, binds, prints where it
// listens, and stops cleanly on SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "demo_data.h"
#include "portal.h"
#include "server.h"

namespace {
namespace asio = boost::asio;
using wisepay_standin::Portal;
using wisepay_standin::Server;

constexpr const char *kUsage =
    "usage: wisepay_standin [--host 127.0.0.1] [--port N] [--port-file PATH]\n"
    "                       [--token-ttl SECONDS]\n"
    "  --host        loopback address to listen on (default 127.0.0.1; nothing else\n"
    "                is accepted: the stand-in speaks plain HTTP)\n"
    "  --port        port to listen on; 0 or absent lets the kernel pick a free one\n"
    "  --port-file   write the bound port to PATH (for scripts and tests)\n"
    "  --token-ttl   lifetime of sign-in links in seconds (default 120)\n";

struct Options {
    std::string host = "127.0.0.1";
    unsigned port = 0;
    std::string port_file;
    long token_ttl = 120;
};

template <typename Number>
bool parse_number(std::string_view text, Number &out, Number min, Number max) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        return false;
    }
    out = value;
    return true;
}

// Returns an error message, or nothing when the flags are good.
std::optional<std::string> parse_options(int argc, char **argv, Options &options) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view value;
        bool has_value = false;
        // Both "--flag value" and "--flag=value".
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_value = true;
        }
        const auto take_value = [&]() -> bool {
            if (has_value) {
                return true;
            }
            if (i + 1 >= argc) {
                return false;
            }
            value = argv[++i];
            return true;
        };
        if (arg == "--host" || arg == "--port" || arg == "--port-file" || arg == "--token-ttl") {
            if (!take_value()) {
                return std::string(arg) + " needs a value";
            }
        } else {
            return "unknown argument: " + std::string(arg);
        }
        if (arg == "--host") {
            options.host = value;
        } else if (arg == "--port") {
            if (!parse_number<unsigned>(value, options.port, 0, 65535)) {
                return "--port must be a number from 0 to 65535";
            }
        } else if (arg == "--port-file") {
            if (value.empty()) {
                return "--port-file needs a path";
            }
            options.port_file = value;
        } else if (!parse_number<long>(value, options.token_ttl, 1, 86400)) {
            return "--token-ttl must be a number of seconds from 1 to 86400";
        }
    }
    return std::nullopt;
}

// Written under a temporary name and renamed, so a script polling for the
// file never reads half a number.
void write_port_file(const std::string &path, unsigned port) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << port << "\n";
        out.close();
        if (!out) {
            throw std::runtime_error("cannot write " + temporary);
        }
    }
    std::filesystem::rename(temporary, path);
}

}  // namespace

int main(int argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
    }
    Options options;
    if (const auto problem = parse_options(argc, argv, options)) {
        std::fprintf(stderr, "wisepay_standin: %s\n%s", problem->c_str(), kUsage);
        return 2;
    }
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options.host, ec);
    // Plain HTTP with demo keys and sign-in links must never face a network.
    if (ec || !address.is_loopback()) {
        std::fprintf(stderr,
                     "wisepay_standin: refusing --host %s: only a loopback address "
                     "(127.0.0.1 or ::1) is allowed\n",
                     options.host.c_str());
        return 2;
    }

    // A browser closing a connection mid-answer must not kill the demo.
    std::signal(SIGPIPE, SIG_IGN);

    try {
        asio::io_context ioc;
        // Declared before the server so it outlives the connection threads.
        std::optional<Portal> portal;
        Server server(ioc, {address, static_cast<unsigned short>(options.port)});

        const std::string host =
            address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
        const std::string origin = "http://" + host + ":" + std::to_string(server.port());
        const wisepay_standin::DemoData data = wisepay_standin::make_demo_data();
        const std::string description = wisepay_standin::describe(data);
        portal.emplace(data, origin, std::chrono::seconds(options.token_ttl));

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&server](const boost::system::error_code &error, int) {
            if (!error) {
                server.stop();
            }
        });

        std::fputs(description.c_str(), stdout);
        std::printf("sign-in links live %ld s\n", options.token_ttl);
        std::printf("stand-in Wise-Pay listening on %s\n", origin.c_str());
        std::fflush(stdout);
        // Last, so whoever waits for the file also finds the line above.
        if (!options.port_file.empty()) {
            write_port_file(options.port_file, server.port());
        }

        server.start(*portal);
        ioc.run();  // returns once stop() closed the acceptor and the signal wait is done
        server.join();
        std::printf("stand-in Wise-Pay stopped\n");
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "wisepay_standin: %s\n", e.what());
        return 1;
    }
}
