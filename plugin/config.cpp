#include "plugin/config.h"

#include <boost/json.hpp>

#include "plugin/util/error.h"
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

MasterKeySource parse_master_key(const json::value &v) {
    const json::object &obj = as_object(v, "\"master_key\"");
    const std::string source = required_string(obj, "source", "master_key.");
    MasterKeySource key;
    if (source == "env") {
        reject_unknown(obj, {"source", "name"}, "master_key.");
        key.kind = MasterKeySource::Kind::kEnvironment;
        key.name_or_path = required_string(obj, "name", "master_key.");
    } else if (source == "file") {
        reject_unknown(obj, {"source", "path", "create"}, "master_key.");
        key.kind = MasterKeySource::Kind::kFile;
        key.name_or_path = required_string(obj, "path", "master_key.");
        if (const json::value *create = obj.if_contains("create")) {
            if (!create->is_bool())
                throw config_error("\"master_key.create\" must be true or false.");
            key.create_file = create->get_bool();
        }
    } else if (source == "hex") {
        reject_unknown(obj, {"source", "value"}, "master_key.");
        key.kind = MasterKeySource::Kind::kHex;
        key.hex_value = required_string(obj, "value", "master_key.");
    } else {
        throw config_error("\"master_key.source\" must be \"env\", \"file\" or \"hex\".");
    }
    return key;
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
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 8;
    const json::value doc = json::parse(text, ec, {}, options);
    if (ec) {
        throw config_error("not valid JSON (" + ec.message() + ").");
    }
    const json::object &obj = as_object(doc, "the config");
    reject_unknown(obj,
                   {"database_path", "database_url", "pool_size", "master_key", "wisepay_base_url",
                    "wisepay_portal_url", "ca_file", "deadline_ms", "allow_insecure_http"},
                   "");

    Config config;
    parse_database(obj, config);
    const json::value *master_key = obj.if_contains("master_key");
    if (!master_key)
        throw config_error("\"master_key\" is required.");
    config.master_key = parse_master_key(*master_key);

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
