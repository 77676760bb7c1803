// The console's stylesheet and scripts, served under /static/ so that the
// Content-Security-Policy can allow only this console's own files (no inline
// script or style). The files live in static/ beside this header and are
// compiled in by embed_assets.cmake, so the console needs no files at run
// time.
#pragma once

#include <string_view>

namespace admin_console {

struct StaticAsset {
    std::string_view path;          // "/static/console.css"
    std::string_view content_type;  // "text/css; charset=utf-8"
    std::string_view body;
};

// nullptr when no asset has this path.
const StaticAsset *find_asset(std::string_view path);

}  // namespace admin_console
