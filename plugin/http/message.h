// What the HTTP client sends and receives: a request with header values
// that may be secrets, an answer whose bytes may be secrets, and the limits
// an answer must keep.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugin/util/secret.h"
#include "plugin/util/url.h"
#include "plugin/util/wiping_memory.h"

namespace wisepay::http {

// A header field of a request. Its value may be a secret (Authorization), so
// it is held in a buffer that is wiped when the request goes.
struct Header {
    Header(std::string field_name, std::string_view field_value)
        : name(std::move(field_name)), value(field_value) {}
    Header(std::string field_name, SecretBytes field_value)
        : name(std::move(field_name)), value(std::move(field_value)) {}
    std::string name;
    SecretBytes value;
};

struct Request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    Url url;
    // The client copies header values only into memory it wipes, and never
    // puts one in an error message. Host, Content-Length, Transfer-Encoding
    // and Connection are the client's own and refused here; a User-Agent
    // given here replaces the configured one.
    std::vector<Header> headers;
    std::string body;  // sent as-is, with Content-Length
};

// Bytes that may hold a secret and whose size is known only as they arrive
// (an answer's body carries a sign-in URL, or echoes the key back). A vector,
// not a string: its one heap block is wiped on release and when it grows,
// where a std::string keeps short contents inline, out of its allocator's
// reach.
using WipedBytes = std::vector<char, WipingAllocator<char>>;

struct Response {
    unsigned status = 0;
    WipedBytes body;
    std::string retry_after;         // the Retry-After header, "" when absent
    std::string content_type;        // the Content-Type header, "" when absent
    bool reused_connection = false;  // served on a pooled connection
    bool tls_session_resumed = false;

    std::string_view body_text() const { return {body.data(), body.size()}; }
};

// How much of an answer is read before the answer is refused as too large.
struct Limits {
    std::size_t header = 16 * 1024;
    std::size_t body = 64 * 1024;
};

}  // namespace wisepay::http
