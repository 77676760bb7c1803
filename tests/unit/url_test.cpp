#include <catch2/catch.hpp>

#include "plugin/url.h"

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
