// Random ids come from the kernel's getrandom(), and from OpenSSL's generator
// only when that fails; random_hex() says why.
#include "plugin/util/hex.h"

#include <openssl/rand.h>
#include <sys/random.h>

#include <cerrno>
#include <vector>

namespace wisepay {

std::string to_hex(const unsigned char *data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0F]);
    }
    return out;
}

std::optional<std::string> random_hex(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    // Ids are drawn on every click, from many threads: the kernel's CSPRNG
    // takes no lock of ours, where OpenSSL's public generator took a shared
    // lock and a fork check per call (profiled at a few per cent of a
    // click's CPU). OpenSSL stays the fallback, e.g. where a sandbox
    // forbids the system call.
    std::size_t got = 0;
    while (got < raw.size()) {
        const ssize_t n = ::getrandom(raw.data() + got, raw.size() - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    if (got < raw.size() && RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
        return std::nullopt;
    }
    return to_hex(raw.data(), raw.size());
}

}  // namespace wisepay
