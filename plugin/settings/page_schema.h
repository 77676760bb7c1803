// The "Wise-Pay" integration page as the host renders it: JSON Schema
// (draft 2020-12) for the settings object, plus UI hints.
#pragma once

#include <string>

namespace wisepay::page {

inline constexpr const char *kPageId = "wisepay";
inline constexpr const char *kMenu = "Integrations";
inline constexpr const char *kTitle = "Wise-Pay";

// The page document: {"page_id", "menu", "title", "description", "schema", "ui"}.
// The same text every call; built once.
const std::string &document();

}  // namespace wisepay::page
