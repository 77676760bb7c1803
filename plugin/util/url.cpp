// A hand-written parser that accepts less than RFC 3986 allows: a space, a
// control or non-ASCII byte, or '\' anywhere refuses the whole URL; a host
// name may hold only letters, digits, '-', '.' and '_', an IPv6 literal only
// hex digits, ':' and '.'. The fragment is dropped.
#include "plugin/util/url.h"

#include <charconv>
#include <cstdint>

#include "plugin/util/byte_words.h"

namespace wisepay {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

bool is_url_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7F && c != '\\';
}

// The characters a URL may hold anywhere: no white space, control
// characters, non-ASCII or backslashes. Eight bytes at a time, then byte by
// byte: a sign-in URL is a few hundred of them.
bool has_only_url_chars(std::string_view text) {
    namespace words = byte_words;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        const std::uint64_t word = words::load(text.data() + i);
        if ((words::any_below(word, 0x21) | words::any_del_or_above(word) |
             words::any_equal(word, '\\')) != 0)
            return false;
    }
    for (; i < text.size(); ++i) {
        if (!is_url_char(text[i]))
            return false;
    }
    return true;
}

}  // namespace

std::string Url::authority() const {
    const bool default_port = (is_https() && port == 443) || (!is_https() && port == 80);
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return default_port ? shown : shown + ":" + std::to_string(port);
}

namespace {

std::optional<Url> parse(std::string_view text, bool keep_target) {
    if (!has_only_url_chars(text))
        return std::nullopt;
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::nullopt;
    }
    Url url;
    url.scheme = lower(text.substr(0, scheme_end));
    if (url.scheme != "https" && url.scheme != "http") {
        return std::nullopt;
    }
    std::string_view rest = text.substr(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view target =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return std::nullopt;
    }

    std::string_view host;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = authority.substr(1, close - 1);
        for (char c : host) {
            const bool hex =
                (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return std::nullopt;
            }
        }
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port = after.substr(1);
            if (port.empty())
                return std::nullopt;
        }
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty())
                return std::nullopt;
        }
        for (char c : host) {
            if (!is_host_char(c)) {
                return std::nullopt;
            }
        }
    }
    if (host.empty() || host.size() > 253) {
        return std::nullopt;
    }
    url.host = lower(host);

    if (port.empty()) {
        url.port = url.is_https() ? 443 : 80;
    } else {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
            return std::nullopt;
        }
        url.port = static_cast<std::uint16_t>(value);
    }

    if (!keep_target)
        return url;
    const auto fragment = target.find('#');
    target = target.substr(0, fragment);
    if (target.empty() || target.front() == '?') {
        url.target = "/" + std::string(target);
    } else {
        url.target = std::string(target);
    }
    return url;
}

}  // namespace

std::optional<Url> parse_url(std::string_view text) {
    return parse(text, true);
}

std::optional<Url> parse_url_origin(std::string_view text) {
    return parse(text, false);
}

Origin::Origin(const Url &url)
    : scheme_(url.scheme), host_(url.host), port_(url.port), text_(url.scheme + "://") {
    text_ += url.authority();
}

bool Origin::holds(std::string_view text) const {
    // Written as text_, then the end of the authority: parse() would find
    // this scheme, this host and this port (text_ is made of a parsed URL),
    // provided the whole URL has only the characters it allows.
    if (text.starts_with(text_)) {
        const std::string_view rest = text.substr(text_.size());
        if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#')
            return has_only_url_chars(text);
    }
    const auto url = parse_url_origin(text);
    return url && url->scheme == scheme_ && url->host == host_ && url->port == port_;
}

}  // namespace wisepay
