#!/bin/sh
# The plugin is built hardened: full RELRO, immediate binding, no executable
# stack, stack protector and fortified libc calls.
set -eu
plugin="$1"
fail=0
check() {  # description, command...
  what="$1"; shift
  if "$@" >/dev/null 2>&1; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}
check "full RELRO (GNU_RELRO segment)" sh -c "readelf -lW '$plugin' | grep -q GNU_RELRO"
check "immediate binding (BIND_NOW)" sh -c "readelf -dW '$plugin' | grep -Eq 'BIND_NOW|FLAGS.*NOW'"
check "non-executable stack" sh -c "readelf -lW '$plugin' | grep GNU_STACK | grep -vq RWE"
check "stack protector (__stack_chk_fail)" sh -c "nm -D --undefined-only '$plugin' | grep -q __stack_chk_fail"
check "fortified libc calls (__*_chk)" sh -c "nm -D --undefined-only '$plugin' | grep -Eq '__[a-z_]+_chk'"
exit $fail
