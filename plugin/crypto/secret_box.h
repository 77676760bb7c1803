// Sealing the merchant API key with AES-256-GCM under a master key (the
// key ring's current one when sealing, the one a row names when opening).
//
// Sealed form: 0x01 | 12-byte random nonce | ciphertext | 16-byte tag.
// Associated data binds a sealed key to its tenant and to the master key id,
// so a row copied to another tenant, or an id edited in place, fails to open.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/util/secret.h"

namespace wisepay {

// Decryption contexts already keyed with one master key (secret_box.cpp).
class KeyedContexts;

class MasterKey {
  public:
    static constexpr std::size_t kSize = 32;

    // `key` must be exactly kSize bytes.
    explicit MasterKey(SecretBytes key);

    // Short public id of this key (hex of a hash of it), stored beside each
    // ciphertext so that rows sealed under an older key can be told apart.
    const std::string &id() const { return id_; }
    const SecretBytes &bytes() const { return key_; }
    // Contexts keyed once with this key, for open_sealed. They move with the
    // key. Thread-safe.
    KeyedContexts &openers() const { return *openers_; }

  private:
    SecretBytes key_;
    std::string id_;
    std::shared_ptr<KeyedContexts> openers_;
};

struct Sealed {
    std::vector<unsigned char> blob;
    std::string key_id;
};

// Seals `plaintext` for `tenant_id`. Throws Error (WISEPAY_E_CRYPTO) if
// OpenSSL fails.
Sealed seal(const MasterKey &key, std::string_view tenant_id, std::string_view plaintext);

// Opens what seal() made. Throws Error (WISEPAY_E_CRYPTO) when the key id
// differs, the blob is malformed, or authentication fails.
SecretBytes open_sealed(const MasterKey &key, std::string_view tenant_id,
                        const std::vector<unsigned char> &blob, std::string_view key_id);

}  // namespace wisepay
