#!/usr/bin/env bash
# The city report at scale: generates CLASSES simulated classes (default 250) with the class
# simulator, at least STATEMENTS statements (default 1,000,000), as JSON Lines streamed to disk
# (boiduong-synth --classes --jsonl: one class in memory at a time), then times
# boiduong-report on them and reports its wall time and peak memory (maximum resident set).
# Goal: <= 15 s and <= 1 GB on the 2-core machine.
#
#   scripts/bench/bench-report.sh [STATEMENTS] [CLASSES]
#
# The data file is kept in target/bench-report/ and reused while it has the asked size.
# Both tools are built with the `native` profile (speed, not the wasm's size settings).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh

STATEMENTS="${1:-1000000}"
CLASSES="${2:-250}"
DIR="target/bench-report"
DATA="$DIR/city-$STATEMENTS-$CLASSES.jsonl"
mkdir -p "$DIR"

cargo build --quiet --profile native -p boiduong-core --features compiler \
    --bin boiduong-synth --bin boiduong-report
BIN="target/native"

LEARNERS=$(( (STATEMENTS / CLASSES + 233) / 234 ))
if [ ! -s "$DATA" ] || [ "$(wc -l < "$DATA")" -lt "$STATEMENTS" ]; then
    # a learner of 6 scenarios + 3 modules (pre-tests, self-ratings, evaluations) makes about
    # 234 statements, so LEARNERS a class give a little more than STATEMENTS over all the
    # classes; the classes start over six months (trends by month)
    echo "generating $STATEMENTS statements of $CLASSES classes into $DATA ..."
    started=$SECONDS
    "$BIN/boiduong-synth" --classes "$CLASSES" --learners "$LEARNERS" --scenarios 6 --modules 3 \
        --from 2026-07-01 --spread-days 180 --jsonl --out "$DATA.tmp" 2>/dev/null
    mv "$DATA.tmp" "$DATA"
    echo "generated in $((SECONDS - started)) s"
fi
lines=$(wc -l < "$DATA")
bytes=$(stat -c %s "$DATA")
[ "$lines" -ge "$STATEMENTS" ] || { echo "expected $STATEMENTS lines or more, got $lines" >&2; exit 1; }

OUT="$DIR/report"
rm -rf "$OUT"
LOG="$DIR/time.log"
/usr/bin/time -v -o "$LOG" "$BIN/boiduong-report" --input "$DATA" --out "$OUT"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$LOG")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$LOG")
user=$(sed -n 's/.*User time (seconds): //p' "$LOG")
printf '\nboiduong-report on %s statements (%s classes, %s MB of JSON Lines):\n' \
    "$lines" "$CLASSES" "$((bytes / 1000000))"
sys=$(sed -n 's/.*System time (seconds): //p' "$LOG")
cpu=$(sed -n 's/.*Percent of CPU this job got: //p' "$LOG")
printf '  wall time   %s (CPU: user %s s + system %s s, %s of one core)   goal <= 15 s\n' \
    "$wall" "$user" "$sys" "$cpu"
printf '  peak memory %s MB            goal <= 1,000 MB\n' "$((rss_kb / 1024))"
printf '  load average when done: %s (the machine is shared: wall time grows with it)\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "  ... $(ls "$OUT" | wc -l) files in $OUT"
