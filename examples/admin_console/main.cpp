// wisepay_admin_console: an example customer-portal admin console that
// embeds the Wise-Pay plugin. This file reads the flags, loads the plugin,
// serves the console on loopback and, on SIGINT/SIGTERM, stops in order:
// no new connections, in-flight requests answered, plugin instance destroyed,
// library unloaded, exit 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "console.h"
#include "http_server.h"
#include "page_document.h"
#include "plugin_host.h"
#include "server_flags.h"

#ifndef WISEPAY_DEFAULT_PLUGIN_PATH
#define WISEPAY_DEFAULT_PLUGIN_PATH "./libwisepay_plugin.so"
#endif

namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace admin_console;

constexpr const char *kUsage =
    "usage: wisepay_admin_console --config-file FILE [--plugin PATH] [--tenant ID]\n"
    "                             [--host 127.0.0.1] [--port N] [--port-file PATH]\n"
    "                             [--read-timeout SECONDS]\n"
    "  --config-file   the plugin's config JSON, passed to create() as is (see \"Config\n"
    "                  passed to create\" in README.md, and create() in abi/wisepay_plugin.h)\n"
    "  --plugin        the plugin library (default: " WISEPAY_DEFAULT_PLUGIN_PATH
    ")\n"
    "  --tenant        the portal tenant whose settings the console edits (default: demo)\n";

// Largest config file read; the plugin's own config is a few hundred bytes.
constexpr std::uintmax_t kMaxConfigBytes = 1024 * 1024;

struct Options {
    std::string plugin_path = WISEPAY_DEFAULT_PLUGIN_PATH;
    std::string config_file;
    std::string tenant = "demo";
    examples_common::ServerFlags server;
};

// Returns an error message, or nothing when the flags are good.
std::optional<std::string> parse_options(int argc, char **argv, Options &options) {
    std::vector<examples_common::Flag> flags;
    if (const auto problem = examples_common::read_flags(argc, argv, flags)) {
        return problem;
    }
    for (const auto &flag : flags) {
        if (flag.name == "--plugin") {
            options.plugin_path = flag.value;
        } else if (flag.name == "--config-file") {
            options.config_file = flag.value;
        } else if (flag.name == "--tenant") {
            options.tenant = flag.value;
        } else if (const auto problem = examples_common::take_server_flag(flag, options.server)) {
            return problem;
        }
    }
    if (options.config_file.empty()) {
        return "--config-file is required";
    }
    return std::nullopt;
}

std::string read_config(const std::string &path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        throw std::runtime_error("cannot read " + path + ": " + ec.message());
    }
    if (size > kMaxConfigBytes) {
        throw std::runtime_error(path + " is too large for a plugin config");
    }
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        throw std::runtime_error("cannot read " + path);
    }
    return text;
}

// Where the plugin's sign-in links lead: the origin of "wisepay_portal_url"
// in the config, by default of "wisepay_base_url" (abi/wisepay_plugin.h,
// create()). "" when the config names neither as an http(s) URL.
std::string wisepay_origin(const std::string &config_json) {
    boost::system::error_code ec;
    const boost::json::value root = boost::json::parse(config_json, ec);
    const boost::json::object *config = ec ? nullptr : root.if_object();
    if (config == nullptr) {
        return {};
    }
    const boost::json::value *url = config->if_contains("wisepay_portal_url");
    if (url == nullptr) {
        url = config->if_contains("wisepay_base_url");
    }
    if (url == nullptr || !url->is_string()) {
        return {};
    }
    const std::string_view text = url->get_string();
    const auto scheme_end = text.find("://");
    const std::string_view scheme = text.substr(0, scheme_end);
    if (scheme_end == std::string_view::npos || (scheme != "https" && scheme != "http")) {
        return {};
    }
    const std::string_view origin = text.substr(0, text.find_first_of("/?#", scheme_end + 3));
    // Only what a Content-Security-Policy source may hold.
    for (const char c : origin) {
        if (c <= ' ' || c == ';' || c == ',' || c == '\'' || c == '"' || c >= 0x7f) {
            return {};
        }
    }
    return std::string(origin);
}

// The Host header values a browser sends for this console.
std::vector<std::string> host_names(const asio::ip::address &address, unsigned port) {
    const std::string suffix = ":" + std::to_string(port);
    const std::string literal =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return {literal + suffix, "localhost" + suffix};
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
        std::fprintf(stderr, "wisepay_admin_console: %s\n%s%s", problem->c_str(), kUsage,
                     examples_common::kServerFlagsUsage);
        return 2;
    }
    tcp::endpoint endpoint;
    if (const auto problem = examples_common::loopback_endpoint(options.server, endpoint)) {
        std::fprintf(stderr, "wisepay_admin_console: %s\n", problem->c_str());
        return 2;
    }

    // A browser closing a connection mid-answer must not kill the console.
    std::signal(SIGPIPE, SIG_IGN);

    try {
        // Declared first, so it is destroyed last: after the server's
        // threads are gone, the instance is destroyed, then the library
        // unloaded (~PluginHost).
        const std::string config = read_config(options.config_file);
        PluginHost plugin(options.plugin_path, config);
        std::fprintf(stderr, "loaded %.*s %.*s from %s\n",
                     static_cast<int>(plugin.plugin_id().size()), plugin.plugin_id().data(),
                     static_cast<int>(plugin.plugin_version().size()),
                     plugin.plugin_version().data(), options.plugin_path.c_str());
        PageDocument page = parse_page_document(plugin.page().document_json);

        // A mistyped tenant id would otherwise only show up as an error on
        // every page; say so once, now.
        const auto probe = plugin.get_settings(options.tenant);
        if (!probe.ok() && probe.error().status == WISEPAY_E_INVALID_ARGUMENT) {
            std::fprintf(stderr, "wisepay_admin_console: --tenant %s: %s\n", options.tenant.c_str(),
                         probe.error().message.c_str());
            return 2;
        }

        asio::io_context ioc;
        // Declared before the server, so the server (whose destructor joins
        // its threads) goes first even when something below throws.
        std::optional<Console> console;
        examples_common::ServerLimits limits;
        limits.read_timeout = options.server.read_timeout;
        examples_common::HttpServer server(ioc, endpoint, limits);
        console.emplace(
            plugin, std::move(page),
            ConsoleOptions{options.tenant, host_names(endpoint.address(), server.port()),
                           wisepay_origin(config)});

        const std::string url =
            "http://" + host_names(endpoint.address(), server.port()).front() + "/";
        server.start([&console](Request &req) { return console->handle(req); });
        std::printf("admin console listening on %s\n", url.c_str());
        std::fflush(stdout);
        // Last, so whoever waits for the file also finds the line above.
        if (!options.server.port_file.empty()) {
            examples_common::write_port_file(options.server.port_file, server.port());
        }

        ioc.run();      // returns once the server stopped (SIGINT, SIGTERM)
        server.join();  // every in-flight request has been answered
        std::fputs("admin console stopped\n", stderr);
        return 0;
    } catch (const PluginLoadError &e) {
        std::fprintf(stderr, "wisepay_admin_console: %s\n", e.what());
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "wisepay_admin_console: %s\n", e.what());
        return 1;
    }
}
