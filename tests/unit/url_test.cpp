// parse_url and parse_url_origin on literal URLs: the parts of good ones, the
// forms that hide where a URL points, and an origin checked exactly as the
// full parse checks it.
#include <catch2/catch.hpp>

#include "plugin/util/url.h"

using namespace wisepay;

TEST_CASE("absolute https URLs parse into scheme, host, port and target") {
    auto url = parse_url("https://Pay.Example.com/portal?x=1#frag");
    REQUIRE(url);
    CHECK(url->scheme == "https");
    CHECK(url->host == "pay.example.com");
    CHECK(url->port == 443);
    CHECK(url->target == "/portal?x=1");
    CHECK(url->authority() == "pay.example.com");

    auto local = parse_url("https://127.0.0.1:8443");
    REQUIRE(local);
    CHECK(local->port == 8443);
    CHECK(local->target == "/");
    CHECK(local->authority() == "127.0.0.1:8443");

    auto v6 = parse_url("http://[::1]:9000/a");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->authority() == "[::1]:9000");
}

TEST_CASE("URLs that hide where they point are rejected") {
    CHECK_FALSE(parse_url("https://user@evil.example/"));
    CHECK_FALSE(parse_url("https://good.example@evil.example/"));
    CHECK_FALSE(parse_url("javascript:alert(1)"));
    CHECK_FALSE(parse_url("ftp://host/"));
    CHECK_FALSE(parse_url("//host/path"));
    CHECK_FALSE(parse_url("https:///path"));
    CHECK_FALSE(parse_url("https://host:0/"));
    CHECK_FALSE(parse_url("https://host:65536/"));
    CHECK_FALSE(parse_url("https://host:/"));
    CHECK_FALSE(parse_url("https://ho st/"));
    CHECK_FALSE(parse_url("https://host\\@evil/"));
    CHECK_FALSE(parse_url("https://host/\x01"));
    CHECK_FALSE(parse_url("https://[::1/"));
}

TEST_CASE("parse_url_origin checks a URL as parse_url does but keeps no target") {
    const auto origin = parse_url_origin("https://Pay.Example.com:8443/sso?token=abc#x");
    REQUIRE(origin);
    CHECK(origin->scheme == "https");
    CHECK(origin->host == "pay.example.com");
    CHECK(origin->port == 8443);
    CHECK(origin->target.empty());
    for (const char *text :
         {"https://pay.example.com", "http://[::1]:9000/a", "https://user@evil.example/",
          "javascript:alert(1)", "https://host:65536/", "https://host/\x01", "https://[::1/",
          "https://host/a b"}) {
        INFO(text);
        const auto full = parse_url(text);
        const auto only_origin = parse_url_origin(text);
        REQUIRE(full.has_value() == only_origin.has_value());
        if (full) {
            CHECK(only_origin->scheme == full->scheme);
            CHECK(only_origin->host == full->host);
            CHECK(only_origin->port == full->port);
            CHECK(only_origin->target.empty());
        }
    }
}

TEST_CASE("an Origin holds exactly the URLs that parse to its scheme, host and port") {
    for (const char *origin_url :
         {"https://pay.example.com", "http://127.0.0.1:9000/base", "https://[::1]:8443"}) {
        const Url url = *parse_url(origin_url);
        const Origin origin(url);
        for (const std::string &text :
             std::initializer_list<std::string>{origin.text(),
                                                origin.text() + "/",
                                                origin.text() + "/sso?t=1#f",
                                                origin.text() + "?t=1",
                                                origin.text() + "#f",
                                                origin.text() + "/a b",
                                                origin.text() + "/\x01",
                                                origin.text() + "/caf\xc3\xa9",
                                                origin.text() + "/\\",
                                                origin.text() + ".evil.example/",
                                                origin.text() + "@evil.example/",
                                                origin.text() + ":443/",
                                                origin.text() + ":9000/",
                                                origin.text() + "0/",
                                                "https://PAY.example.com/sso",
                                                "HTTPS://pay.example.com:443/",
                                                "http://pay.example.com/",
                                                "https://pay.example.com:8443/",
                                                "http://127.0.0.1:9000",
                                                "http://127.0.0.1/",
                                                "https://[::1]:8443/x",
                                                "https://[0:0:0:0:0:0:0:1]:8443/",
                                                "https://evil.example/",
                                                "/relative",
                                                ""}) {
            INFO(origin_url << " holds " << text);
            const auto parsed = parse_url_origin(text);
            const bool same = parsed && parsed->scheme == url.scheme && parsed->host == url.host &&
                              parsed->port == url.port;
            CHECK(origin.holds(text) == same);
        }
    }
    CHECK(Origin(*parse_url("https://Pay.Example.com:443/x")).text() == "https://pay.example.com");
    CHECK(Origin(*parse_url("http://[::1]:9000")).text() == "http://[::1]:9000");
    CHECK(Origin(*parse_url("https://pay.example.com")).holds("https://pay.example.com/sso"));
}

TEST_CASE("every byte a URL may not hold is refused wherever it stands") {
    // URLs are checked eight bytes at a time, then byte by byte.
    const std::string prefix = "https://pay.example.com/";
    const Origin origin(*parse_url(prefix));
    for (int c = 0; c < 256; ++c) {
        const bool allowed = c > 0x20 && c < 0x7F && c != '\\';
        for (std::size_t at = 0; at < 20; ++at) {
            std::string text = prefix + "abcdefghijklmnopqrstuvwxyz";
            text[prefix.size() + at] = static_cast<char>(c);
            INFO("byte " << c << " at " << at);
            CHECK(parse_url(text).has_value() == allowed);
            CHECK(origin.holds(text) == allowed);
        }
    }
}
