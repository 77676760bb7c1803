// Frames a request where it lies (request.h): the header up to its blank
// line, the request line, the four fields the server acts on, and a body of
// Content-Length bytes. Transfer-Encoding and Expect are refused as
// malformed: the server does not support them.
#include "bench/server/request.h"

#include "bench/ascii.h"

namespace wisepay::bench::server {
namespace {

constexpr std::size_t kMaxHeader = 16 * 1024;
constexpr std::size_t kMaxBody = 64 * 1024;

bool parse_length(std::string_view digits, std::size_t &out) {
    if (digits.empty() || digits.size() > 9)
        return false;
    std::size_t value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<std::size_t>(c - '0');
    }
    out = value;
    return true;
}

}  // namespace

Parse parse_request(std::string_view bytes, Request &out) {
    const std::size_t header_end = bytes.find("\r\n\r\n");
    if (header_end == std::string_view::npos)
        return bytes.size() > kMaxHeader ? Parse::kMalformed : Parse::kIncomplete;
    if (header_end > kMaxHeader)
        return Parse::kMalformed;

    std::string_view head = bytes.substr(0, header_end + 2);  // each line ends in CRLF
    std::size_t eol = head.find("\r\n");
    const std::string_view request_line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    const std::size_t sp1 = request_line.find(' ');
    const std::size_t sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1 || request_line.substr(sp2 + 1) != "HTTP/1.1") {
        return Parse::kMalformed;
    }
    out = Request{};
    out.method = request_line.substr(0, sp1);
    out.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);

    std::size_t length = 0;
    while (!head.empty()) {
        eol = head.find("\r\n");
        const std::string_view line = head.substr(0, eol);
        head.remove_prefix(eol + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return Parse::kMalformed;
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim_blanks(line.substr(colon + 1));
        if (iequals_ascii(name, "content-length")) {
            if (!parse_length(value, length) || length > kMaxBody)
                return Parse::kMalformed;
        } else if (iequals_ascii(name, "authorization")) {
            out.authorization = value;
        } else if (iequals_ascii(name, "user-agent")) {
            out.user_agent = value;
        } else if (iequals_ascii(name, "connection")) {
            out.close = iequals_ascii(value, "close");
        } else if (iequals_ascii(name, "transfer-encoding") || iequals_ascii(name, "expect")) {
            return Parse::kMalformed;
        }
    }
    const std::size_t body_at = header_end + 4;
    if (bytes.size() < body_at + length)
        return Parse::kIncomplete;
    out.body = bytes.substr(body_at, length);
    out.size = body_at + length;
    return Parse::kComplete;
}

}  // namespace wisepay::bench::server
