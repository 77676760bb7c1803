// Byte-level checks on the trimmed text, not an RFC 5322 parser: quoted
// local parts and comments are not understood, and the domain is checked
// only for empty labels. Whether a payer has the address is Wise-Pay's to say.
#include "plugin/util/email.h"

#include "plugin/util/text.h"

namespace wisepay {

std::optional<std::string> normalize_email(std::string_view raw) {
    const std::string_view email = text::trim(raw);
    if (email.empty() || email.size() > 254 || !text::is_valid_utf8(email) ||
        text::has_control_chars(email) || email.find_first_of(" \t") != std::string_view::npos) {
        return std::nullopt;
    }
    const auto at = email.find('@');
    if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view local = email.substr(0, at);
    const std::string_view domain = email.substr(at + 1);
    if (local.empty() || local.size() > 64 || domain.empty()) {
        return std::nullopt;
    }
    if (domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(email);
}

bool same_email(std::string_view a, std::string_view b) {
    return text::iequals_ascii(text::trim(a), text::trim(b));
}

}  // namespace wisepay
