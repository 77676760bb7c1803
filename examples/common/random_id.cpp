// random_hex(): reads the bytes with getrandom(2), again after a short read
// or EINTR, and writes them as lower-case hex digits.
#include "random_id.h"

#include <sys/random.h>

#include <cerrno>
#include <system_error>

namespace examples_common {

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    std::size_t filled = 0;
    while (filled < bytes) {
        const ssize_t got = ::getrandom(raw.data() + filled, bytes - filled, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
        filled += static_cast<std::size_t>(got);
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes * 2);
    for (const unsigned char c : raw) {
        hex.push_back(kDigits[c >> 4]);
        hex.push_back(kDigits[c & 0x0f]);
    }
    return hex;
}

}  // namespace examples_common
