// AES-256-GCM through OpenSSL's EVP interface, the cipher fetched once. The
// associated data is "wisepay-api-key/v1", the tenant id and the master key
// id, NUL-separated. A master key's id is the first 8 bytes, in hex, of
// SHA-256 over a label and the key.
#include "plugin/crypto/secret_box.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <mutex>

#include "plugin/util/error.h"
#include "plugin/util/hex.h"

namespace wisepay {
namespace {

constexpr unsigned char kFormatVersion = 0x01;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kHeaderSize = 1 + kNonceSize;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

Error crypto_error(const char *what) {
    return Error(WISEPAY_E_CRYPTO, "crypto_failure", what);
}

std::string associated_data(std::string_view tenant_id, std::string_view key_id) {
    std::string aad = "wisepay-api-key/v1";
    aad.push_back('\0');
    aad.append(tenant_id);
    aad.push_back('\0');
    aad.append(key_id);
    return aad;
}

// AES-256-GCM fetched once. Given the legacy EVP_aes_256_gcm(), OpenSSL 3
// looks the algorithm up by name on every init, which showed in the
// profile of an invoice click (each opens the sealed key). Freed when the
// plugin is unloaded, before OpenSSL's own cleanup at exit.
const EVP_CIPHER *aes_256_gcm() {
    struct Fetched {
        EVP_CIPHER *cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
        ~Fetched() { EVP_CIPHER_free(cipher); }
    };
    static const Fetched fetched;
    return fetched.cipher != nullptr ? fetched.cipher : EVP_aes_256_gcm();
}

CipherCtx new_context() {
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) {
        throw crypto_error("Could not set up encryption.");
    }
    return ctx;
}

}  // namespace

// AES-256-GCM decryption contexts keyed once with one master key (the
// MasterKey that holds the pool; it always passes its own bytes). Keying a
// context (OpenSSL expands the key and sets up GCM's tables) costs more than
// the rest of opening a sealed key, and every invoice click opens one; a
// keyed context only needs the next nonce (EVP_DecryptInit_ex with no cipher
// and no key keeps both). A context is used by one thread at a time: it is
// taken from the pool under the mutex and given back when done, and one
// that failed is freed rather than given back. EVP_CIPHER_CTX_free wipes
// the expanded key.
class KeyedContexts {
  public:
    KeyedContexts() = default;
    KeyedContexts(const KeyedContexts &) = delete;
    KeyedContexts &operator=(const KeyedContexts &) = delete;
    ~KeyedContexts() {
        for (EVP_CIPHER_CTX *ctx : idle_)
            EVP_CIPHER_CTX_free(ctx);
    }

    // A context keyed with `key` for decryption: from the pool, or made now.
    CipherCtx take(const SecretBytes &key) {
        {
            const std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                CipherCtx ctx(idle_.back(), &EVP_CIPHER_CTX_free);
                idle_.pop_back();
                return ctx;
            }
        }
        CipherCtx ctx = new_context();
        if (EVP_DecryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key.data(), nullptr) != 1) {
            throw crypto_error("Could not set up decryption.");
        }
        return ctx;
    }

    // Gives back a context that finished without error. Beyond kMaxIdle
    // (more threads opening keys at once than that), it is freed.
    void give_back(CipherCtx ctx) {
        const std::lock_guard lock(mutex_);
        if (idle_.size() < kMaxIdle) {
            idle_.push_back(ctx.release());
        }
    }

  private:
    static constexpr std::size_t kMaxIdle = 16;
    std::mutex mutex_;
    std::vector<EVP_CIPHER_CTX *> idle_;
};

MasterKey::MasterKey(SecretBytes key) : key_(std::move(key)) {
    if (key_.size() != kSize) {
        throw Error(WISEPAY_E_CONFIG, "invalid_master_key", "The master key must be 32 bytes.");
    }
    // Domain-separated so the id reveals nothing usable about the key.
    static constexpr std::string_view kLabel = "wisepay-master-key-id/v1:";
    SecretBytes input(kLabel.size() + key_.size());
    std::copy(kLabel.begin(), kLabel.end(), input.data());
    std::copy(key_.data(), key_.data() + key_.size(), input.data() + kLabel.size());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
        throw crypto_error("Could not derive the master key id.");
    }
    id_ = to_hex(digest, 8);
    openers_ = std::make_shared<KeyedContexts>();
}

Sealed seal(const MasterKey &key, std::string_view tenant_id, std::string_view plaintext) {
    Sealed sealed;
    sealed.key_id = key.id();
    sealed.blob.resize(kHeaderSize + plaintext.size() + kTagSize);
    unsigned char *nonce = sealed.blob.data() + 1;
    unsigned char *body = sealed.blob.data() + kHeaderSize;
    sealed.blob[0] = kFormatVersion;
    // A fresh random nonce per seal: keys are sealed rarely, so the 2^32
    // birthday bound of random 96-bit nonces is far away.
    if (RAND_bytes(nonce, static_cast<int>(kNonceSize)) != 1) {
        throw crypto_error("Could not get random bytes for encryption.");
    }
    const std::string aad = associated_data(tenant_id, key.id());
    CipherCtx ctx = new_context();
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key.bytes().data(), nonce) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char *>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), body, &len,
                          reinterpret_cast<const unsigned char *>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                            body + plaintext.size()) != 1) {
        throw crypto_error("Could not encrypt the API key.");
    }
    return sealed;
}

SecretBytes open_sealed(const MasterKey &key, std::string_view tenant_id,
                        const std::vector<unsigned char> &blob, std::string_view key_id) {
    if (key_id != key.id()) {
        throw Error(WISEPAY_E_CRYPTO, "master_key_mismatch",
                    "The saved API key was sealed with a different master key. Save the API key "
                    "again, or configure the master key it was saved with.");
    }
    if (blob.size() < kHeaderSize + kTagSize || blob[0] != kFormatVersion) {
        throw crypto_error("The saved API key is damaged. Save the API key again.");
    }
    const std::size_t body_size = blob.size() - kHeaderSize - kTagSize;
    const unsigned char *nonce = blob.data() + 1;
    const unsigned char *body = blob.data() + kHeaderSize;
    // GCM's tag is an input here; OpenSSL's interface takes it non-const.
    std::array<unsigned char, kTagSize> tag{};
    std::copy(body + body_size, body + body_size + kTagSize, tag.begin());

    const std::string aad = associated_data(tenant_id, key.id());
    SecretBytes plaintext(body_size);
    CipherCtx ctx = key.openers().take(key.bytes());
    int len = 0;
    if (EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char *>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), plaintext.data(), &len, body, static_cast<int>(body_size)) !=
            1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                            tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + len, &len) != 1) {
        throw crypto_error("The saved API key could not be decrypted. Save the API key again.");
    }
    key.openers().give_back(std::move(ctx));
    return plaintext;
}

}  // namespace wisepay
