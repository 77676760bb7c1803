// Boost.JSON for the tests, compiled once here (header-only form).
#include <boost/json/src.hpp>
