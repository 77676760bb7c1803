/* A status made the way a C host makes one. C lets an enum hold any int, so
 * a C host's callback can return a value no wisepay_status names; C++ code
 * cannot make such a value without undefined behaviour, hence this file. */
#include "tests/integration/c_status.h"
#include "abi/wisepay_plugin.h"

wisepay_status wisepay_test_status_from_int(int value) {
    return (wisepay_status)value;
}
