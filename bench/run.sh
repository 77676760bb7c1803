#!/usr/bin/env bash
# Builds the benchmark in Release (build/) and runs it once: the plugin's
# invoice click against libcurl and against a raw OpenSSL client (the
# limit), with the benchmark server in a process and on a CPU of its own.
# It prints client CPU time and callgrind instructions per click with the
# ratios' spread over rounds, the concurrency rows, cold starts and
# reconnects, both settings backends, and which targets are met.
#
#   bash bench/run.sh [--quick | --smoke] [--write-docs]
#   bash bench/run.sh --profile
#
# --quick       fewer samples (still 20 rounds); callgrind counts once per client.
# --smoke       every part once with tiny counts, callgrind included: checks
#               that it all runs; its numbers mean nothing.
# --write-docs  writes the report to docs/benchmarks.md, after
#               bench/benchmarks-header.md.
# --profile     the plugin's warm click under callgrind, annotated: where
#               its instructions go, function by function.
# Callgrind's output files stay in build/bench-callgrind/. Best on an idle
# machine; only figures from one run compare.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: bash bench/run.sh [--quick | --smoke] [--write-docs] | --profile" >&2
  exit 2
}
args=()
write_docs=0
profile=0
for arg in "$@"; do
  case "$arg" in
    --quick) args+=(--quick) ;;
    --smoke) args+=(--smoke --callgrind) ;;
    --write-docs) write_docs=1 ;;
    --profile) profile=1 ;;
    *) usage ;;
  esac
done

bash .ci/setup > /dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DWISEPAY_BUILD_TESTS=ON > /dev/null
cmake --build build -j"$(nproc)" --target wisepay_bench > /dev/null
callgrind_dir=build/bench-callgrind
mkdir -p "$callgrind_dir"
if ! command -v valgrind > /dev/null; then
  echo "valgrind is not installed: no instruction counts (apt-get install valgrind)" >&2
fi

if [ "$profile" = 1 ]; then
  # The same counting run as the report's, with per-function totals kept.
  out="$callgrind_dir/profile.plugin.out"
  valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect=wisepay_bench_measured_clicks --dump-instr=no \
    --callgrind-out-file="$out" \
    build/bench/wisepay_bench --count plugin --warmup 2000 --clicks 2000 2> "$out.log"
  echo "== self instructions per function (2,000 warm clicks) =="
  callgrind_annotate --inclusive=no "$out" | head -60
  echo "== inclusive =="
  callgrind_annotate --inclusive=yes "$out" | head -60
  echo "(full output: $out; callgrind_annotate --tree=caller $out for call chains)"
  exit 0
fi

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
build/bench/wisepay_bench "${args[@]}" --callgrind-dir "$callgrind_dir" --markdown "$report"

if [ "$write_docs" = 1 ]; then
  {
    cat bench/benchmarks-header.md
    echo
    echo "## The last run"
    echo
    cat "$report"
  } > docs/benchmarks.md
  echo "wrote docs/benchmarks.md"
fi
