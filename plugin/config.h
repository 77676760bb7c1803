// The host's configuration for an instance, from the JSON passed to create().
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/crypto/master_key.h"
#include "plugin/util/url.h"

namespace wisepay {

struct Config {
    // Exactly one of the two: an SQLite file, or a PostgreSQL database.
    std::string database_path;
    std::string database_url;   // a libpq URI or keyword string; may hold a password
    std::size_t pool_size = 4;  // PostgreSQL connections (database_url only)
    // The master keys: one from "master_key", or the ring of "master_keys".
    // Exactly one is current (seals); the others only open.
    std::vector<MasterKeySource> master_keys;
    Url wisepay_base;
    // Where Wise-Pay's sign-in redirects and registration links must point:
    // "wisepay_portal_url" in the config, by default the base URL's origin.
    Url wisepay_portal;
    std::string ca_file;  // empty: the system's CA store
    std::chrono::milliseconds deadline{10000};
    bool allow_insecure_http = false;  // plain http to Wise-Pay: demos on loopback only
};

// Parses and checks the config document. Throws Error (WISEPAY_E_CONFIG) that
// names the offending key; unknown keys are errors so typos do not pass.
Config parse_config(std::string_view json);

}  // namespace wisepay
