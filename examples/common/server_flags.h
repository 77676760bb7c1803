// The command line of the example servers: flags written "--name value" or
// "--name=value", and the flags they all take, namely where to listen (a
// loopback address only), where to write the bound port, and how long a
// client may take to send a request.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace examples_common {

struct Flag {
    std::string_view name;  // with its dashes: "--port"
    std::string_view value;
};

// True when --help or -h is anywhere on the command line.
bool wants_help(int argc, char **argv);

// Reads argv[1..] as flags that each take a non-empty value. Returns an
// error message for anything else; which names are known is the caller's
// business.
std::optional<std::string> read_flags(int argc, char **argv, std::vector<Flag> &flags);

// A whole decimal number from min to max, or false (and `out` untouched).
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

struct ServerFlags {
    std::string host = "127.0.0.1";
    unsigned port = 0;  // 0: the kernel picks a free one
    std::string port_file;
    std::chrono::seconds read_timeout{30};
};

// The usage lines of the flags above, for a program's --help.
extern const char *const kServerFlagsUsage;

// Stores one of the flags above. Returns an error message when its value is
// bad, or when the flag is none of them.
std::optional<std::string> take_server_flag(const Flag &flag, ServerFlags &flags);

// The endpoint to listen on, or an error message when --host is not a
// loopback address: these servers speak plain HTTP, with demo logins, keys
// and sign-in links, and must never face a network.
std::optional<std::string> loopback_endpoint(const ServerFlags &flags,
                                             boost::asio::ip::tcp::endpoint &endpoint);

// Writes the port under a temporary name and renames it, so that a script
// polling for the file never reads half a number. Throws on failure.
void write_port_file(const std::string &path, unsigned port);

}  // namespace examples_common
