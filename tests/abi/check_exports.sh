#!/bin/sh
# The plugin must export exactly one symbol: the entry. Anything else of
# ours, or of the static libraries linked in (SQLiteCpp, Boost), fails.
set -eu
plugin="$1"
exported=$(nm -D --defined-only "$plugin" | awk '{print $NF}' | sort)
echo "exported: $exported"
[ "$exported" = "wisepay_plugin_entry" ] || {
  echo "FAIL: expected only wisepay_plugin_entry to be exported" >&2
  exit 1
}
