// normalize_email and same_email on literal addresses: what is kept (trimmed,
// case as given, UTF-8 allowed), what is refused, and how two compare.
#include <catch2/catch.hpp>

#include "plugin/util/email.h"

using namespace wisepay;

TEST_CASE("plausible emails are kept, trimmed, with their case") {
    CHECK(normalize_email("pat@customer.example") == "pat@customer.example");
    CHECK(normalize_email("  Pat.Payer+inv@Customer.Example\t\n") ==
          "Pat.Payer+inv@Customer.Example");
    CHECK(normalize_email("z\xC3\xB6"
                          "e@b\xC3\xBC"
                          "cher.example")
              .has_value());  // UTF-8 is fine
}

TEST_CASE("things that are not an email are refused") {
    for (const char *bad :
         {"", "   ", "pat", "pat@", "@customer.example", "a@b@c.example",
          "pat payer@customer.example", "pat@customer..example", "pat@.customer.example",
          "pat@customer.example.", "pat\x01@x.example", "\xff@x.example"}) {
        INFO(bad);
        CHECK_FALSE(normalize_email(bad).has_value());
    }
    CHECK_FALSE(normalize_email(std::string(65, 'a') + "@x.example").has_value());
    CHECK_FALSE(normalize_email("a@" + std::string(260, 'b') + ".example").has_value());
}

TEST_CASE("emails match ignoring ASCII case and surrounding white space") {
    CHECK(same_email("PAT@Customer.Example", " pat@customer.example "));
    CHECK_FALSE(same_email("pat@customer.example", "pat@customer.example.evil"));
    CHECK_FALSE(same_email("pat@customer.example", "patt@customer.example"));
}
