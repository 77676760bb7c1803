#!/usr/bin/env bash
# Builds the fuzz targets with clang (ASan + UBSan over the plugin core) in
# build-fuzz/ and runs each for FUZZ_SECONDS (default 60) from its seed
# corpus, with a dictionary of its input's keys and edge values
# (tests/fuzz/dict/) so mutations reach the checks behind each key sooner.
# Any crash, leak or sanitizer report fails the run; the input is kept in
# build-fuzz/artifacts/. To make it a regression test, fix the bug and copy
# the input to tests/fuzz/corpus/<target>/regression-<what>: the
# "fuzz: ... replay" tests replay every corpus file in each build.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-60}"
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link -g -O1"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DWISEPAY_BUILD_TESTS=OFF -DWISEPAY_BUILD_EXAMPLES=OFF -DWISEPAY_BUILD_FUZZERS=ON > /dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_settings_input fuzz_config \
  fuzz_wisepay_answers fuzz_invoice_request
# Only this run's findings are reported, not those of an earlier one.
rm -rf build-fuzz/artifacts
mkdir -p build-fuzz/artifacts
failed=0
for target in settings_input config wisepay_answers invoice_request; do
  corpus="build-fuzz/corpus/$target"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  if build-fuzz/tests/fuzz/fuzz_"$target" "$corpus" -max_total_time="$seconds" -max_len=20000 \
       -dict=tests/fuzz/dict/"$target".dict \
       -artifact_prefix=build-fuzz/artifacts/"$target"- -print_final_stats=1 \
       > build-fuzz/"$target".log 2>&1; then
    echo "ok   fuzz_$target: $(grep -o 'stat::number_of_executed_units: *[0-9]*' build-fuzz/"$target".log | grep -o '[0-9]*$') runs, no finding"
  else
    tail -30 build-fuzz/"$target".log
    echo "FAIL fuzz_$target: see build-fuzz/$target.log"
    # The input goes into the output too, so a finding on a CI machine can be
    # replayed here: base64 -d > tests/fuzz/corpus/<target>/regression-<what>.
    for input in build-fuzz/artifacts/"$target"-*; do
      [ -f "$input" ] || continue
      echo "  input $input ($(stat -c %s "$input") bytes), base64:"
      head -c 4096 "$input" | base64 -w 100 | sed 's/^/    /'
    done
    failed=$((failed + 1))
  fi
done
echo "$((4 - failed)) passed, $failed failed"
exit $((failed > 0))
