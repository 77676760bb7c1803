// Loading the master key that seals API keys, from where the config says.
#pragma once

#include "plugin/config.h"
#include "plugin/util/logger.h"
#include "plugin/crypto/secret_box.h"

namespace wisepay {

// Reads the key (64 hex digits) from the environment, a key file or the
// config. A missing key file named with "create": true is made with a fresh
// random key and mode 0600. Throws Error (WISEPAY_E_CONFIG) with a message
// that names the source but never shows key material.
MasterKey load_master_key(const MasterKeySource &source, const Logger &log);

}  // namespace wisepay
