// Email addresses as the invoice link receives them from the host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wisepay {

// The address without surrounding white space, or nullopt when it is not a
// plausible address: exactly one '@', a non-empty local part of at most 64
// bytes, a domain of dot-separated non-empty labels, no white space or
// control characters, valid UTF-8, at most 254 bytes in all. Case is kept;
// compare with same_email().
std::optional<std::string> normalize_email(std::string_view raw);

// Equal as Wise-Pay matches payers: surrounding white space trimmed, ASCII
// case ignored.
bool same_email(std::string_view a, std::string_view b);

}  // namespace wisepay
