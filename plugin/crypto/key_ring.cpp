// The ring's checks (one current key, no key twice, keys compared by id) and
// sealing and opening through it. A row sealed under a key the ring lacks is
// reported by that key's id, with what an operator can do about it.
#include "plugin/crypto/key_ring.h"

#include "plugin/util/error.h"

namespace wisepay {

KeyRing::KeyRing(std::vector<MasterKey> keys, std::size_t current)
    : keys_(std::move(keys)), current_(current) {
    if (keys_.empty() || current_ >= keys_.size()) {
        throw Error(WISEPAY_E_CONFIG, "invalid_master_key", "No current master key is configured.");
    }
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (keys_[i].id() == keys_[j].id()) {
                throw Error(WISEPAY_E_CONFIG, "invalid_master_key",
                            "The same master key (id " + keys_[i].id() + ") is configured twice.");
            }
        }
    }
}

const MasterKey *KeyRing::find(std::string_view key_id) const {
    for (const MasterKey &key : keys_) {
        if (key.id() == key_id)
            return &key;
    }
    return nullptr;
}

Sealed seal(const KeyRing &ring, std::string_view tenant_id, std::string_view plaintext) {
    return seal(ring.current(), tenant_id, plaintext);
}

SecretBytes open_sealed(const KeyRing &ring, std::string_view tenant_id,
                        const std::vector<unsigned char> &blob, std::string_view key_id) {
    const MasterKey *key = ring.find(key_id);
    if (key == nullptr) {
        throw Error(WISEPAY_E_CRYPTO, "master_key_missing",
                    "The saved API key was sealed under master key " + std::string(key_id) +
                        ", which this plugin's master keys do not include. Add that key to "
                        "\"master_keys\", or save the API key again.");
    }
    return open_sealed(*key, tenant_id, blob, key_id);
}

}  // namespace wisepay
