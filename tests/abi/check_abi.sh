#!/bin/sh
# Compares the built plugin's ABI with the baseline kept in the repository
# (abi/wisepay_plugin.abi) using libabigail. Only what a host can see is
# compared: the entry symbol and every type reachable from it that the
# public header defines (the instance stays opaque). Any difference fails,
# because an accidental change of a struct, an enum value or a function
# pointer's signature breaks hosts built against an older header.
#
#   check_abi.sh <libwisepay_plugin.so> <baseline.abi>            compare
#   check_abi.sh --update <libwisepay_plugin.so> <baseline.abi>   rewrite the baseline
#
# An intended ABI change (a new field appended, a new ABI version) updates
# the baseline in the same commit, so the change is visible in review.
set -eu
update=0
if [ "$1" = "--update" ]; then
  update=1
  shift
fi
plugin="$1"
baseline="$2"
command -v abidw >/dev/null || {
  echo "FAIL: abidw not found; install abigail-tools (bash .ci/setup does)" >&2
  exit 1
}
headers="$(cd "$(dirname "$0")/../.." && pwd)/abi"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Source and build paths differ from clone to clone; they are not ABI.
abidw --no-corpus-path --no-show-locs --exported-interfaces-only \
      --headers-dir "$headers" --drop-private-types "$plugin" |
  sed -e "s| path='[^']*'||; s| comp-dir-path='[^']*'||" > "$work/current.abi"

if ! grep -q "name='wisepay_plugin_api'" "$work/current.abi"; then
  echo "FAIL: no type information for the ABI in $plugin (plugin/c_api.cpp must be built with -g)" >&2
  exit 1
fi

if [ "$update" = 1 ]; then
  cp "$work/current.abi" "$baseline"
  echo "baseline written to $baseline"
  exit 0
fi

if abidiff --no-show-locs "$baseline" "$work/current.abi" > "$work/report" 2>&1; then
  echo "ABI unchanged from $baseline"
else
  cat "$work/report"
  echo "FAIL: the plugin's ABI differs from $baseline." >&2
  echo "If the change is intended (fields only appended, or a new ABI version)," >&2
  echo "update the baseline: sh tests/abi/check_abi.sh --update <plugin.so> abi/wisepay_plugin.abi" >&2
  exit 1
fi
