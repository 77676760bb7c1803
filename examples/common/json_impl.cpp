// Boost.JSON's implementation (its header-only form), compiled once for every
// example program that links wisepay_examples_json, so none of them needs
// the Boost.JSON library installed beyond its headers.
#include <boost/json/src.hpp>
