// Gives the plugin's save validation's verdict on each settings document, for
// the differential test against the page schema (schema_vs_plugin.mjs).
//
// Reads one JSON string literal per line (the document, as text) and writes
// one line per document: "accept", "refuse", or "outside <code>" when the
// plugin refuses it for a reason a schema cannot state because a validator
// sees only the parsed document (not JSON, too many bytes, a member given
// twice).
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "plugin/settings/settings_input.h"
#include "plugin/util/error.h"

namespace {

// The plugin's verdict, as described at the top of this file.
std::string verdict_on(std::string_view document) {
    try {
        wisepay::parse_settings_patch(document);
        return "accept";
    } catch (const wisepay::Error &error) {
        if (error.code() == "malformed_json" || error.code() == "settings_too_large") {
            return "outside " + error.code();
        }
        for (const auto &field : error.field_errors()) {
            if (field.message.find("more than once") != std::string::npos) {
                return "outside given_twice";
            }
        }
        return "refuse";
    }
}

}  // namespace

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        const boost::json::value literal = boost::json::parse(line);
        std::cout << verdict_on(literal.as_string()) << '\n';
    }
    return 0;
}
