// Byte-level checks on the trimmed text, not an RFC 5322 parser: quoted
// local parts and comments are not understood, and the domain is checked
// only for empty labels. Whether a payer has the address is Wise-Pay's to say.
#include "plugin/util/email.h"

#include "plugin/util/text.h"

namespace wisepay {

std::optional<std::string> normalize_email(std::string_view raw) {
    const std::string_view email = text::trim(raw);
    if (email.empty() || email.size() > 254)
        return std::nullopt;
    // One pass over the bytes for what every byte must be and where '@'
    // and the domain's dots stand; UTF-8 is checked only when a byte is not
    // ASCII. (Each check had a pass of its own, and one search after another.)
    std::size_t at = std::string_view::npos;
    bool ascii = true;
    for (std::size_t i = 0; i < email.size(); ++i) {
        const auto byte = static_cast<unsigned char>(email[i]);
        if (byte < 0x20 || byte == 0x7F || byte == ' ')
            return std::nullopt;  // control characters (tab among them) and spaces
        if (byte >= 0x80) {
            ascii = false;
        } else if (byte == '@') {
            if (at != std::string_view::npos)
                return std::nullopt;  // a second '@'
            at = i;
        } else if (byte == '.' && at != std::string_view::npos && i - 1 > at &&
                   email[i - 1] == '.') {
            return std::nullopt;  // ".." in the domain
        }
    }
    if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 == email.size())
        return std::nullopt;  // no '@', or a local part or domain that is empty or too long
    if (email[at + 1] == '.' || email.back() == '.')
        return std::nullopt;
    if (!ascii && !text::is_valid_utf8(email))
        return std::nullopt;
    return std::string(email);
}

bool same_email(std::string_view a, std::string_view b) {
    return text::iequals_ascii(text::trim(a), text::trim(b));
}

}  // namespace wisepay
