// Frames one HTTP/1.1 request out of the bytes a connection has received and
// picks out the few header fields the benchmark server acts on. Everything
// returned points into the caller's buffer; nothing is copied or allocated,
// so framing costs the server almost nothing per request.
#pragma once

#include <cstddef>
#include <string_view>

namespace wisepay::bench::server {

struct Request {
    std::string_view method;
    std::string_view target;
    std::string_view authorization;  // the field's value, "" when absent
    std::string_view user_agent;     // the field's value, "" when absent
    std::string_view body;
    bool close = false;    // the client sent "Connection: close"
    std::size_t size = 0;  // bytes of the buffer this request takes
};

enum class Parse { kIncomplete, kComplete, kMalformed };

// Parses the request at the start of `bytes`. kIncomplete: the header or the
// body is not all there yet. kMalformed: not HTTP/1.1 as the benchmark's
// clients send it (chunked bodies, for one, are not accepted), or over the
// limits (16 KiB of header, 64 KiB of body).
Parse parse_request(std::string_view bytes, Request &out);

}  // namespace wisepay::bench::server
