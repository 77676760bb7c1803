// parse_config on config documents written here: the defaults, errors that
// name the setting at fault, plain http only with the opt-in, exactly one
// database (an SQLite path or a PostgreSQL URL), one master key or a ring.
#include <catch2/catch.hpp>

#include "plugin/config.h"
#include "plugin/util/error.h"

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
    REQUIRE(c.master_keys.size() == 1);
    CHECK(c.master_keys[0].kind == MasterKeySource::Kind::kHex);
    CHECK(c.master_keys[0].current);
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
               Catch::Contains("\"database_path\" (an SQLite file) or \"database_url\""));
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

TEST_CASE("the config names exactly one database: an SQLite file or a PostgreSQL URL") {
    const std::string rest = std::string(kKey) + ",\"wisepay_base_url\":\"https://a\"";
    Config c = parse_config(
        "{\"database_url\":\"postgresql://app:pw@db.example/portal\","
        "\"pool_size\":8," +
        rest + "}");
    CHECK(c.database_path.empty());
    CHECK(c.database_url == "postgresql://app:pw@db.example/portal");
    CHECK(c.pool_size == 8);
    CHECK(parse_config("{\"database_url\":\"host=db dbname=portal\"," + rest + "}").pool_size == 4);

    CHECK_THAT(
        config_error_of("{\"database_path\":\"d\",\"database_url\":\"host=db\"," + rest + "}"),
        Catch::Contains("not both"));
    CHECK_THAT(config_error_of("{" + rest + "}"), Catch::Contains("\"database_url\""));
    CHECK_THAT(config_error_of("{\"database_path\":\"d\",\"pool_size\":2," + rest + "}"),
               Catch::Contains("\"pool_size\" applies only to \"database_url\""));
    for (const std::string bad_size : {"0", "65", "\"4\"", "2.5", "-1"}) {
        CHECK_THAT(config_error_of("{\"database_url\":\"host=db\",\"pool_size\":" + bad_size + "," +
                                   rest + "}"),
                   Catch::Contains("\"pool_size\" must be a whole number from 1 to 64"));
    }
    // A URL libpq cannot read is named by its key, never quoted: it may hold
    // a password.
    for (const std::string bad_url : {"postgresql://app:s3cretPW%zz@db/portal", "host=db password",
                                      "mysql://app:s3cretPW@db/portal"}) {
        const std::string message =
            config_error_of("{\"database_url\":\"" + bad_url + "\"," + rest + "}");
        CHECK_THAT(message, Catch::Contains("\"database_url\" is not a PostgreSQL connection"));
        CHECK(message.find("s3cretPW") == std::string::npos);
    }
}

TEST_CASE("master keys come as one key or as a ring with one current key") {
    const std::string rest = ",\"database_path\":\"d\",\"wisepay_base_url\":\"https://a\"}";
    Config c = parse_config(
        "{\"master_keys\":[{\"source\":\"file\",\"path\":\"/k/2025\"},"
        "{\"source\":\"host\",\"name\":\"wisepay/2026\",\"current\":true},"
        "{\"source\":\"env\",\"name\":\"OLD_KEY\"}]" +
        rest);
    REQUIRE(c.master_keys.size() == 3);
    CHECK_FALSE(c.master_keys[0].current);
    CHECK(c.master_keys[1].current);
    CHECK(c.master_keys[1].kind == MasterKeySource::Kind::kHost);
    CHECK(c.master_keys[1].name_or_path == "wisepay/2026");
    // A ring of one is current without saying so.
    CHECK(parse_config("{\"master_keys\":[{\"source\":\"env\",\"name\":\"K\"}]" + rest)
              .master_keys[0]
              .current);

    const std::string one = "{\"source\":\"env\",\"name\":\"K\"}";
    CHECK_THAT(config_error_of("{\"master_key\":" + one + ",\"master_keys\":[" + one + "]" + rest),
               Catch::Contains("not both"));
    CHECK_THAT(config_error_of("{\"master_keys\":[" + one + "," + one + "]" + rest),
               Catch::Contains("exactly one of \"master_keys\" must be marked"));
    CHECK_THAT(config_error_of("{\"master_keys\":[]" + rest), Catch::Contains("1 to 16 keys"));
    CHECK_THAT(config_error_of("{\"master_keys\":[{\"source\":\"env\",\"name\":\"K\","
                               "\"current\":\"yes\"}]" +
                               rest),
               Catch::Contains("\"master_keys[0].current\" must be true or false"));
    CHECK_THAT(config_error_of("{\"master_keys\":[{\"source\":\"host\"}]" + rest),
               Catch::Contains("\"master_keys[0].name\" is required"));
    // "current" belongs to a ring's entries only.
    CHECK_THAT(config_error_of("{\"master_key\":{\"source\":\"env\",\"name\":\"K\","
                               "\"current\":true}" +
                               rest),
               Catch::Contains("unknown setting \"master_key.current\""));
}
