// An audit entry's changes in words, for people reading a history: "Enabled
// turned on; API key replaced". The stored form stays JSON (what changed,
// never a key); hosts get both.
#pragma once

#include <string>
#include <string_view>

namespace wisepay {

// The changes JSON an audit row holds (see storage/settings_store.h) in
// words; "Saved without changes" for "{}", and the JSON itself when it is
// not one the plugin wrote.
std::string summarize_changes(std::string_view changes_json);

}  // namespace wisepay
