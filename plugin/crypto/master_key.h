// Loading the master keys that seal and open API keys, from where the config
// says: an environment variable, a key file, the config itself, or the host.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "abi/wisepay_plugin.h"
#include "plugin/crypto/key_ring.h"
#include "plugin/crypto/secret_box.h"
#include "plugin/util/logger.h"

namespace wisepay {

// Where the master key that seals API keys comes from.
struct MasterKeySource {
    enum class Kind { kEnvironment, kFile, kHex, kHost };
    Kind kind = Kind::kEnvironment;
    std::string name_or_path;  // env variable, key file, or the host's name for the key
    bool create_file = false;  // make a random key file (0600) when missing
    std::string hex_value;     // only for Kind::kHex (tests and demos)
    bool current = false;      // the key that seals (one in a ring)
};

// The host's get_master_key callback (abi/wisepay_plugin.h), or none.
struct HostKeys {
    void *host_data = nullptr;
    wisepay_status (*get)(void *host_data, const char *name, unsigned char *out_key,
                          std::size_t key_capacity, std::size_t *out_key_len) = nullptr;
};

// Reads the key: 64 hex digits from the environment, a key file or the
// config, or 32 bytes from the host (`host`). A missing key file named with
// "create": true is made with a fresh random key and mode 0600. Throws Error
// (WISEPAY_E_CONFIG) with a message that names the source but never shows
// key material.
MasterKey load_master_key(const MasterKeySource &source, const HostKeys &host, const Logger &log);

// Every key of `sources`, the current one marked; see KeyRing.
KeyRing load_key_ring(const std::vector<MasterKeySource> &sources, const HostKeys &host,
                      const Logger &log);

}  // namespace wisepay
