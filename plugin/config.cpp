// Reading the config document: every key is checked here, and messages name
// the key but never quote its value (the document may hold a master key and
// a database password). The parsed document lives in memory that is wiped.
#include "plugin/config.h"

#include <algorithm>
#include <vector>

#include <boost/json.hpp>

#include "plugin/util/error.h"
#include "plugin/util/wiped_json.h"
#include "storage/settings_store.h"

namespace wisepay {
namespace {

namespace json = boost::json;

Error config_error(const std::string &message) {
    return Error(WISEPAY_E_CONFIG, "invalid_config", "Plugin config: " + message);
}

const json::object &as_object(const json::value &v, const std::string &what) {
    if (!v.is_object())
        throw config_error(what + " must be an object.");
    return v.get_object();
}

std::string required_string(const json::object &obj, std::string_view key,
                            const std::string &where) {
    const json::value *v = obj.if_contains(key);
    if (!v)
        throw config_error("\"" + where + std::string(key) + "\" is required.");
    if (!v->is_string() || v->get_string().empty()) {
        throw config_error("\"" + where + std::string(key) + "\" must be a non-empty string.");
    }
    return std::string(v->get_string());
}

void reject_unknown(const json::object &obj, std::initializer_list<std::string_view> known,
                    const std::string &where) {
    for (const auto &entry : obj) {
        bool found = false;
        for (auto k : known)
            found = found || entry.key() == k;
        if (!found) {
            throw config_error("unknown setting \"" + where + std::string(entry.key()) + "\".");
        }
    }
}

// One master key's source. `where` names it in messages: "master_key." or
// "master_keys[2]." In a ring ("in_ring"), an entry may say "current": true.
MasterKeySource parse_master_key(const json::value &v, const std::string &where, bool in_ring) {
    // (Built by appending: GCC 12 warns falsely on "\"" + std::string.)
    std::string name("\"");
    name.append(where, 0, where.size() - 1).append("\"");
    const json::object &obj = as_object(v, name);
    const std::string source = required_string(obj, "source", where);
    auto allowed = [&](std::initializer_list<std::string_view> keys) {
        std::vector<std::string_view> all(keys);
        all.push_back("source");
        if (in_ring)
            all.push_back("current");
        for (const auto &entry : obj) {
            if (std::find(all.begin(), all.end(), entry.key()) == all.end())
                throw config_error("unknown setting \"" + where + std::string(entry.key()) + "\".");
        }
    };
    MasterKeySource key;
    if (source == "env") {
        allowed({"name"});
        key.kind = MasterKeySource::Kind::kEnvironment;
        key.name_or_path = required_string(obj, "name", where);
    } else if (source == "file") {
        allowed({"path", "create"});
        key.kind = MasterKeySource::Kind::kFile;
        key.name_or_path = required_string(obj, "path", where);
        if (const json::value *create = obj.if_contains("create")) {
            if (!create->is_bool())
                throw config_error("\"" + where + "create\" must be true or false.");
            key.create_file = create->get_bool();
        }
    } else if (source == "hex") {
        allowed({"value"});
        key.kind = MasterKeySource::Kind::kHex;
        key.hex_value = required_string(obj, "value", where);
    } else if (source == "host") {
        allowed({"name"});
        key.kind = MasterKeySource::Kind::kHost;
        key.name_or_path = required_string(obj, "name", where);
    } else {
        throw config_error("\"" + where +
                           "source\" must be \"env\", \"file\", \"hex\" or \"host\".");
    }
    if (const json::value *current = obj.if_contains("current")) {
        if (!current->is_bool())
            throw config_error("\"" + where + "current\" must be true or false.");
        key.current = current->get_bool();
    }
    return key;
}

// "master_key" (one key) or "master_keys" (a ring with one current key).
void parse_master_keys(const json::object &obj, Config &config) {
    const json::value *one = obj.if_contains("master_key");
    const json::value *ring = obj.if_contains("master_keys");
    if (one && ring)
        throw config_error("give either \"master_key\" or \"master_keys\", not both.");
    if (one) {
        config.master_keys.push_back(parse_master_key(*one, "master_key.", false));
        config.master_keys.back().current = true;
        return;
    }
    if (!ring)
        throw config_error("\"master_key\" (or \"master_keys\") is required.");
    if (!ring->is_array() || ring->get_array().empty() || ring->get_array().size() > 16)
        throw config_error("\"master_keys\" must be a list of 1 to 16 keys.");
    const json::array &keys = ring->get_array();
    std::size_t current = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        config.master_keys.push_back(
            parse_master_key(keys[i], "master_keys[" + std::to_string(i) + "].", true));
        current += config.master_keys.back().current ? 1 : 0;
    }
    if (keys.size() == 1)
        config.master_keys[0].current = true;
    else if (current != 1)
        throw config_error("exactly one of \"master_keys\" must be marked \"current\": true.");
}

// Either an SQLite file or a PostgreSQL database, never both. The URL is
// never quoted back: it may hold a password.
void parse_database(const json::object &obj, Config &config) {
    const bool path = obj.contains("database_path");
    const bool url = obj.contains("database_url");
    if (path && url) {
        throw config_error(
            "give either \"database_path\" (an SQLite file) or \"database_url\" "
            "(a PostgreSQL database), not both.");
    }
    if (!path && !url) {
        throw config_error(
            "\"database_path\" (an SQLite file) or \"database_url\" (a "
            "PostgreSQL database) is required.");
    }
    if (path) {
        config.database_path = required_string(obj, "database_path", "");
        if (obj.contains("pool_size"))
            throw config_error("\"pool_size\" applies only to \"database_url\".");
        return;
    }
    config.database_url = required_string(obj, "database_url", "");
    if (!storage::describe_postgres_url(config.database_url)) {
        throw config_error(
            "\"database_url\" is not a PostgreSQL connection URI or keyword "
            "string (postgresql://user@host:port/dbname?sslmode=verify-full).");
    }
    if (const json::value *v = obj.if_contains("pool_size")) {
        boost::system::error_code ec;
        const auto size = v->is_int64() || v->is_uint64() ? v->to_number<std::int64_t>(ec) : 0;
        if (ec || size < 1 || size > 64)
            throw config_error("\"pool_size\" must be a whole number from 1 to 64.");
        config.pool_size = static_cast<std::size_t>(size);
    }
}

}  // namespace

