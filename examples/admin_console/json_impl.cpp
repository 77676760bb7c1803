// Boost.JSON compiled into the console once (its header-only form), so the
// example needs no Boost libraries installed beyond the headers.
#include <boost/json/src.hpp>
