// HTML escaping for the example servers' pages. Every piece of text they
// interpolate into a page goes through html_escape(): page documents, plugin
// messages, demo data and user input are all data, never markup.
#pragma once

#include <string>
#include <string_view>

namespace examples_common {

// Escapes text for element content and for double-quoted attribute values.
// The single quote is escaped too, so a template that ever switches to
// single-quoted attributes stays safe.
std::string html_escape(std::string_view text);

}  // namespace examples_common
