#!/usr/bin/env bash
# A fresh Ralph for one end-to-end run, in the foreground, cleaned up on exit.
#
# Usage: scripts/lrs/e2e-lrs.sh [--port 8100] [--origin URL]...
#                               [--home-page URL] [--simulated PREFIX:N]...
#
# Makes a temporary data dir (outside the repository), runs start.sh in the
# foreground on it (no statements, the demo accounts and the simulated learners
# the trainer e2e seeds with; --home-page and --simulated go to start.sh as
# they are), and on SIGTERM/SIGINT/
# exit stops the LRS and deletes the data dir. Playwright starts it as a
# webServer (see playwright.config.mjs: gracefulShutdown SIGTERM lets this
# trap run) and waits on http://127.0.0.1:PORT/__heartbeat__.
# Set E2E_KEEP_LRS_DATA=1 to keep the data dir (its path is printed) for a
# post-mortem of a failed run.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="8100"
ARGS=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --port) [ "$#" -ge 2 ] || { echo "e2e-lrs.sh: --port needs a value" >&2; exit 64; }
                PORT="$2"; shift 2 ;;
        --origin|--home-page|--simulated)
            [ "$#" -ge 2 ] || { echo "e2e-lrs.sh: $1 needs a value" >&2; exit 64; }
            ARGS+=("$1" "$2"); shift 2 ;;
        *) echo "e2e-lrs.sh: unknown argument: $1 (usage: $0 [--port N] [--origin URL]... [--home-page URL] [--simulated PREFIX:N]...)" >&2; exit 64 ;;
    esac
done

DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/boiduong-e2e-lrs.XXXXXX")"
child=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "${child}" ] && kill -0 "${child}" 2>/dev/null; then
        kill -TERM "${child}" 2>/dev/null || true
        # Bounded: uvicorn shuts down in well under a second; 10 s at most.
        for (( i = 0; i < 40; i++ )); do
            kill -0 "${child}" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL "${child}" 2>/dev/null || true
        wait "${child}" 2>/dev/null || true
    fi
    if [ "${E2E_KEEP_LRS_DATA:-}" = "1" ]; then
        echo "e2e-lrs.sh: kept ${DATA_DIR}" >&2
    else
        rm -rf -- "${DATA_DIR}"
    fi
    exit "${status}"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

echo "e2e-lrs.sh: data dir ${DATA_DIR}"
# In the background of this shell (start.sh execs the server, so this pid is
# the server's) and waited for, so the traps run as soon as a signal arrives.
"${SCRIPT_DIR}/start.sh" --data-dir "${DATA_DIR}" --port "${PORT}" --fresh \
    "${ARGS[@]+"${ARGS[@]}"}" &
child=$!
wait "${child}"
