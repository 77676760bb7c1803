// Loading the master key that seals API keys, from where the config says.
#pragma once

#include <string>

#include "plugin/crypto/secret_box.h"
#include "plugin/util/logger.h"

namespace wisepay {

// Where the master key that seals API keys comes from.
struct MasterKeySource {
    enum class Kind { kEnvironment, kFile, kHex };
    Kind kind = Kind::kEnvironment;
    std::string name_or_path;  // env variable name or key file path
    bool create_file = false;  // make a random key file (0600) when missing
    std::string hex_value;     // only for Kind::kHex (tests and demos)
};

// Reads the key (64 hex digits) from the environment, a key file or the
// config. A missing key file named with "create": true is made with a fresh
// random key and mode 0600. Throws Error (WISEPAY_E_CONFIG) with a message
// that names the source but never shows key material.
MasterKey load_master_key(const MasterKeySource &source, const Logger &log);

}  // namespace wisepay
