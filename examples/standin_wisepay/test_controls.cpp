// Each control's body is checked exactly ({"revoked": bool}, {"enabled":
// bool}, {"ms": 0-60000}, else 400); an unknown merchant id is a 404. Setting
// the delay answers with the stats, as GET /_standin/stats does.
#include "test_controls.h"

#include <boost/json.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "answers.h"

namespace wisepay_standin {
namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxDelayMs = 60000;

bool is_json(const examples_common::Request &req) {
    const std::string_view type = req[http::field::content_type];
    return type.substr(0, type.find(';')) == "application/json";
}

// The boolean `name` of a JSON object body, or nothing.
std::optional<bool> bool_in_body(const examples_common::Request &req, std::string_view name) {
    boost::system::error_code ec;
    const json::value body = json::parse(req.body(), ec);
    const json::object *object = ec ? nullptr : body.if_object();
    const json::value *value = object != nullptr ? object->if_contains(name) : nullptr;
    if (value == nullptr || !value->is_bool()) {
        return std::nullopt;
    }
    return value->get_bool();
}

std::optional<std::int64_t> delay_in_body(const examples_common::Request &req) {
    boost::system::error_code ec;
    const json::value body = json::parse(req.body(), ec);
    const json::object *object = ec ? nullptr : body.if_object();
    const json::value *value = object != nullptr ? object->if_contains("ms") : nullptr;
    if (value == nullptr || !value->is_int64() || value->get_int64() < 0 ||
        value->get_int64() > kMaxDelayMs) {
        return std::nullopt;
    }
    return value->get_int64();
}

Response stats(const Portal &portal) {
    const Counters counters = portal.counters();
    return json_answer(http::status::ok,
                       json::object{{"sso_sessions_created", counters.sso_sessions_created},
                                    {"sign_ins", counters.sign_ins},
                                    {"api_delay_ms", portal.api_delay().count()}});
}

Response bad_body(std::string_view what) {
    return api_error(http::status::bad_request, "invalid_request", what);
}

// POST /_standin/merchants/<id>/key or .../integration.
Response merchant_control(Portal &portal, const examples_common::Request &req,
                          std::string_view rest) {
    const auto slash = rest.find('/');
    const std::string_view merchant_id = rest.substr(0, slash);
    const std::string_view what =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    bool found = false;
    if (what == "key") {
        const auto revoked = bool_in_body(req, "revoked");
        if (!revoked) {
            return bad_body("Send {\"revoked\": true} or {\"revoked\": false}.");
        }
        found = portal.set_key_revoked(merchant_id, *revoked);
    } else if (what == "integration") {
        const auto enabled = bool_in_body(req, "enabled");
        if (!enabled) {
            return bad_body("Send {\"enabled\": true} or {\"enabled\": false}.");
        }
        found = portal.set_integration_enabled(merchant_id, *enabled);
    } else {
        return api_error(http::status::not_found, "not_found", "No such test control.");
    }
    if (!found) {
        return api_error(http::status::not_found, "not_found", "No merchant has this id.");
    }
    return json_answer(http::status::ok, json::object{{"ok", true}});
}

}  // namespace

Response test_control(Portal &portal, const examples_common::Request &req, std::string_view path) {
    const std::string_view rest = path.substr(kTestControlPrefix.size());
    if (rest == "stats") {
        return req.method() == http::verb::get
                   ? stats(portal)
                   : api_error(http::status::method_not_allowed, "method_not_allowed", "Use GET.");
    }
    if (req.method() != http::verb::post) {
        return api_error(http::status::method_not_allowed, "method_not_allowed", "Use POST.");
    }
    if (!is_json(req)) {
        return api_error(http::status::unsupported_media_type, "unsupported_media_type",
                         "Send Content-Type: application/json.");
    }
    if (rest == "api-delay") {
        const auto delay = delay_in_body(req);
        if (!delay) {
            return bad_body("Send {\"ms\": N} with N from 0 to 60000.");
        }
        portal.set_api_delay(std::chrono::milliseconds(*delay));
        return stats(portal);
    }
    constexpr std::string_view kMerchants = "merchants/";
    if (rest.starts_with(kMerchants)) {
        return merchant_control(portal, req, rest.substr(kMerchants.size()));
    }
    return api_error(http::status::not_found, "not_found", "No such test control.");
}

}  // namespace wisepay_standin
