// Boost.JSON compiled into the plugin (its header-only form) instead of
// linked from libboost_json: the plugin then brings no Boost shared library
// into the host process, and none of Boost's symbols are visible outside.
#include <boost/json/src.hpp>
