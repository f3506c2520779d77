#!/usr/bin/env bash
# Benchmark (not a test): the learner app's wasm, raw and brotli, at each given git revision,
# built the way scripts/build.sh builds it (cargo release for wasm32, wasm-bindgen --target
# web, wasm-opt -Oz as trunk runs it, brotli -q 11). Measures what a change saved, step by
# step. Builds in a scratch worktree with its own target dir (WORK, default
# target/wasm-steps); the working copy is not touched.
# Usage: scripts/bench/bench-wasm-steps.sh REV [REV...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh
WORK="${WORK:-$ROOT/target/wasm-steps}"
TREE="$WORK/tree"
mkdir -p "$WORK"
if [ ! -e "$TREE/.git" ]; then
  git worktree add --detach "$TREE" HEAD >/dev/null
fi
printf '%-10s %10s %10s  %s\n' rev wasm_raw wasm_br subject
for rev in "$@"; do
  git -C "$TREE" checkout --quiet --detach "$rev"
  (cd "$TREE" && cargo build --quiet --release --target wasm32-unknown-unknown --bin boiduong \
      --target-dir "$WORK/target") >"$WORK/build.log" 2>&1 || { echo "$rev: build failed (see $WORK/build.log)"; continue; }
  out="$WORK/out"
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" --no-typescript "$WORK/target/wasm32-unknown-unknown/release/boiduong.wasm"
  wasm-opt -Oz "$out/boiduong_bg.wasm" -o "$out/opt.wasm"
  raw=$(stat -c %s "$out/opt.wasm")
  br=$(brotli -q 11 -c "$out/opt.wasm" | wc -c)
  printf '%-10s %10d %10d  %s\n' "$(git rev-parse --short "$rev")" "$raw" "$br" "$(git log -1 --format=%s "$rev" | cut -c1-70)"
done
git worktree remove --force "$TREE" >/dev/null 2>&1 || true
