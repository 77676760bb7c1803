#!/usr/bin/env bash
# Fails when any C or C++ file of the project is not as clang-format (with
# the project's .clang-format) would write it, and names the files.
set -euo pipefail
cd "$1"
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h')
else
  mapfile -t files < <(find abi plugin storage libs tests examples bench \
                         \( -name node_modules -prune \) -o \( -name '*.c' -o -name '*.cpp' -o -name '*.h' \) -print)
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2> "$log"; then
  echo "not clang-format clean (run clang-format -i on them):"
  grep -oE '^[^:]+\.(c|cpp|h)' "$log" | sort -u
  exit 1
fi
echo "${#files[@]} files clang-format clean"
