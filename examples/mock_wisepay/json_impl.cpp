// Boost.JSON compiled into this program once (header-only form), so the mock
// needs no Boost libraries installed beyond the headers.
#include <boost/json/src.hpp>
