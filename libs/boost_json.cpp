// Boost.JSON's compiled part, from its header-only form, built once for
// everything here (see libs/CMakeLists.txt).
#include <boost/json/src.hpp>