Config parse_config(std::string_view text) {
    // The config may hold a master key in hex and a database password.
    const WipedJson parsed(text, 8);
    if (parsed.error()) {
        throw config_error("not valid JSON (" + parsed.error().message() + ").");
    }
    const json::value &doc = parsed.value();
    const json::object &obj = as_object(doc, "the config");
    reject_unknown(
        obj,
        {"database_path", "database_url", "pool_size", "master_key", "master_keys",
         "wisepay_base_url", "wisepay_portal_url", "ca_file", "deadline_ms", "allow_insecure_http"},
        "");

    Config config;
    parse_database(obj, config);
    parse_master_keys(obj, config);

    if (const json::value *v = obj.if_contains("allow_insecure_http")) {
        if (!v->is_bool())
            throw config_error("\"allow_insecure_http\" must be true or false.");
        config.allow_insecure_http = v->get_bool();
    }
    const std::string base = required_string(obj, "wisepay_base_url", "");
    auto url = parse_url(base);
    if (!url) {
        throw config_error("\"wisepay_base_url\" must be an absolute https URL.");
    }
    if (!url->is_https() && !config.allow_insecure_http) {
        throw config_error(
            "\"wisepay_base_url\" must use https (plain http needs \"allow_insecure_http\": true, "
            "for local demos only).");
    }
    if (url->target.find('?') != std::string::npos) {
        throw config_error("\"wisepay_base_url\" must not have a query.");
    }
    // Paths are appended to the base, so it is kept without a trailing slash.
    while (!url->target.empty() && url->target.back() == '/')
        url->target.pop_back();
    config.wisepay_base = *url;

    config.wisepay_portal = config.wisepay_base;
    config.wisepay_portal.target.assign(1, '/');  // (not = "/": GCC 12 warns falsely)
    if (obj.contains("wisepay_portal_url")) {
        auto portal = parse_url(required_string(obj, "wisepay_portal_url", ""));
        if (!portal || (!portal->is_https() && !config.allow_insecure_http)) {
            throw config_error("\"wisepay_portal_url\" must be an absolute https URL.");
        }
        config.wisepay_portal = *portal;
    }

    if (obj.contains("ca_file"))
        config.ca_file = required_string(obj, "ca_file", "");
    if (const json::value *v = obj.if_contains("deadline_ms")) {
        if (!v->is_int64() && !v->is_uint64()) {
            throw config_error("\"deadline_ms\" must be a whole number of milliseconds.");
        }
        // A uint64 beyond int64's range does not convert; it is out of range
        // like any other large value, not a reason to throw something else.
        boost::system::error_code ec;
        const auto ms = v->to_number<std::int64_t>(ec);
        if (ec || ms < 100 || ms > 120000) {
            throw config_error("\"deadline_ms\" must be between 100 and 120000.");
        }
        config.deadline = std::chrono::milliseconds(ms);
    }
    return config;
}

}  // namespace wisepay
