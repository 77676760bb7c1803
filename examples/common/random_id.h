// Random ids for the example servers: session ids, CSRF tokens, sign-in
// tokens. They guard logins, so they come from the kernel's generator.
#pragma once

#include <cstddef>
#include <string>

namespace examples_common {

// `bytes` random bytes from getrandom(2), as 2 * bytes lower-case hex
// digits. Throws std::system_error when the kernel refuses.
std::string random_hex(std::size_t bytes);

}  // namespace examples_common
