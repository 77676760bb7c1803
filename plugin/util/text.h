// Small checks on text that comes from outside the plugin.
#pragma once

#include <string_view>

namespace wisepay::text {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// True when `s` holds a C0 control character or DEL.
bool has_control_chars(std::string_view s);

// True when every byte is ASCII.
bool is_ascii(std::string_view s);

// `s` without leading and trailing spaces, tabs, CR and LF.
std::string_view trim(std::string_view s);

// `s` (valid UTF-8) without the leading and trailing characters a paste from
// a web page or a document carries along: every Unicode white space
// character (White_Space=yes, which includes tab, CR, LF, no-break and em
// spaces) and the zero-width ones (U+200B-U+200D, U+2060, the U+FEFF byte
// order mark). Keep in step with kPastedPaddingClass.
std::string_view trim_pasted(std::string_view s);

// The same characters as a character class of an ECMA-262 / JSON Schema
// regular expression, for a schema that must accept what trim_pasted removes.
inline constexpr const char *kPastedPaddingClass =
    "[\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200d\\u2028\\u2029"
    "\\u202f\\u205f\\u2060\\u3000\\ufeff]";

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals_ascii(std::string_view a, std::string_view b);

}  // namespace wisepay::text
