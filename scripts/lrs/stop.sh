#!/usr/bin/env bash
# Usage: scripts/lrs/stop.sh --data-dir DIR
#
# Stops the LRS that start.sh started on DIR (pid in DIR/lrs.pid): SIGTERM,
# a bounded wait (10 s) for uvicorn's graceful shutdown, then SIGKILL.
# Only kills that pid, and only if it still is our launcher (a stale pid file
# could name a reused pid). Exit 0 when nothing is left running.
set -euo pipefail

die() { echo "stop.sh: $*" >&2; exit 1; }
DATA_DIR=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --data-dir) [ "$#" -ge 2 ] || die "--data-dir needs a value"; DATA_DIR="$2"; shift 2 ;;
        *) die "usage: $0 --data-dir DIR" ;;
    esac
done
[ -n "${DATA_DIR}" ] || die "usage: $0 --data-dir DIR"
PID_FILE="$(realpath -m -- "${DATA_DIR}")/lrs.pid"

if [ ! -f "${PID_FILE}" ]; then
    echo "stop.sh: no pid file ${PID_FILE}; nothing to stop"
    exit 0
fi
pid="$(cat "${PID_FILE}")"
case "${pid}" in ''|*[!0-9]*) die "bad pid file ${PID_FILE}" ;; esac

if ! kill -0 "${pid}" 2>/dev/null || ! grep -q launcher.py "/proc/${pid}/cmdline" 2>/dev/null; then
    echo "stop.sh: LRS pid ${pid} is not running; removing stale ${PID_FILE}"
    rm -f "${PID_FILE}"
    exit 0
fi

# Alive = exists and is not a zombie (an exited child whose parent has not
# reaped it yet still answers kill -0, but is no longer running).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo X)"
    [ "${state}" != "Z" ] && [ "${state}" != "X" ]
}

kill -TERM "${pid}"
for (( i = 0; i < 40; i++ )); do          # 40 x 0.25 s = 10 s at most
    alive "${pid}" || break
    sleep 0.25
done
if alive "${pid}"; then
    echo "stop.sh: pid ${pid} ignored SIGTERM for 10 s; sending SIGKILL" >&2
    kill -KILL "${pid}" 2>/dev/null || true
    sleep 0.5
fi
if alive "${pid}"; then
    die "pid ${pid} is still running"
fi
rm -f "${PID_FILE}"
echo "stop.sh: LRS pid ${pid} stopped"
