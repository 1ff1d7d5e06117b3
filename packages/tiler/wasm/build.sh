#!/bin/sh
# Rebuilds src/wasm-binary.ts from wasm/resample.c: two builds of the same kernels, one importing a
# plain memory (in-thread use, browsers included) and one importing a shared memory (Node worker
# threads). Needs clang and wasm-ld (Debian 12: apt-get install clang lld, clang 14); the output is
# committed, so installs and CI never need them. src/wasm-binary.node.test.ts fails when this
# script or resample.c changed without a rebuild.
# Usage, from packages/tiler: sh wasm/build.sh
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -Wall -Wextra -Werror
  -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all
  -Wl,--export=h_table -Wl,--export=h_pass -Wl,--export=v_pass -Wl,--export=normalize"
# shellcheck disable=SC2086
clang $flags -o "$out/plain.wasm" wasm/resample.c
# shellcheck disable=SC2086
clang $flags -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
  -o "$out/shared.wasm" wasm/resample.c
node wasm/embed.mjs "$out/plain.wasm" "$out/shared.wasm" src/wasm-binary.ts
