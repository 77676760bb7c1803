// The host config JSON that tests and the benchmark hand to create(),
// written by a JSON serializer so any path or URL is escaped correctly.
#pragma once

#include <string>
#include <vector>

namespace wisepay::test {

struct PluginConfig {
    // A file path; on PostgreSQL (tests/support/test_backend.h) it stands
    // for a database of its own.
    std::string database_path;
    std::string master_key_hex;  // 64 hex digits
    std::string base_url;        // wisepay_base_url
    std::string ca_file;         // left out when empty
    // When not empty: "database_url" exactly as given, instead of the
    // database that database_path stands for (tests of bad URLs).
    std::string database_url = "";
    // database_path as an SQLite file whatever the backend under test (the
    // single-node deployment a move to PostgreSQL starts from).
    bool on_sqlite = false;
    // When not empty, "master_keys" instead of "master_key": hex keys, the
    // one ending in "*" current.
    std::vector<std::string> ring = {};
};

// The config document for `config`; `extra` (raw JSON members, each with a
// leading comma, e.g. ",\"deadline_ms\":500") is appended inside the object
// so a test can add settings or deliberately wrong ones.
std::string plugin_config_json(const PluginConfig &config, const std::string &extra = "");

}  // namespace wisepay::test
