#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every tier and the lints.
#   1. lints: rustfmt, clippy (native and wasm32) with warnings as errors
#   2. native: the pure crate (engine, scoring, compiler and every validation rule), app units
#      and the sync policy's fault simulator (1,000 seeds; SYNC_SIM_SEED=N replays one)
#   3. xAPI: every statement kind validated by @learninglocker/xapi-validation;
#      content: the repository's content compiles with 0 errors, and the scenario report
#      finds no error (at least 3 endings, 2 competencies scored, feedback on every choice)
#   4. LRS: scripts/class.sh's refusals; the local Ralph starts with the workarounds and
#      passes its smoke test
#   5. browser: wasm-bindgen-test in headless Chromium (IndexedDB adapter)
#   6. end to end: release build of both apps, Playwright + axe in Debian's Chromium
# Stops at the first failing tier. Figures (first-load bytes per app) are printed at the end,
# and the learner app's first load must stay within its budget (size-budget.json).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

step() { printf '\n=== %s ===\n' "$*"; }
started=$SECONDS

step "lints: cargo fmt --check"
cargo fmt --all --check

step "lints: clippy (native, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --features boiduong-core/compiler -- -D warnings

step "lints: clippy (wasm32: the app and its browser tests)"
cargo clippy -p boiduong --all-targets --target wasm32-unknown-unknown -- -D warnings

step "native tests"
cargo test --workspace --features boiduong-core/compiler

step "xAPI: every statement the portal can emit passes @learninglocker/xapi-validation"
# written by the native test crates/core/tests/xapi_validation.rs just above
node tests/xapi/validate.mjs target/tmp/xapi-statements.json

step "content: compile the repository's content"
cargo run --quiet -p boiduong-core --features compiler --bin boiduong-content -- check content

step "content: report on each scenario (fails on the library's quality bar)"
cargo run --quiet -p boiduong-core --features compiler --bin boiduong-content -- report content

step "LRS: scripts/class.sh (a class's accounts and slips from its roster; refusals change nothing)"
.venv-lrs/bin/python -m unittest discover -s scripts/lrs -p 'test_*.py'

step "LRS: start Ralph on a fresh data dir and run its smoke test"
LRS_DATA="$(mktemp -d /tmp/boiduong-lrs-test.XXXXXX)"
LRS_PORT=8191
scripts/lrs/start.sh --data-dir "$LRS_DATA" --port "$LRS_PORT" --fresh --wait >/dev/null
lrs_rc=0
python3 scripts/lrs/smoke.py --port "$LRS_PORT" || lrs_rc=$?
scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null || true
rm -rf "$LRS_DATA"
[ "$lrs_rc" -eq 0 ] || { echo "LRS smoke test failed" >&2; exit 1; }

step "browser tests (wasm-bindgen-test, headless Chromium)"
cargo test -p boiduong --target wasm32-unknown-unknown --test web_storage --test web_accounts --test web_state

step "release build (both apps, trunk; precompressed copies)"
scripts/build.sh

step "class simulator (boiduong-synth): its statements validate; built for the trainer e2e"
cargo build --quiet --release -p boiduong-core --features compiler --bin boiduong-synth
target/release/boiduong-synth --learners 6 --scenarios all --modules all \
    --from "$(date -u -d '21 days ago' +%Y-%m-%d)" --out target/tmp/synth-statements.json
node tests/xapi/validate.mjs target/tmp/synth-statements.json

step "end-to-end tests (Playwright, Debian chromium, axe)"
npx playwright test

step "figures: first load per app; the learner app's within its budget (size-budget.json)"
scripts/bench/bench-size.sh dist

printf '\nall tests passed in %d s\n' "$((SECONDS - started))"
