// The tables get_extension() hands out, by id ("wisepay.<name>/<n>", see
// abi/wisepay_plugin.h), or nullptr for an id this plugin does not know.
#pragma once

namespace wisepay {

const void *find_extension(const char *extension_id) noexcept;

}  // namespace wisepay
