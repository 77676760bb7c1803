// Hex text for ids: master key ids, idempotency keys, correlation ids.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace wisepay {

// Lower-case hex of `size` bytes.
std::string to_hex(const unsigned char *data, std::size_t size);

// Hex of `bytes` random bytes from the kernel's CSPRNG (getrandom), else
// OpenSSL's; nullopt when neither gives them. Thread-safe, lock-free.
std::optional<std::string> random_hex(std::size_t bytes);

}  // namespace wisepay
