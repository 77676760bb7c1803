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

// An origin (scheme, host and port) that URLs are checked against. Built
// once, it also keeps the text every URL on it starts with as the plugin
// writes URLs ("https://host", or "https://host:port" for another port), so
// that checking such a URL is one comparison and one scan.
class Origin {
  public:
    // `url` as parse_url gives it (host in lower case).
    explicit Origin(const Url &url);

    bool is_https() const { return scheme_ == "https"; }
    // The origin as text: scheme "://" authority().
    const std::string &text() const { return text_; }

    // Whether `text` is a URL that parse_url accepts with this scheme, host
    // and port. Copies nothing of `text` when it starts with text() (any
    // other spelling, with upper case or the default port written out, is
    // parsed as parse_url_origin does).
    bool holds(std::string_view text) const;

  private:
    std::string scheme_;
    std::string host_;
    std::uint16_t port_ = 0;
    std::string text_;
};

}  // namespace wisepay
