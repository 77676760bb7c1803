// Parsing the absolute http(s) URLs the plugin deals with: the configured
// Wise-Pay base URL, and the redirects and links Wise-Pay returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wisepay {

struct Url {
    std::string scheme;  // "https" or "http", lower case
    std::string host;    // lower case; IPv6 without brackets
    std::uint16_t port = 0;
    std::string target;  // path with query, "/" when empty; no fragment
    bool is_https() const { return scheme == "https"; }
    // "host" or "host:port" when the port is not the scheme's default.
    std::string authority() const;
};

// Parses an absolute http or https URL. Rejects user info ("user@host"),
// white space, control characters, empty hosts and bad ports, which are the
// usual ways a URL is made to point somewhere other than it seems.
std::optional<Url> parse_url(std::string_view text);

// Checks `text` exactly as parse_url does but leaves `target` empty, for a
// URL that is a credential (a sign-in URL carries its token in the query): a
// copy of the target would be one more unwiped copy of the credential.
std::optional<Url> parse_url_origin(std::string_view text);

}  // namespace wisepay
