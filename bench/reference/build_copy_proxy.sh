#!/usr/bin/env bash
# Builds the C floor (copy_proxy.c, beside this script) into OUT (default
# bench/out/copy_proxy), only when OUT is missing or older than the source.
# Exits 1 with one line saying why when there is no C compiler or it fails;
# bench/install.sh installs gcc.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_file="$here/copy_proxy.c"
out=${1:-"$(dirname "$here")/out/copy_proxy"}

if [ -x "$out" ] && [ "$out" -nt "$source_file" ]; then
  echo "build_copy_proxy.sh: $out is up to date"
  exit 0
fi
compiler=$(command -v cc || command -v gcc || true)
if [ -z "$compiler" ]; then
  echo "build_copy_proxy.sh: no C compiler (cc or gcc): bench/install.sh installs gcc" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
# Built beside the target and renamed, so a failed build leaves no half-written binary.
"$compiler" -O2 -Wall -Wextra -std=c11 -o "$out.tmp" "$source_file"
mv "$out.tmp" "$out"
echo "build_copy_proxy.sh: built $out"
