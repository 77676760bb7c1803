// For the files that read the plugin's C structs (plugin_host.cpp,
// plugin_extensions.cpp): a struct the plugin filled in is read only as far
// as its struct_size says, since an older plugin may have built a shorter one.
#pragma once

#include <cstddef>

#define ADMIN_CONSOLE_HAS_FIELD(object, type, field) \
    ((object)->struct_size >= offsetof(type, field) + sizeof(((type *)nullptr)->field))
