// A save's settings object is read in two passes: a SAX pass that sees only
// top-level member names (a parse into an object would silently keep the
// last of two), then a parse into memory that is wiped when freed. The stack
// the parsers unescaped strings on is scrubbed afterwards.
#include "plugin/settings/settings_input.h"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <cstring>
#include <set>

#include "plugin/util/error.h"
#include "plugin/util/secret.h"
#include "plugin/util/text.h"
#include "plugin/util/wiping_memory.h"

namespace wisepay {
namespace {

namespace json = boost::json;

bool is_tenant_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

// Field names come from outside; an unknown one is echoed back to name it,
// so it is shortened and stripped of anything unprintable first.
std::string printable_field_name(std::string_view name) {
    std::string out;
    for (char c : name.substr(0, 64)) {
        const auto byte = static_cast<unsigned char>(c);
        out.push_back(byte >= 0x20 && byte < 0x7F ? c : '?');
    }
    return out;
}

// Finds a member name given twice at the top level of a JSON object, which
// a parse into json::object would silently collapse to its last value. A
// pass of Boost.JSON's SAX parser that looks only at member names: it never
// copies a value, so the key being saved is not copied either.
class DuplicateKeyScan {
  public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    bool on_document_begin(boost::system::error_code &) { return true; }
    bool on_document_end(boost::system::error_code &) { return true; }
    bool on_array_begin(boost::system::error_code &) { return enter(); }
    bool on_array_end(std::size_t, boost::system::error_code &) { return leave(); }
    bool on_object_begin(boost::system::error_code &) { return enter(); }
    bool on_object_end(std::size_t, boost::system::error_code &) { return leave(); }
    bool on_string_part(json::string_view, std::size_t, boost::system::error_code &) {
        return true;
    }
    bool on_string(json::string_view, std::size_t, boost::system::error_code &) { return true; }
    bool on_key_part(json::string_view part, std::size_t, boost::system::error_code &) {
        if (depth_ == 1)
            key_.append(part.data(), part.size());
        return true;
    }
    bool on_key(json::string_view last, std::size_t, boost::system::error_code &) {
        if (depth_ == 1) {
            key_.append(last.data(), last.size());
            if (!seen_.insert(key_).second && duplicate_.empty())
                duplicate_ = key_;
            key_.clear();
        }
        return true;
    }
    bool on_number_part(json::string_view, boost::system::error_code &) { return true; }
    bool on_int64(std::int64_t, json::string_view, boost::system::error_code &) { return true; }
    bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code &) { return true; }
    bool on_double(double, json::string_view, boost::system::error_code &) { return true; }
    bool on_bool(bool, boost::system::error_code &) { return true; }
    bool on_null(boost::system::error_code &) { return true; }
    bool on_comment_part(json::string_view, boost::system::error_code &) { return true; }
    bool on_comment(json::string_view, boost::system::error_code &) { return true; }

    const std::string &duplicate() const { return duplicate_; }

  private:
    bool enter() {
        ++depth_;
        return true;
    }
    bool leave() {
        --depth_;
        return true;
    }

    int depth_ = 0;
    std::string key_;
    std::set<std::string> seen_;
    std::string duplicate_;
};

// The first member name given twice at the top level, or "" when there is
// none (or when the text is not JSON: the real parse reports that).
std::string duplicate_member(std::string_view text, const json::parse_options &options) {
    json::basic_parser<DuplicateKeyScan> scan(options);
    boost::system::error_code ec;
    scan.write_some(false, text.data(), text.size(), ec);
    return ec ? std::string() : scan.handler().duplicate();
}

}  // namespace

std::string check_tenant_id(const char *tenant_id) {
    if (tenant_id == nullptr) {
        throw invalid_argument("invalid_tenant_id", "A tenant id is required.");
    }
    const std::string_view id(tenant_id, strnlen(tenant_id, limits::kTenantIdMaxLength + 1));
    bool ok = !id.empty() && id.size() <= limits::kTenantIdMaxLength && id.front() != '.' &&
              id.front() != '-' && id.front() != '_';
    for (char c : id)
        ok = ok && is_tenant_char(c);
    if (!ok) {
        throw invalid_argument("invalid_tenant_id",
                               "The tenant id must be 1 to 64 letters, digits, '.', '_' or '-', "
                               "starting with a letter or digit.");
    }
    return std::string(id);
}

