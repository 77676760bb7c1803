// A field's text becomes JSON by its schema type (integer, number, boolean,
// then string); a checkbox is true when sent; an empty field is left out
// (omit_when_empty) or sent as null or "", as its type allows. The JSON is
// written by hand, not by Boost.JSON, into strings this code wipes.
#include "settings_form.h"

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace admin_console {
namespace {

namespace json = boost::json;

// JSON string literal. Written by hand rather than through boost::json so
// the typed key sits in exactly one buffer the caller can wipe.
void append_json_string(std::string &out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        } else {
            out += c;
        }
    }
    out += '"';
}

bool parse_integer(std::string_view text, std::int64_t &out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_number(std::string_view text, double &out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// The JSON for one submitted text value, following the property's schema
// type; "" when the value fits none of its types.
std::string typed_value(const FieldSpec &field, const std::string &value) {
    if (std::int64_t integer = 0; field.allows("integer") && parse_integer(value, integer)) {
        return std::to_string(integer);
    }
    if (double number = 0; field.allows("number") && parse_number(value, number)) {
        return json::serialize(json::value(number));
    }
    if (field.allows("boolean") && (value == "true" || value == "false")) {
        return value;
    }
    if (field.allows("string") || field.types.empty()) {
        std::string literal;
        append_json_string(literal, value);
        return literal;
    }
    return {};
}

std::string conversion_error(const FieldSpec &field) {
    if (field.allows("integer")) {
        return "Enter a whole number.";
    }
    if (field.allows("number")) {
        return "Enter a number.";
    }
    if (field.allows("boolean")) {
        return "Enter true or false.";
    }
    return "This value cannot be sent.";
}

// The form's text for a non-secret value from get_settings.
std::string display_text(const json::value &value) {
    if (value.is_string()) {
        return std::string(value.get_string());
    }
    if (value.is_int64() || value.is_uint64() || value.is_double() || value.is_bool()) {
        return json::serialize(value);
    }
    return {};
}

// The saved key's state from {"set": true, "last4": "d6a5"}: the
// placeholder ("set, ends in d6a5", or the ui placeholder when nothing is
// set) and the sentence beside the field. The key itself is never in the
// answer.
struct SecretState {
    bool set = false;
    std::string placeholder;
    std::string sentence;
};

SecretState secret_state(const FieldSpec &field, const json::value *state) {
    SecretState out{false, field.placeholder, "No key saved."};
    const json::object *object = state != nullptr ? state->if_object() : nullptr;
    const json::value *set = object != nullptr ? object->if_contains("set") : nullptr;
    if (set == nullptr || !set->is_bool() || !set->get_bool()) {
        return out;
    }
    out.set = true;
    const json::value *last4 = object->if_contains("last4");
    if (last4 != nullptr && last4->is_string() && !last4->get_string().empty()) {
        const std::string ending(last4->get_string());
        out.placeholder = "set, ends in " + ending;
        out.sentence = "Key ending in " + ending + " saved.";
    } else {
        out.placeholder = "set";
        out.sentence = "A key is saved.";
    }
    return out;
}

}  // namespace

FormView view_from_settings(const PageDocument &page, std::string_view settings_json) {
    boost::system::error_code ec;
    const json::value root = json::parse(settings_json, ec);
    if (ec || !root.is_object()) {
        throw std::runtime_error("the plugin's settings answer is not a JSON object");
    }
    const json::object &settings = root.get_object();

    FormView view;
    if (const json::value *version = settings.if_contains("version")) {
        view.version = display_text(*version);
    }
    for (const auto &field : page.fields) {
        const json::value *current = settings.if_contains(field.name);
        if (field.secret()) {
            const SecretState state = secret_state(field, current);
            view.placeholders[field.name] = state.placeholder;
            view.secret_states[field.name] = state.sentence;
            if (state.set) {
                view.saved_secrets.insert(field.name);
            }
        } else if (field.checkbox()) {
            if (current != nullptr && current->is_bool() && current->get_bool()) {
                view.checked.insert(field.name);
            }
        } else if (current != nullptr) {
            view.values[field.name] = display_text(*current);
        }
    }
    return view;
}

void show_submission(const PageDocument &page, const FormData &form, FormView &view) {
    for (const auto &field : page.fields) {
        if (field.secret()) {
            // The field comes back empty, and the placeholder keeps
            // describing the saved state.
            if (const auto typed = form.get(field.name); typed && !typed->empty()) {
                view.cleared_secrets.insert(field.name);
            }
            continue;
        }
        if (field.checkbox()) {
            if (form.has(field.name)) {
                view.checked.insert(field.name);
            } else {
                view.checked.erase(field.name);
            }
        } else if (const auto typed = form.get(field.name)) {
            view.values[field.name] = *typed;
        }
    }
    if (const auto version = form.get("version")) {
        view.version = *version;
    }
}

SettingsDraft::~SettingsDraft() {
    wipe_string(json);
}

void build_settings(const PageDocument &page, const FormData &form, SettingsDraft &draft) {
    std::string &out = draft.json;
    out.reserve(512);  // one allocation in the common case: fewer stray copies of the key
    out.clear();
    out.push_back('{');
    bool first = true;
    const auto add = [&](const std::string &name, std::string_view literal) {
        out += first ? "" : ",";
        first = false;
        append_json_string(out, name);
        out += ':';
        out += literal;
    };

    for (const auto &field : page.fields) {
        if (field.checkbox()) {
            // An unticked checkbox is simply absent from a submitted form.
            add(field.name, form.has(field.name) ? "true" : "false");
            continue;
        }
        std::optional<std::string> value = form.get(field.name);
        if (!value) {
            continue;  // not on the submitted form: the saved value stays
        }
        if (value->empty()) {
            if (field.omit_when_empty) {
                continue;  // e.g. the key field left empty keeps the saved key
            }
            if (field.allows("null")) {
                add(field.name, "null");
            } else if (field.allows("string") || field.types.empty()) {
                add(field.name, "\"\"");
            }
            continue;  // an empty number: nothing to send, the saved value stays
        }
        std::string literal = typed_value(field, *value);
        if (literal.empty()) {
            draft.errors[field.name] = conversion_error(field);
        } else {
            add(field.name, literal);
        }
        wipe_string(literal);
        wipe_string(*value);
    }
    out += '}';
}

}  // namespace admin_console
