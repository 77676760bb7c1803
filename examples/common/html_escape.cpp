// html_escape(): one pass that replaces & < > " and ' with entities and
// copies every other byte as it is (UTF-8 included), so the text is never
// read as markup in element content or in a quoted attribute.
#include "html_escape.h"

namespace examples_common {

std::string html_escape(std::string_view text) {
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

}  // namespace examples_common
