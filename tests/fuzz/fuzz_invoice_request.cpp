// Fuzzes the text of an invoice click as a host passes it: the user's email
// and the return URL.
#include <cstdint>
#include <string>

#include "plugin/util/email.h"
#include "plugin/util/text.h"
#include "plugin/util/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    if (const auto email = wisepay::normalize_email(text)) {
        if (email->find('@') == std::string::npos || !wisepay::text::is_valid_utf8(*email) ||
            !wisepay::same_email(*email, text)) {
            __builtin_trap();
        }
    }
    if (const auto url = wisepay::parse_url(text)) {
        if (url->host.empty() || url->port == 0 || url->target.empty() || url->target[0] != '/') {
            __builtin_trap();
        }
        // What the plugin prints back must parse to the same origin.
        const auto again = wisepay::parse_url(url->scheme + "://" + url->authority() + url->target);
        if (!again || again->host != url->host || again->port != url->port)
            __builtin_trap();
    }
    return 0;
}
