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

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals_ascii(std::string_view a, std::string_view b);

}  // namespace wisepay::text
