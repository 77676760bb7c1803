// Holding secrets (the merchant API key, the master key) in memory.
#pragma once

#include <openssl/crypto.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace wisepay {

// Bytes that are wiped with OPENSSL_cleanse when they go away. The buffer is
// sized once and never grows, so no stale copy is left behind by a
// reallocation. There is deliberately no conversion to std::string: a secret
// leaves only through view(), at the one place that needs it.
class SecretBytes {
  public:
    SecretBytes() = default;
    explicit SecretBytes(std::string_view text) : bytes_(text.begin(), text.end()) {}
    explicit SecretBytes(std::size_t size) : bytes_(size) {}
    ~SecretBytes() { wipe(); }

    SecretBytes(SecretBytes &&other) noexcept : bytes_(std::move(other.bytes_)) {
        other.bytes_.clear();
    }
    SecretBytes &operator=(SecretBytes &&other) noexcept {
        if (this != &other) {
            wipe();
            bytes_ = std::move(other.bytes_);
            other.bytes_.clear();
        }
        return *this;
    }
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;

    std::string_view view() const { return {bytes_.data(), bytes_.size()}; }
    const unsigned char *data() const {
        return reinterpret_cast<const unsigned char *>(bytes_.data());
    }
    unsigned char *data() { return reinterpret_cast<unsigned char *>(bytes_.data()); }
    std::size_t size() const { return bytes_.size(); }
    bool empty() const { return bytes_.empty(); }

  private:
    void wipe() {
        if (!bytes_.empty()) {
            OPENSSL_cleanse(bytes_.data(), bytes_.size());
        }
    }
    std::vector<char> bytes_;
};

// Overwrites 16 KiB of stack just below the caller's frame, for a caller
// that has just had a library read a secret on its own stack frames, where
// nothing wipes it: Boost.JSON's parser unescapes strings through a 4 KiB
// array on its frame (basic_parser::parse_escaped), so a sign-in URL written
// with "\/" for '/' passes through there. Called from the frame that called
// the parser, right after it returned, the area covers where the parser's
// frames were. Not inlined: its array must lie below the caller's frame.
[[gnu::noinline]] inline void scrub_stack_below() {
    unsigned char area[16 * 1024];
    OPENSSL_cleanse(area, sizeof area);
}

}  // namespace wisepay
