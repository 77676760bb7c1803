// The request and response types the console's handlers work with: those of
// the examples' shared server (examples/common/http_server.h), Beast's own
// message types with in-memory string bodies (every page is small).
#pragma once

#include "http_server.h"

namespace admin_console {

namespace http = boost::beast::http;

using examples_common::Request;
using examples_common::Response;

}  // namespace admin_console
