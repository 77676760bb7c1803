// HTML escaping. Every piece of text this console interpolates into a page
// goes through escape(): page documents, plugin messages and user input are
// all data, never markup.
#pragma once

#include <string>
#include <string_view>

namespace admin_console::html {

// Escapes text for element content and for double-quoted attribute values.
// The single quote is escaped too, so a template that ever switches to
// single-quoted attributes stays safe.
inline std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace admin_console::html
