// The request and response types the console's handlers work with: Beast's
// own message types with in-memory string bodies (every page is small).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace admin_console {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace admin_console
