// normalize_email and same_email on literal addresses: what is kept (trimmed,
// case as given, UTF-8 allowed), what is refused, and how two compare.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "plugin/util/email.h"
#include "plugin/util/text.h"

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

namespace {

// normalize_email's rules, each checked on its own as the words of its
// comment say: the reference that the one-pass reading must match.
std::optional<std::string> reference_email(std::string_view raw) {
    const std::string_view email = text::trim(raw);
    if (email.empty() || email.size() > 254 || !text::is_valid_utf8(email) ||
        text::has_control_chars(email) || email.find_first_of(" \t") != std::string_view::npos) {
        return std::nullopt;
    }
    const auto at = email.find('@');
    if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
        return std::nullopt;
    const std::string_view local = email.substr(0, at);
    const std::string_view domain = email.substr(at + 1);
    if (local.empty() || local.size() > 64 || domain.empty())
        return std::nullopt;
    if (domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(email);
}

}  // namespace

TEST_CASE("normalize_email agrees with its rules checked one by one") {
    std::vector<std::string> cases = {"pat@customer.example",
                                      " a@b ",
                                      "a..b@c.d",
                                      "a@b..c",
                                      "a@.b",
                                      "a@b.",
                                      ".a@b",
                                      "a.@b",
                                      "a@b.c.",
                                      "@",
                                      "a@",
                                      "@b",
                                      "a@@b",
                                      "a@b@c",
                                      "\ta@b",
                                      "a@b\r\n",
                                      "a @b",
                                      "a@b\x7f",
                                      "a\x01@b",
                                      "\xc3\xa9@b",
                                      "a@\xc3\xa9",
                                      "\xc3@b",
                                      "\xed\xa0\x80@b",
                                      "a@b..",
                                      "a@..b",
                                      "a.@.b",
                                      "a@b.c..",
                                      std::string(64, 'l') + "@d",
                                      std::string(65, 'l') + "@d",
                                      "a@" + std::string(252, 'd'),
                                      "a@" + std::string(251, 'd'),
                                      "a@b" + std::string(1, '\0')};
    // Every byte in each place of a short address.
    for (int c = 0; c < 256; ++c) {
        for (std::size_t at = 0; at < 7; ++at) {
            std::string text = "ab@cd.e";
            text[at] = static_cast<char>(c);
            cases.push_back(text);
        }
    }
    for (const std::string &text : cases) {
        INFO(text);
        CHECK(normalize_email(text) == reference_email(text));
    }
}
