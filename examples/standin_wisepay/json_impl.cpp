// Boost.JSON compiled into this program once (header-only form), so the stand-in
// needs no Boost libraries installed beyond the headers.
#include <boost/json/src.hpp>
