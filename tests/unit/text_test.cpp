// The text checks on literal strings: UTF-8 validity against the classic bad
// forms, trim and trim_pasted, control characters and non-ASCII, and
// case-insensitive comparison.
#include <catch2/catch.hpp>

#include "plugin/util/text.h"

using namespace wisepay;

TEST_CASE("UTF-8 validation accepts well-formed text and rejects the classic bad forms") {
    CHECK(text::is_valid_utf8(""));
    CHECK(text::is_valid_utf8("plain ascii"));
    CHECK(text::is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xB3"));  // é € 💳
    CHECK_FALSE(text::is_valid_utf8("\xC3"));                                 // truncated
    CHECK_FALSE(text::is_valid_utf8("\xC0\xAF"));                             // overlong '/'
    CHECK_FALSE(text::is_valid_utf8("\xED\xA0\x80"));                         // surrogate
    CHECK_FALSE(text::is_valid_utf8("\xF4\x90\x80\x80"));                     // past U+10FFFF
    CHECK_FALSE(text::is_valid_utf8("\x80"));                                 // stray continuation
    CHECK_FALSE(text::is_valid_utf8("\xFF"));
}

TEST_CASE("trim removes only surrounding spaces, tabs and line breaks") {
    CHECK(text::trim("  key\t\r\n") == "key");
    CHECK(text::trim("a b") == "a b");
    CHECK(text::trim(" \t\n").empty());
    CHECK(text::trim("") == "");
}

TEST_CASE("trim_pasted removes Unicode white space and zero-width characters at the ends only") {
    // NBSP, BOM, em space, zero-width space, word joiner, NEL, ideographic space.
    CHECK(text::trim_pasted("\xC2\xA0\xEF\xBB\xBF\xE2\x80\x83key\xE2\x80\x8B\xE2\x81\xA0"
                            "\xC2\x85\xE3\x80\x80\r\n") == "key");
    CHECK(text::trim_pasted("a\xC2\xA0"
                            "b") ==
          "a\xC2\xA0"
          "b");
    CHECK(text::trim_pasted("\xE2\x80\x8B\xC2\xA0 ").empty());
    // Neighbours of the list are kept: U+200E (a direction mark), U+00A1, U+180E.
    CHECK(text::trim_pasted("\xE2\x80\x8Ek") == "\xE2\x80\x8Ek");
    CHECK(text::trim_pasted("k\xC2\xA1") == "k\xC2\xA1");
    CHECK(text::trim_pasted("\xE1\xA0\x8Ek") == "\xE1\xA0\x8Ek");
    // A four-byte character at the end is decoded whole.
    CHECK(text::trim_pasted("k\xF0\x9F\x92\xB3") == "k\xF0\x9F\x92\xB3");
}

TEST_CASE("control characters and non-ASCII are detected") {
    CHECK(text::has_control_chars(std::string("a\0b", 3)));
    CHECK(text::has_control_chars("a\x7F"));
    CHECK(text::has_control_chars("tab\there"));
    CHECK_FALSE(text::has_control_chars("fine text!"));
    CHECK(text::is_ascii("abc~"));
    CHECK_FALSE(text::is_ascii("caf\xC3\xA9"));
}

TEST_CASE("case-insensitive comparison folds only ASCII letters") {
    CHECK(text::iequals_ascii("Payer@Example.COM", "payer@example.com"));
    CHECK_FALSE(text::iequals_ascii("a@b.c", "a@b.cd"));
    CHECK_FALSE(text::iequals_ascii("[", "{"));
}
