// The two ASCII text helpers the benchmark's HTTP reading and answer checks
// need, shared by the clients' checks (click_content.cpp) and the server's
// request reader (server/request.cpp).
#pragma once

#include <cstddef>
#include <string_view>

namespace wisepay::bench {

// Equal, ignoring the case of ASCII letters.
inline bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// `s` without spaces and tabs at either end.
inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace wisepay::bench
