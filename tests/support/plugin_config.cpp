// The config document is built as a Boost.JSON object and serialized;
// `extra` is spliced in as text before the closing brace.
#include "tests/support/plugin_config.h"

#include "tests/support/test_backend.h"

#include <boost/json.hpp>

namespace wisepay::test {

std::string plugin_config_json(const PluginConfig &config, const std::string &extra) {
    boost::json::object doc;
    if (config.on_sqlite) {
        doc["database_path"] = config.database_path;
    } else if (config.database_url.empty()) {
        const auto [key, database] = database_member(config.database_path);
        doc[key] = database;
    } else {
        doc["database_url"] = config.database_url;
    }
    if (config.ring.empty()) {
        doc["master_key"] = {{"source", "hex"}, {"value", config.master_key_hex}};
    } else {
        boost::json::array keys;
        for (const std::string &key : config.ring) {
            const bool current = !key.empty() && key.back() == '*';
            boost::json::object entry{{"source", "hex"},
                                      {"value", current ? key.substr(0, key.size() - 1) : key}};
            if (current)
                entry["current"] = true;
            keys.push_back(std::move(entry));
        }
        doc["master_keys"] = std::move(keys);
    }
    doc["wisepay_base_url"] = config.base_url;
    if (!config.ca_file.empty())
        doc["ca_file"] = config.ca_file;
    std::string text = boost::json::serialize(doc);
    text.insert(text.size() - 1, extra);  // before the closing brace
    return text;
}

}  // namespace wisepay::test
