#include <catch2/catch.hpp>

#include "plugin/config.h"
#include "plugin/error.h"

using namespace wisepay;

namespace {

const char *kKey = "\"master_key\":{\"source\":\"hex\",\"value\":\"00\"}";

std::string config_with(const std::string &extra) {
    return std::string("{\"database_path\":\"/tmp/x.db\",") + kKey +
           ",\"wisepay_base_url\":\"https://pay.example.com/\"" + extra + "}";
}

std::string config_error_of(const std::string &json) {
    try {
        parse_config(json);
    } catch (const Error &e) {
        CHECK(e.status() == WISEPAY_E_CONFIG);
        return e.message();
    }
    FAIL("config was accepted: " << json);
    return "";
}

}  // namespace

TEST_CASE("a complete config parses, with defaults for what is optional") {
    Config c = parse_config(config_with(""));
    CHECK(c.database_path == "/tmp/x.db");
    CHECK(c.master_key.kind == MasterKeySource::Kind::kHex);
    CHECK(c.wisepay_base.host == "pay.example.com");
    CHECK(c.wisepay_base.target.empty());  // trailing slash dropped
    CHECK(c.deadline == std::chrono::milliseconds(10000));
    CHECK(c.ca_file.empty());
    CHECK_FALSE(c.allow_insecure_http);

    Config d = parse_config(config_with(",\"ca_file\":\"/ca.pem\",\"deadline_ms\":2500"));
    CHECK(d.ca_file == "/ca.pem");
    CHECK(d.deadline == std::chrono::milliseconds(2500));
}

TEST_CASE("config errors name the setting at fault") {
    CHECK_THAT(config_error_of("{"), Catch::Contains("not valid JSON"));
    CHECK_THAT(config_error_of("[]"), Catch::Contains("must be an object"));
    CHECK_THAT(config_error_of(config_with(",\"databse_path\":\"x\"")),
               Catch::Contains("unknown setting \"databse_path\""));
    CHECK_THAT(config_error_of(std::string("{") + kKey + ",\"wisepay_base_url\":\"https://a\"}"),
               Catch::Contains("\"database_path\" is required"));
    CHECK_THAT(config_error_of(config_with(",\"deadline_ms\":5")), Catch::Contains("deadline_ms"));
    CHECK_THAT(config_error_of(config_with(",\"deadline_ms\":\"fast\"")),
               Catch::Contains("deadline_ms"));
    // Beyond int64 (found by fuzz_config): a range error, not a JSON library throw.
    CHECK_THAT(config_error_of(config_with(",\"deadline_ms\":18446744073709551615")),
               Catch::Contains("between 100 and 120000"));
    CHECK_THAT(config_error_of(config_with(",\"deadline_ms\":-9223372036854775808")),
               Catch::Contains("between 100 and 120000"));
    CHECK_THAT(config_error_of(config_with(",\"deadline_ms\":2.5e3")),
               Catch::Contains("whole number"));
    CHECK_THAT(config_error_of("{\"database_path\":\"d\"," + std::string(kKey) +
                               ",\"wisepay_base_url\":\"http://pay.example.com\"}"),
               Catch::Contains("must use https"));
    CHECK_THAT(config_error_of("{\"database_path\":\"d\"," + std::string(kKey) +
                               ",\"wisepay_base_url\":\"https://u@pay.example.com\"}"),
               Catch::Contains("absolute https URL"));
    CHECK_THAT(config_error_of("{\"database_path\":\"d\",\"master_key\":{\"source\":\"vault\"},"
                               "\"wisepay_base_url\":\"https://a\"}"),
               Catch::Contains("master_key.source"));
}

TEST_CASE("plain http to Wise-Pay needs an explicit opt-in") {
    Config c = parse_config("{\"database_path\":\"d\"," + std::string(kKey) +
                            ",\"wisepay_base_url\":\"http://127.0.0.1:9000\","
                            "\"allow_insecure_http\":true}");
    CHECK_FALSE(c.wisepay_base.is_https());
    CHECK(c.allow_insecure_http);
}
