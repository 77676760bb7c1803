/* See c_status.c: a wisepay_status from any int, made in C. */
#ifndef WISEPAY_TEST_C_STATUS_H
#define WISEPAY_TEST_C_STATUS_H

#include "abi/wisepay_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

wisepay_status wisepay_test_status_from_int(int value);

#ifdef __cplusplus
}
#endif

#endif
