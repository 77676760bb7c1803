#!/usr/bin/env bash
# Installs what is missing, builds in Release (build/) and runs the
# benchmark: the invoice click through the plugin against libcurl and against
# the limit, concurrency, settings calls and memory. Best on an idle machine;
# only the ratios of one run mean anything.
#
#   bash bench/run.sh [--quick] [--write-docs]
#
# --write-docs writes the table, with the machine and the date, to
# docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
write_docs=0
for arg in "$@"; do
  case "$arg" in
    --quick) args+=(--quick) ;;
    --write-docs) write_docs=1 ;;
    *) echo "usage: bash bench/run.sh [--quick] [--write-docs]" >&2; exit 2 ;;
  esac
done

bash .ci/build > /dev/null
table="$(mktemp)"
trap 'rm -f "$table"' EXIT
build/bench/wisepay_bench "${args[@]}" --markdown "$table"

if [ "$write_docs" = 1 ]; then
  {
    cat bench/benchmarks-header.md
    echo
    echo "## The last run"
    echo
    cat "$table"
  } > docs/benchmarks.md
  echo "wrote docs/benchmarks.md"
fi
