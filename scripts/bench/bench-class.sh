#!/usr/bin/env bash
# Classes at city scale: seeds a fresh local LRS (Ralph) with CLASSES simulated classes of
# LEARNERS learners each (the class simulator, boiduong-synth --classes: every learner joins
# their class and posts their own statements with their own account), then opens ONE class
# as its trainer in the built portal (headless Chromium) and reports what crossed the
# network against that class's own statements (goal <= 1.1x, in statements and in bytes)
# and the time to a ready review (scripts/bench/bench-class.mjs).
#
#   scripts/bench/bench-class.sh [CLASSES] [LEARNERS] [DIST]     (defaults: 20 40 dist)
#
# Each class takes SCENARIOS scenarios and MODULES modules (defaults 1 and 0: about 20
# statements a learner, 16,000 for 20 x 40): Ralph's fs backend scans its whole file for
# every write and query, so seeding slows with the square of the statements (62,000
# statements of 2 scenarios and a module took over 20 minutes here); the ratios do not
# depend on it (a production backend filters with its indexes).
# Ports: BENCH_LRS_PORT (default 8225) and BENCH_APP_PORT (8226).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh

CLASSES="${1:-20}"
LEARNERS="${2:-40}"
DIST="${3:-dist}"
LRS_PORT="${BENCH_LRS_PORT:-8225}"
APP_PORT="${BENCH_APP_PORT:-8226}"
HOME_PAGE="http://127.0.0.1:${LRS_PORT}"
[ -f "$DIST/index.html" ] && [ -f "$DIST/trainer/index.html" ] \
    || { echo "bench-class: $DIST is not a build of both apps: scripts/build.sh" >&2; exit 1; }

DIR="target/bench-class"
mkdir -p "$DIR"
cargo build --quiet -p boiduong-core --features compiler --bin boiduong-synth
DATA="$DIR/classes-$CLASSES-$LEARNERS.json"
echo "bench-class: simulating $CLASSES classes of $LEARNERS learners ..."
target/debug/boiduong-synth --content content --classes "$CLASSES" --learners "$LEARNERS" \
    --class BENCH --prefix hv-bench- --scenarios "${SCENARIOS:-1}" --modules "${MODULES:-0}" \
    --from "$(date -u -d '21 days ago' +%Y-%m-%d)" --days 14 --spread-days 0 \
    --home-page "$HOME_PAGE" --base https://boiduong.example/xapi --out "$DATA"

LRS_DATA="$(mktemp -d /tmp/boiduong-bench-class.XXXXXX)"
simulated=()
for k in $(seq 1 "$CLASSES"); do
    simulated+=(--simulated "hv-bench-$(printf %03d "$k")-:$LEARNERS")
done
echo "bench-class: starting the LRS on $LRS_PORT with the classes' accounts ..."
scripts/lrs/start.sh --data-dir "$LRS_DATA" --port "$LRS_PORT" --origin "http://127.0.0.1:${APP_PORT}" \
    --home-page "$HOME_PAGE" --fresh --wait "${simulated[@]}" >/dev/null
cleanup() {
    scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null 2>&1 || true
    rm -rf "$LRS_DATA"
}
trap cleanup EXIT INT TERM
started=$SECONDS
node scripts/lrs/seed-lrs.mjs "$DATA" "http://127.0.0.1:${LRS_PORT}/xAPI/" --as-authority
echo "bench-class: seeded in $((SECONDS - started)) s"
node scripts/bench/bench-class.mjs "$DIST" "$DATA" "BENCH-$(printf %03d $(( (CLASSES + 1) / 2 )))" "$LRS_PORT" "$APP_PORT"
