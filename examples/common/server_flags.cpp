// Reading the servers' flags ("--name value" and "--name=value"), the usage
// text of the shared ones, the check that --host is a loopback address, and
// the port file, written as PATH.tmp and renamed over PATH.
#include "server_flags.h"

#include <boost/asio/ip/address.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace examples_common {

const char *const kServerFlagsUsage =
    "  --host          loopback address to listen on (default 127.0.0.1; nothing else\n"
    "                  is accepted: plain HTTP and demo secrets must not face a network)\n"
    "  --port          port to listen on; 0 or absent lets the kernel pick a free one\n"
    "  --port-file     write the bound port to PATH (for scripts and tests)\n"
    "  --read-timeout  seconds a client may take to send a request, or keep an idle\n"
    "                  connection open (default 30)\n";

bool wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
            return true;
        }
    }
    return false;
}

std::optional<std::string> read_flags(int argc, char **argv, std::vector<Flag> &flags) {
    for (int i = 1; i < argc; ++i) {
        Flag flag{argv[i], {}};
        if (!flag.name.starts_with("--")) {
            return "unexpected argument: " + std::string(flag.name);
        }
        if (const auto eq = flag.name.find('='); eq != std::string_view::npos) {
            flag.value = flag.name.substr(eq + 1);
            flag.name = flag.name.substr(0, eq);
        } else if (i + 1 < argc) {
            flag.value = argv[++i];
        } else {
            return std::string(flag.name) + " needs a value";
        }
        if (flag.value.empty()) {
            return std::string(flag.name) + " needs a non-empty value";
        }
        flags.push_back(flag);
    }
    return std::nullopt;
}

std::optional<std::string> take_server_flag(const Flag &flag, ServerFlags &flags) {
    if (flag.name == "--host") {
        flags.host = flag.value;
    } else if (flag.name == "--port") {
        if (!parse_number<unsigned>(flag.value, flags.port, 0, 65535)) {
            return "--port must be a number from 0 to 65535";
        }
    } else if (flag.name == "--port-file") {
        flags.port_file = flag.value;
    } else if (flag.name == "--read-timeout") {
        long seconds = 0;
        if (!parse_number<long>(flag.value, seconds, 1, 3600)) {
            return "--read-timeout must be a number of seconds from 1 to 3600";
        }
        flags.read_timeout = std::chrono::seconds(seconds);
    } else {
        return "unknown argument: " + std::string(flag.name);
    }
    return std::nullopt;
}

std::optional<std::string> loopback_endpoint(const ServerFlags &flags,
                                             boost::asio::ip::tcp::endpoint &endpoint) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(flags.host, ec);
    if (ec || !address.is_loopback()) {
        return "refusing --host " + flags.host +
               ": only a loopback address (127.0.0.1 or ::1) is allowed";
    }
    endpoint = {address, static_cast<unsigned short>(flags.port)};
    return std::nullopt;
}

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

}  // namespace examples_common
