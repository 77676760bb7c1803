// Reads the page document leniently: a hint missing or of the wrong type
// falls back (label to the schema title, then the name; widget to checkbox
// for a plain boolean, else text), and an action without an id is skipped.
// Only a text that is not a JSON object is refused.
#include "page_document.h"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace admin_console {
namespace {

namespace json = boost::json;

std::string string_at(const json::object &object, std::string_view key, std::string fallback = {}) {
    const json::value *value = object.if_contains(key);
    if (value != nullptr && value->is_string()) {
        return std::string(value->get_string());
    }
    return fallback;
}

bool bool_at(const json::object &object, std::string_view key) {
    const json::value *value = object.if_contains(key);
    return value != nullptr && value->is_bool() && value->get_bool();
}

const json::object &as_object(const json::value *value) {
    static const json::object empty;
    return value != nullptr && value->is_object() ? value->get_object() : empty;
}

const json::object &object_at(const json::object &object, std::string_view key) {
    return as_object(object.if_contains(key));
}

// JSON Schema allows "type": "x" or "type": ["x", "y"].
std::vector<std::string> types_of(const json::object &property) {
    std::vector<std::string> types;
    const json::value *type = property.if_contains("type");
    if (type == nullptr) {
        return types;
    }
    if (type->is_string()) {
        types.emplace_back(type->get_string());
    } else if (type->is_array()) {
        for (const auto &entry : type->get_array()) {
            if (entry.is_string()) {
                types.emplace_back(entry.get_string());
            }
        }
    }
    return types;
}

FieldSpec make_field(std::string name, const json::object &property, const json::object &hints) {
    FieldSpec field;
    field.types = types_of(property);
    // ui hints first; the schema's own title/description are the fallback,
    // so a property added without hints still gets a sensible label.
    field.label = string_at(hints, "label", string_at(property, "title", name));
    field.help = string_at(hints, "help", string_at(property, "description"));
    field.widget = string_at(hints, "widget");
    if (field.widget.empty()) {
        field.widget = field.allows("boolean") && field.types.size() == 1 ? "checkbox" : "text";
    }
    field.placeholder = string_at(hints, "placeholder");
    field.autocomplete = string_at(hints, "autocomplete");
    field.omit_when_empty = bool_at(hints, "omit_when_empty");
    field.write_only = bool_at(property, "writeOnly");
    field.name = std::move(name);
    return field;
}

}  // namespace

bool FieldSpec::allows(std::string_view type) const {
    return std::find(types.begin(), types.end(), type) != types.end();
}

bool FieldSpec::checkbox() const {
    return widget == "checkbox";
}

const FieldSpec *PageDocument::find_field(std::string_view name) const {
    for (const auto &field : fields) {
        if (field.name == name) {
            return &field;
        }
    }
    return nullptr;
}

const FieldSpec *PageDocument::secret_field() const {
    for (const auto &field : fields) {
        if (field.secret()) {
            return &field;
        }
    }
    return nullptr;
}

PageDocument parse_page_document(std::string_view text) {
    boost::system::error_code ec;
    const json::value root = json::parse(text, ec);
    if (ec || !root.is_object()) {
        throw std::runtime_error("the page document is not a JSON object");
    }
    const json::object &doc = root.get_object();
    const json::object &schema = object_at(doc, "schema");
    const json::object &properties = object_at(schema, "properties");
    const json::object &ui = object_at(doc, "ui");
    const json::object &hints = object_at(ui, "fields");

    PageDocument page;
    page.page_id = string_at(doc, "page_id");
    page.menu = string_at(doc, "menu");
    page.title = string_at(doc, "title", page.page_id);
    page.description = string_at(doc, "description");

    // ui.order decides the order; a property it forgets is still shown
    // (after the ordered ones) rather than silently becoming unsettable.
    std::vector<std::string> names;
    if (const json::value *order = ui.if_contains("order"); order && order->is_array()) {
        for (const auto &entry : order->get_array()) {
            if (entry.is_string() && properties.contains(entry.get_string())) {
                names.emplace_back(entry.get_string());
            }
        }
    }
    for (const auto &property : properties) {
        const std::string name(property.key());
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(name);
        }
    }
    for (auto &name : names) {
        const json::object &property = object_at(properties, name);
        page.fields.push_back(make_field(name, property, object_at(hints, name)));
    }

    if (const json::value *actions = ui.if_contains("actions"); actions && actions->is_array()) {
        for (const auto &entry : actions->get_array()) {
            if (!entry.is_object()) {
                continue;
            }
            const json::object &action = entry.get_object();
            ActionSpec spec;
            spec.id = string_at(action, "id");
            if (spec.id.empty()) {
                continue;
            }
            spec.label = string_at(action, "label", spec.id);
            spec.kind = string_at(action, "kind");
            spec.primary = bool_at(action, "primary");
            page.actions.push_back(std::move(spec));
        }
    }
    return page;
}

}  // namespace admin_console
