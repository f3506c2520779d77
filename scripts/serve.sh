#!/usr/bin/env bash
# The README's serve command: installs what is missing, builds the portal (release), starts
# the local reference LRS (Ralph) on 127.0.0.1:8100 with the demo accounts, and serves the
# portal at http://127.0.0.1:8080 until Ctrl-C (which also stops the LRS).
# LRS data persist between runs in ${BOIDUONG_STATE:-$HOME/.local/state/boiduong}/lrs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

PORT="${PORT:-8080}"
LRS_PORT="${LRS_PORT:-8100}"
STATE="${BOIDUONG_STATE:-$HOME/.local/state/boiduong}"
LRS_DATA="$STATE/lrs"
mkdir -p "$LRS_DATA"

echo "serve: building the portal (release)"
trunk build --release

# A previous run's LRS on this data dir is stopped first (start.sh refuses a second one).
scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null 2>&1 || true
scripts/lrs/start.sh --data-dir "$LRS_DATA" --port "$LRS_PORT" --origin "http://127.0.0.1:${PORT}" --wait
cleanup() { scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

echo
echo "Portal: http://127.0.0.1:${PORT}   (Ctrl-C stops the portal and the LRS)"
echo
node scripts/static-server.mjs dist "$PORT"
