// Decoding as browsers encode: '+' is a space, a '%' without two hex digits
// after it stays as it is, a name without '=' has an empty value, and at
// most 256 fields are read (the rest of a flood is ignored). Cookie pairs
// are split at ';' and trimmed of spaces and tabs.
#include "form_data.h"

#include <algorithm>

namespace admin_console {
namespace {

// More fields than any form here has; a flood of them is cut off rather
// than parsed.
constexpr std::size_t kMaxFields = 256;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string decode_component(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
                   hex_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

}  // namespace

FormData FormData::parse(std::string_view encoded) {
    FormData form;
    while (!encoded.empty() && form.fields_.size() < kMaxFields) {
        const auto amp = encoded.find('&');
        const std::string_view pair = encoded.substr(0, amp);
        encoded = amp == std::string_view::npos ? std::string_view{} : encoded.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        form.fields_.emplace_back(decode_component(name), decode_component(value));
    }
    return form;
}

bool FormData::has(std::string_view name) const {
    return std::any_of(fields_.begin(), fields_.end(),
                       [&](const auto &field) { return field.first == name; });
}

std::optional<std::string> FormData::get(std::string_view name) const {
    for (const auto &field : fields_) {
        if (field.first == name) {
            return field.second;
        }
    }
    return std::nullopt;
}

FormData::~FormData() {
    for (auto &field : fields_) {
        wipe_string(field.second);
    }
}

std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::string_view target_query(std::string_view target) {
    const auto mark = target.find('?');
    return mark == std::string_view::npos ? std::string_view{} : target.substr(mark + 1);
}

std::string_view cookie_value(std::string_view cookie_header, std::string_view name) {
    while (!cookie_header.empty()) {
        const auto semi = cookie_header.find(';');
        const std::string_view pair = trim(cookie_header.substr(0, semi));
        cookie_header =
            semi == std::string_view::npos ? std::string_view{} : cookie_header.substr(semi + 1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return pair.substr(eq + 1);
        }
    }
    return {};
}

void wipe_string(std::string &text) {
    volatile char *bytes = text.data();
    for (std::size_t i = 0; i < text.size(); ++i) {
        bytes[i] = 0;
    }
    text.clear();
}

}  // namespace admin_console
