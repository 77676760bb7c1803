// The master keys an instance holds: one current key that seals, and any
// number of older ones that still open keys sealed under them, so that the
// master key can be rotated without anyone re-entering API keys (add the new
// key as current, re-seal, drop the old one: docs/settings.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plugin/crypto/secret_box.h"

namespace wisepay {

class KeyRing {
  public:
    // `keys` holds at least one key, and `current` indexes one of them. Two
    // keys with the same bytes are refused (Error, WISEPAY_E_CONFIG).
    KeyRing(std::vector<MasterKey> keys, std::size_t current);

    const MasterKey &current() const { return keys_[current_]; }
    // The key with id `key_id`, or nullptr when the ring lacks it.
    const MasterKey *find(std::string_view key_id) const;
    const std::vector<MasterKey> &keys() const { return keys_; }

  private:
    std::vector<MasterKey> keys_;
    std::size_t current_;
};

// Seals under the ring's current key.
Sealed seal(const KeyRing &ring, std::string_view tenant_id, std::string_view plaintext);

// Opens with the key the row names. Throws Error (WISEPAY_E_CRYPTO): code
// "master_key_missing" naming the key id (never the key) when the ring lacks
// it, else what open_sealed throws.
SecretBytes open_sealed(const KeyRing &ring, std::string_view tenant_id,
                        const std::vector<unsigned char> &blob, std::string_view key_id);

}  // namespace wisepay
