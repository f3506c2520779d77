#!/usr/bin/env bash
# Usage: scripts/lrs/wait.sh PORT [PID] [TIMEOUT_SECONDS]
#
# Polls Ralph's health route http://127.0.0.1:PORT/__heartbeat__ until it
# answers 200 (Ralph 5.1.0 has /__heartbeat__, which also checks that the fs
# backend's directory is usable, and /__lbheartbeat__, which only says the
# process is up). Bounded: gives up after TIMEOUT_SECONDS (default 20).
# With PID, stops at once if that process has died (a start-up error such as
# a bad RALPH_* setting), instead of waiting out the timeout.
# Exit 0 when healthy, 1 otherwise. Uses the system python3 (stdlib only) so
# it needs neither curl nor the venv.
set -euo pipefail

if [ "$#" -lt 1 ]; then
    echo "usage: $0 PORT [PID] [TIMEOUT_SECONDS]" >&2
    exit 64
fi
PORT="$1"
PID="${2:-}"
TIMEOUT="${3:-20}"
URL="http://127.0.0.1:${PORT}/__heartbeat__"

# One probe: exit status 0 only for HTTP 200. Short socket timeout so one hung
# probe cannot stretch the overall bound.
probe() {
    python3 - "${URL}" <<'PYEOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=1) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PYEOF
}

# Bounded twice: by wall clock (bash's SECONDS) and by a probe count (4 a
# second at most), so neither slow probes nor a stuck clock can loop forever.
deadline=$(( SECONDS + TIMEOUT ))
max_tries=$(( TIMEOUT * 4 ))
for (( i = 0; i < max_tries && SECONDS < deadline; i++ )); do
    if [ -n "${PID}" ] && ! kill -0 "${PID}" 2>/dev/null; then
        echo "wait.sh: LRS process ${PID} exited before answering on ${URL}" >&2
        exit 1
    fi
    if probe; then
        echo "wait.sh: LRS healthy on ${URL}"
        exit 0
    fi
    sleep 0.25
done
echo "wait.sh: no 200 from ${URL} within ${TIMEOUT}s" >&2
exit 1
