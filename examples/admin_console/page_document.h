// The integration page document (docs/settings.md: "schema" + "ui" hints),
// read once into plain structs. Everything the console shows on the Wise-Pay
// page comes from here, so a field the plugin adds appears without host
// changes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace admin_console {

struct FieldSpec {
    std::string name;  // schema property; also the form input's name
    std::string label;
    std::string help;
    std::string widget;  // "password", "checkbox", "text", or something unknown
    std::string placeholder;
    std::string autocomplete;
    bool omit_when_empty = false;
    bool write_only = false;         // schema "writeOnly": never shown back
    std::vector<std::string> types;  // schema "type", as a list

    bool allows(std::string_view type) const;
    // Secrets are never echoed into the page: a password widget, or a
    // property the schema marks writeOnly.
    bool secret() const { return widget == "password" || write_only; }
    bool checkbox() const;
};

struct ActionSpec {
    std::string id;
    std::string label;
    std::string kind;  // "submit" saves; anything else is a named call
    bool primary = false;
};

struct PageDocument {
    std::string page_id;
    std::string menu;
    std::string title;
    std::string description;
    std::vector<FieldSpec> fields;  // ui.order first, then any other property
    std::vector<ActionSpec> actions;

    const FieldSpec *find_field(std::string_view name) const;
    // The field a "test connection" sends when typed: the first secret one.
    const FieldSpec *secret_field() const;
};

// Throws std::runtime_error when the text is not a usable page document.
PageDocument parse_page_document(std::string_view json);

}  // namespace admin_console
