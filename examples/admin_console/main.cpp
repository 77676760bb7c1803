// wisepay_admin_console: an example customer-portal admin console that
// embeds the Wise-Pay plugin. This file reads the flags, loads the plugin,
// serves the console on loopback and, on SIGINT/SIGTERM, stops in order:
// no new connections, in-flight requests answered, plugin instance destroyed,
// library unloaded, exit 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
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
#include <string_view>
#include <vector>

#include "console.h"
#include "http_server.h"
#include "page_document.h"
#include "plugin_host.h"

#ifndef WISEPAY_DEFAULT_PLUGIN_PATH
#define WISEPAY_DEFAULT_PLUGIN_PATH "./libwisepay_plugin.so"
#endif

namespace {
namespace asio = boost::asio;
using namespace admin_console;

constexpr const char *kUsage =
    "usage: wisepay_admin_console --config-file FILE [--plugin PATH] [--tenant ID]\n"
    "                             [--host 127.0.0.1] [--port N] [--port-file PATH]\n"
    "  --config-file  the plugin's config JSON (docs/abi.md), passed to create() as is\n"
    "  --plugin       the plugin library (default: " WISEPAY_DEFAULT_PLUGIN_PATH
    ")\n"
    "  --tenant       the portal tenant whose settings the console edits (default: demo)\n"
    "  --host         loopback address to listen on (default 127.0.0.1; nothing else is\n"
    "                 accepted: the console speaks plain HTTP and has a demo login)\n"
    "  --port         port to listen on; 0 or absent lets the kernel pick a free one\n"
    "  --port-file    write the bound port to PATH (for scripts and tests)\n";

// Largest config file read; the plugin's own config is a few hundred bytes.
constexpr std::uintmax_t kMaxConfigBytes = 1024 * 1024;

struct Options {
    std::string plugin_path = WISEPAY_DEFAULT_PLUGIN_PATH;
    std::string config_file;
    std::string host = "127.0.0.1";
    unsigned port = 0;
    std::string port_file;
    std::string tenant = "demo";
};

// Returns an error message, or nothing when the flags are good. Accepts
// "--flag value" and "--flag=value".
std::optional<std::string> parse_options(int argc, char **argv, Options &options) {
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        std::string_view value;
        bool has_value = false;
        if (const auto eq = flag.find('='); flag.starts_with("--") && eq != flag.npos) {
            value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
            has_value = true;
        }
        if (flag != "--plugin" && flag != "--config-file" && flag != "--host" && flag != "--port" &&
            flag != "--port-file" && flag != "--tenant") {
            return "unknown argument: " + std::string(flag);
        }
        if (!has_value) {
            if (i + 1 >= argc) {
                return std::string(flag) + " needs a value";
            }
            value = argv[++i];
        }
        if (value.empty()) {
            return std::string(flag) + " needs a non-empty value";
        }
        if (flag == "--plugin") {
            options.plugin_path = value;
        } else if (flag == "--config-file") {
            options.config_file = value;
        } else if (flag == "--host") {
            options.host = value;
        } else if (flag == "--port") {
            const auto [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), options.port);
            if (ec != std::errc{} || end != value.data() + value.size() || options.port > 65535) {
                return "--port must be a number from 0 to 65535";
            }
        } else if (flag == "--port-file") {
            options.port_file = value;
        } else {
            options.tenant = value;
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

// The Host header values a browser sends for this console.
std::vector<std::string> host_names(const asio::ip::address &address, unsigned port) {
    const std::string suffix = ":" + std::to_string(port);
    const std::string literal =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return {literal + suffix, "localhost" + suffix};
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
        std::fprintf(stderr, "wisepay_admin_console: %s\n%s", problem->c_str(), kUsage);
        return 2;
    }
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options.host, ec);
    // Plain HTTP and a login anyone can pick must never face a network.
    if (ec || !address.is_loopback()) {
        std::fprintf(stderr,
                     "wisepay_admin_console: refusing --host %s: only a loopback address "
                     "(127.0.0.1 or ::1) is allowed\n",
                     options.host.c_str());
        return 2;
    }

    // A browser closing a connection mid-answer must not kill the console.
    std::signal(SIGPIPE, SIG_IGN);

    try {
        // Declared first, so it is destroyed last: after the server's
        // threads are gone, the instance is destroyed, then the library
        // unloaded (~PluginHost).
        PluginHost plugin(options.plugin_path, read_config(options.config_file));
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
        HttpServer server(ioc, {address, static_cast<unsigned short>(options.port)});
        console.emplace(plugin, std::move(page),
                        ConsoleOptions{options.tenant, host_names(address, server.port())});

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code &error, int) {
            if (error) {
                return;
            }
            std::fputs("stopping: finishing requests in flight\n", stderr);
            server.stop();
            // Back to the default action: a second Ctrl-C ends the process
            // at once, should a request hang.
            boost::system::error_code ignored;
            signals.clear(ignored);
        });

        const std::string url = "http://" + host_names(address, server.port()).front() + "/";
        server.start([&console](Request &req) { return console->handle(req); });
        std::printf("admin console listening on %s\n", url.c_str());
        std::fflush(stdout);
        // Last, so whoever waits for the file also finds the line above.
        if (!options.port_file.empty()) {
            write_port_file(options.port_file, server.port());
        }

        ioc.run();      // returns once stop() closed the acceptor and signals are cleared
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
