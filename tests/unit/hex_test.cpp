// to_hex on fixed bytes, and random_hex drawn 10,000 times: the length
// asked, lower-case hex, never the same id twice.
#include <catch2/catch.hpp>

#include <set>

#include "plugin/util/hex.h"

using namespace wisepay;

TEST_CASE("to_hex writes two lower-case digits per byte") {
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    CHECK(to_hex(bytes, sizeof bytes) == "000fa5ff");
    CHECK(to_hex(bytes, 0).empty());
}

TEST_CASE("random_hex gives the asked length in hex, and never the same id twice") {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        const auto id = random_hex(16);
        REQUIRE(id);
        REQUIRE(id->size() == 32);
        REQUIRE(id->find_first_not_of("0123456789abcdef") == std::string::npos);
        seen.insert(*id);
    }
    CHECK(seen.size() == 10000);
    CHECK(random_hex(0) == std::optional<std::string>(""));
}
