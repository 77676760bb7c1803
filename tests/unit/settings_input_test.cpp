// parse_settings_patch, check_tenant_id and check_actor on literal inputs:
// the key trimmed of what a paste carries, each bad field with its own field
// error, a setting given twice, and documents that are no settings object.
#include <catch2/catch.hpp>

#include "plugin/settings/settings_input.h"
#include "plugin/util/error.h"

using namespace wisepay;

namespace {

// The field errors a settings document gets, as "field: message" lines.
std::vector<std::string> field_errors_of(const std::string &json) {
    try {
        parse_settings_patch(json);
    } catch (const Error &e) {
        REQUIRE(e.status() == WISEPAY_E_VALIDATION);
        std::vector<std::string> out;
        for (const auto &f : e.field_errors())
            out.push_back(f.field + ": " + f.message);
        return out;
    }
    FAIL("settings were accepted: " << json);
    return {};
}

std::string code_of(const std::string &json) {
    try {
        parse_settings_patch(json);
    } catch (const Error &e) {
        return e.code();
    }
    return "ok";
}

}  // namespace

TEST_CASE("a pasted key is trimmed of surrounding white space") {
    SettingsPatch patch =
        parse_settings_patch(R"({"api_key":"  \twp_live_ABCdef123456\r\n ","enabled":true})");
    CHECK(patch.api_key.kind == ApiKeyChange::Kind::kSet);
    CHECK(patch.api_key.value.view() == "wp_live_ABCdef123456");
    CHECK(patch.enabled == true);
}

TEST_CASE("absent fields keep, null removes the key") {
    SettingsPatch keep = parse_settings_patch("{}");
    CHECK(keep.api_key.kind == ApiKeyChange::Kind::kKeep);
    CHECK_FALSE(keep.enabled.has_value());
    SettingsPatch remove = parse_settings_patch(R"({"api_key":null,"enabled":false})");
    CHECK(remove.api_key.kind == ApiKeyChange::Kind::kRemove);
    CHECK(remove.enabled == false);
}

TEST_CASE("bad keys get a field error on api_key") {
    const char *bad[] = {
        R"({"api_key":""})",
        R"({"api_key":"   "})",
        R"({"api_key":"wp_live_\u0000abcdef"})",
        R"({"api_key":"wp_live_abc\u0007def"})",
        R"({"api_key":"wp_live_caf\u00e9_12345"})",
        R"({"api_key":"wp live abcdefgh"})",
        R"({"api_key":"short"})",
        R"({"api_key":12345678})",
    };
    for (const char *json : bad) {
        INFO(json);
        auto errors = field_errors_of(json);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::StartsWith("api_key: "));
    }
    auto too_long = field_errors_of("{\"api_key\":\"" + std::string(257, 'k') + "\"}");
    CHECK_THAT(too_long[0], Catch::Contains("too long"));
    auto absurd = field_errors_of("{\"api_key\":\"" + std::string(8000, 'k') + "\"}");
    CHECK_THAT(absurd[0], Catch::Contains("too long"));
    // The longest acceptable key is accepted.
    CHECK(parse_settings_patch("{\"api_key\":\"" + std::string(256, 'k') + "\"}").api_key.kind ==
          ApiKeyChange::Kind::kSet);
}

TEST_CASE("the padding a paste carries is trimmed before the key is measured") {
    // No-break space, byte order mark, em space, zero-width space, ideographic
    // space, CRLF: the key inside is what is kept and what is measured.
    const std::string key(256, 'k');
    const std::string padded =
        "{\"api_key\":\"\\u00a0\\ufeff\\u2003" + key + "\\u200b\\u3000\\r\\n\"}";
    const SettingsPatch patch = parse_settings_patch(padded);
    REQUIRE(patch.api_key.kind == ApiKeyChange::Kind::kSet);
    CHECK(patch.api_key.value.view() == key);
    // Padding does not make a short key long enough.
    CHECK_THAT(field_errors_of(R"({"api_key":"\u00a0\u00a0\u00a0\u00a0short\u00a0"})")[0],
               Catch::Contains("too short"));
    // Inside the key, a Unicode space is not padding.
    CHECK_THAT(field_errors_of(R"({"api_key":"wp_live\u00a0abcdefgh"})")[0],
               Catch::StartsWith("api_key: "));
}

TEST_CASE("wrong types and unknown fields each get their own field error") {
    auto errors = field_errors_of(R"({"enabled":"yes","colour":"blue","api_key":"x"})");
    REQUIRE(errors.size() == 3);
    CHECK_THAT(errors[0], Catch::StartsWith("enabled: "));
    CHECK(errors[1] == "colour: This setting is unknown to Wise-Pay.");
    CHECK_THAT(errors[2], Catch::StartsWith("api_key: "));
}

TEST_CASE("a setting given twice is a field error naming it, however it is spelled") {
    const auto [body, field] = GENERATE(
        std::pair{R"({"enabled":true,"enabled":false})", "enabled"},
        std::pair{R"({"api_key":"wp_live_first_key","enabled":true,"api_key":null})", "api_key"},
        // An escape spells the same name.
        std::pair{R"({"enabled":true,"en\u0061bled":false})", "enabled"},
        std::pair{R"({"colour":1,"colour":2})", "colour"});
    INFO(body);
    const auto errors = field_errors_of(body);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] ==
          std::string(field) + ": This setting is given more than once. Send each setting once.");
}

TEST_CASE("the same name inside a nested value is not a top-level duplicate") {
    // Still refused, but for its type, not as a duplicate.
    const auto errors = field_errors_of(R"({"enabled":{"a":1,"a":2}})");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "enabled: Enabled must be true or false.");
}

TEST_CASE("documents that are not a settings object are refused before any field check") {
    CHECK(code_of("{\"enabled\":") == "malformed_json");
    CHECK(code_of("") == "malformed_json");
    CHECK(code_of("{\"api_key\":\"\xff\xfe\"}") == "malformed_json");  // not UTF-8
    CHECK(code_of("[]") == "settings_not_object");
    CHECK(code_of("true") == "settings_not_object");
    CHECK(code_of(std::string(20000, ' ') + "{}") == "settings_too_large");
    CHECK(code_of("{\"a\":[[[[[[[[1]]]]]]]]}") == "malformed_json");  // too deep
    // Found by fuzz_settings_input: a parse abandoned after a string was
    // built freed it with the wrong operator delete (caught under ASan).
    CHECK(code_of(R"({"api_key":d":fa"wp_caf\u00e9_12345"})") == "malformed_json");
}

TEST_CASE("tenant ids and actors are checked") {
    CHECK(check_tenant_id("acme-01.eu_west") == "acme-01.eu_west");
    for (const char *bad : {"", "-acme", ".hidden", "acme corp", "acme/../x", "caf\xC3\xA9"}) {
        INFO(bad);
        CHECK_THROWS_AS(check_tenant_id(bad), Error);
    }
    CHECK_THROWS_AS(check_tenant_id(nullptr), Error);
    CHECK_THROWS_AS(check_tenant_id(std::string(65, 'a').c_str()), Error);
    CHECK(check_tenant_id(std::string(64, 'a').c_str()).size() == 64);

    CHECK(check_actor("Zoë Admin <zoe@example.com>") == "Zoë Admin <zoe@example.com>");
    CHECK_THROWS_AS(check_actor(""), Error);
    CHECK_THROWS_AS(check_actor(nullptr), Error);
    CHECK_THROWS_AS(check_actor("line\nbreak"), Error);
    CHECK_THROWS_AS(check_actor("\xC3"), Error);
}