std::string check_actor(const char *actor) {
    if (actor == nullptr) {
        throw invalid_argument("invalid_actor",
                               "The actor (who saves) is required for the audit trail.");
    }
    const std::string_view name(actor, strnlen(actor, limits::kActorMaxLength + 1));
    if (name.empty() || name.size() > limits::kActorMaxLength || !text::is_valid_utf8(name) ||
        text::has_control_chars(name)) {
        throw invalid_argument("invalid_actor",
                               "The actor must be 1 to 320 bytes of UTF-8 text without control "
                               "characters.");
    }
    return std::string(name);
}

ApiKeyCheck check_api_key(std::string_view raw) {
    ApiKeyCheck result;
    // What a paste carries around the key (white space, a byte order mark,
    // zero-width characters) is not part of it; the page schema's pattern
    // allows the same padding, so both measure the key alone.
    const std::string_view key = text::trim_pasted(raw);
    if (key.empty()) {
        result.problem = "Enter the API key from Wise-Pay.";
    } else if (text::has_control_chars(key)) {
        result.problem = "The API key contains control characters. Copy it again from Wise-Pay.";
    } else if (!text::is_ascii(key)) {
        result.problem =
            "The API key contains characters that Wise-Pay keys never have. Copy it again from "
            "Wise-Pay.";
    } else if (key.find(' ') != std::string_view::npos) {
        result.problem = "The API key must not contain spaces.";
    } else if (key.size() < limits::kApiKeyMinLength) {
        result.problem = "The API key is too short. Copy the whole key from Wise-Pay.";
    } else if (key.size() > limits::kApiKeyMaxLength) {
        result.problem = "The API key is too long (at most 256 characters). Copy only the key.";
    } else {
        result.key.emplace(key);
    }
    return result;
}

SettingsPatch parse_settings_patch(std::string_view text) {
    if (text.size() > limits::kSettingsMaxBytes) {
        throw invalid_argument("settings_too_large", "The settings document is too large.");
    }
    WipingMemoryResource wiping;
    json::storage_ptr storage(&wiping);
    json::parse_options options;
    options.max_depth = 4;
    // The first storage is for the parser's scratch space, reset()'s for the
    // parsed value: both must wipe.
    if (const std::string twice = duplicate_member(text, options); !twice.empty()) {
        throw Error::validation(
            {{printable_field_name(twice),
              "This setting is given more than once. Send each setting once."}});
    }
    json::parser parser(storage, options);
    parser.reset(storage);
    boost::system::error_code ec;
    parser.write(text.data(), text.size(), ec);
    // A key written with JSON escapes was unescaped through a buffer on the
    // parser's stack (both passes): overwrite it.
    scrub_stack_below();
    if (ec) {
        throw invalid_argument("malformed_json", "The settings are not valid JSON.");
    }
    const json::value doc = parser.release();
    if (!doc.is_object()) {
        throw invalid_argument("settings_not_object", "The settings must be a JSON object.");
    }

    SettingsPatch patch;
    std::vector<FieldError> problems;
    for (const auto &entry : doc.get_object()) {
        const std::string_view name = entry.key();
        const json::value &value = entry.value();
        if (name == "api_key") {
            if (value.is_null()) {
                patch.api_key.kind = ApiKeyChange::Kind::kRemove;
            } else if (!value.is_string()) {
                problems.push_back({"api_key", "The API key must be text."});
            } else {
                ApiKeyCheck check = check_api_key(value.get_string());
                if (check.key) {
                    patch.api_key.kind = ApiKeyChange::Kind::kSet;
                    patch.api_key.value = std::move(*check.key);
                } else {
                    problems.push_back({"api_key", check.problem});
                }
            }
        } else if (name == "enabled") {
            if (value.is_bool()) {
                patch.enabled = value.get_bool();
            } else {
                problems.push_back({"enabled", "Enabled must be true or false."});
            }
        } else {
            problems.push_back(
                {printable_field_name(name), "This setting is unknown to Wise-Pay."});
        }
    }
    if (!problems.empty()) {
        throw Error::validation(std::move(problems));
    }
    return patch;
}

}  // namespace wisepay
