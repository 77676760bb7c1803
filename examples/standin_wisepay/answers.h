// The stand-in's answers with the headers every one of them carries: HTML
// pages, JSON bodies and the API's error shape ({"error": {"code", ...}}).
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "http_server.h"

namespace wisepay_standin {

using examples_common::Response;
namespace http = boost::beast::http;

// Nothing here may be cached (tokens, sessions, personal data) and no page
// may leak its URL (with a token) as a Referer.
Response make_response(http::status status, std::string_view content_type, std::string body);

Response html(http::status status, std::string page);
Response json_answer(http::status status, const boost::json::object &body);
Response api_error(http::status status, std::string_view code, std::string_view message,
                   boost::json::object extra = {});

}  // namespace wisepay_standin
