#!/usr/bin/env bash
# Start the local reference LRS (Ralph 5.1.0, fs backend) for Boiduong.
#
# Usage:
#   scripts/lrs/start.sh --data-dir DIR [--port 8100]
#                        [--origin http://127.0.0.1:8080 [--origin E2E_ORIGIN]]
#                        [--home-page http://127.0.0.1:8100] [--simulated PREFIX:N]...
#                        [--fresh] [--wait]
#
#   --data-dir DIR  where everything the LRS writes lives: statements, accounts
#                   file, history, pid and log. Must be outside the repository.
#   --port N        TCP port on 127.0.0.1 (default 8100).
#   --origin URL    browser origin allowed by CORS (exact: scheme://host[:port],
#                   no path). Repeat it to also allow the e2e test origin.
#                   Default: http://127.0.0.1:8080 (localhost would be another
#                   origin).
#   --home-page URL the accounts' homePage: every account's agent is the xAPI
#                   account {homePage: URL, name: the account}, which Ralph
#                   stamps as the authority of what it posts. Must equal the
#                   portal's config.json account_home_page (the actor the portal
#                   writes), or the trainer review sets every statement aside.
#                   Default: http://127.0.0.1:8100 (public/config.json's).
#   --simulated PREFIX:N  also the accounts of N simulated learners
#                   (boiduong-synth --prefix PREFIX --learners N): PREFIX01 ...
#                   with password <account>-pass, so each posts its own
#                   statements (scripts/lrs/seed-lrs.mjs --as-authority). Made by the
#                   class command (scripts/class.sh create, roster of simulated
#                   learners, --demo-passwords) unless the accounts file has them.
#                   Repeatable.
#   --fresh         wipe DIR first (only if it is empty or was made by this
#                   script), so each test run starts with no statements.
#   --wait          run in the background: start, wait (at most ~20 s) until
#                   /__heartbeat__ answers, print the pid, exit. Stop it with
#                   scripts/lrs/stop.sh --data-dir DIR.
#                   Without --wait the LRS runs in the foreground (this script
#                   execs it, so Ctrl-C / kill of this pid stops it).
#   --unpatched     serve Ralph without the launcher's two fs-backend fixes
#                   (only to show that smoke.py catches those defects).
#
# Demo accounts (learners read only their own statements, trainer reads all),
# each identified by the account {homePage, name}:
#   hocvien1 / hocvien1-pass   Nguyễn Văn An
#   hocvien2 / hocvien2-pass   Trần Thị Bình
#   hocvien3 / hocvien3-pass   Lê Minh Châu
#   giangvien / giangvien-pass Phạm Thu Hà  (statements/read: the trainer)
#   andanh / andanh-pass       (write only: the portal's anonymous account, through which
#                               anonymous evaluations go; it can read nothing)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd -P)"
VENV="${REPO_ROOT}/.venv-lrs"
# Marker that says "this directory was made by start.sh", so --fresh never
# wipes a directory it does not own (a typo such as --data-dir ~ must not
# delete a home directory).
MARKER=".boiduong-lrs-data"

usage() { sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
die() { echo "start.sh: $*" >&2; exit 1; }

DATA_DIR=""
PORT="8100"
ORIGINS=()
HOME_PAGE="http://127.0.0.1:8100"
SIMULATED=()
FRESH="no"
WAIT="no"
LAUNCHER_EXTRA=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --data-dir) [ "$#" -ge 2 ] || usage; DATA_DIR="$2"; shift 2 ;;
        --port) [ "$#" -ge 2 ] || usage; PORT="$2"; shift 2 ;;
        --origin) [ "$#" -ge 2 ] || usage; ORIGINS+=("$2"); shift 2 ;;
        --home-page) [ "$#" -ge 2 ] || usage; HOME_PAGE="$2"; shift 2 ;;
        --simulated) [ "$#" -ge 2 ] || usage; SIMULATED+=("$2"); shift 2 ;;
        --fresh) FRESH="yes"; shift ;;
        --wait) WAIT="yes"; shift ;;
        --unpatched) LAUNCHER_EXTRA+=("--unpatched"); shift ;;
        -h|--help) usage ;;
        *) echo "start.sh: unknown argument: $1" >&2; usage ;;
    esac
done
[ -n "${DATA_DIR}" ] || { echo "start.sh: --data-dir is required" >&2; usage; }
case "${PORT}" in
    ''|*[!0-9]*) die "--port must be a number, got '${PORT}'" ;;
esac
[ "${#ORIGINS[@]}" -gt 0 ] || ORIGINS=("http://127.0.0.1:8080")

# Ralph stops at start-up on '*', a path or a trailing slash, and matches
# origins exactly: normalise the harmless trailing slash, refuse the rest
# here with a clearer message than a pydantic traceback.
NORM_ORIGINS=()
for o in "${ORIGINS[@]}"; do
    o="${o%/}"
    [[ "${o}" =~ ^https?://[^/*[:space:]]+$ ]] \
        || die "--origin must be an exact origin like http://127.0.0.1:8080, got '${o}'"
    dup="no"
    for seen in "${NORM_ORIGINS[@]+"${NORM_ORIGINS[@]}"}"; do
        [ "${seen}" = "${o}" ] && dup="yes"
    done
    [ "${dup}" = "yes" ] || NORM_ORIGINS+=("${o}")
done

# Absolute data dir, and never inside the repository: accounts (bcrypt
# hashes of demo passwords) and statements must not end up committed.
DATA_DIR="$(realpath -m -- "${DATA_DIR}")"
case "${DATA_DIR}/" in
    "${REPO_ROOT}/"*) die "--data-dir ${DATA_DIR} is inside the repository ${REPO_ROOT}; use e.g. \$(mktemp -d)" ;;
esac
case "${DATA_DIR}" in
    /|"${HOME:-/}") die "refusing --data-dir ${DATA_DIR}" ;;
esac
PID_FILE="${DATA_DIR}/lrs.pid"
LOG_FILE="${DATA_DIR}/lrs.log"

# One server per data dir: the fs backend has no locking.
if [ -f "${PID_FILE}" ]; then
    old_pid="$(cat "${PID_FILE}" 2>/dev/null || true)"
    if [ -n "${old_pid}" ] && kill -0 "${old_pid}" 2>/dev/null \
        && grep -q launcher.py "/proc/${old_pid}/cmdline" 2>/dev/null; then
        die "an LRS (pid ${old_pid}) already runs on ${DATA_DIR}; stop it with scripts/lrs/stop.sh --data-dir ${DATA_DIR}"
    fi
fi

# --- port must be free --------------------------------------------------------
# Otherwise wait.sh could find *another* server healthy on that port.
if python3 -c 'import socket, sys; s = socket.socket(); s.settimeout(0.5); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "${PORT}"; then
    die "port ${PORT} on 127.0.0.1 is already in use"
fi

"${SCRIPT_DIR}/install.sh"

# --- data dir -------------------------------------------------------------
if [ -d "${DATA_DIR}" ] && [ -n "$(ls -A "${DATA_DIR}")" ] && [ ! -f "${DATA_DIR}/${MARKER}" ]; then
    die "${DATA_DIR} is not empty and was not made by start.sh; pick another --data-dir"
fi
if [ "${FRESH}" = "yes" ] && [ -d "${DATA_DIR}" ]; then
    rm -rf -- "${DATA_DIR}"
fi
mkdir -p "${DATA_DIR}/app" "${DATA_DIR}/statements"
touch "${DATA_DIR}/${MARKER}"

# --- environment ------------------------------------------------------------
# Drop any RALPH_* inherited from the caller (e.g. a developer's OIDC or ES
# settings), then set every one this setup depends on explicitly. Explicit
# environment variables also win over a stray .env in the cwd, which Ralph
# reads too.
while IFS= read -r var; do
    unset "${var}"
done < <(compgen -e | grep '^RALPH_' || true)

CORS_JSON="$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${NORM_ORIGINS[@]}")"

export RALPH_APP_DIR="${DATA_DIR}/app"
export RALPH_AUTH_FILE="${DATA_DIR}/app/auth.json"
export RALPH_HISTORY_FILE="${DATA_DIR}/app/history.json"
export RALPH_RUNSERVER_BACKEND="fs"
export RALPH_RUNSERVER_AUTH_BACKENDS="basic"
export RALPH_RUNSERVER_HOST="127.0.0.1"
export RALPH_RUNSERVER_PORT="${PORT}"
export RALPH_RUNSERVER_CORS_ALLOW_ORIGINS="${CORS_JSON}"
export RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="${DATA_DIR}/statements"
# The fs LRS backend's statements file name inside that directory.
export RALPH_BACKENDS__LRS__FS__DEFAULT_LRS_FILE="fs_lrs.jsonl"
# Learners see only the statements they posted; scopes decide who reads all
# (RESTRICT_BY_SCOPES is refused at start-up without RESTRICT_BY_AUTHORITY).
export RALPH_LRS_RESTRICT_BY_AUTHORITY="true"
export RALPH_LRS_RESTRICT_BY_SCOPES="true"
export RALPH_LRS_PARTIAL_SUCCESS_DEFAULT="false"
export RALPH_EXECUTION_ENVIRONMENT="development"

# Ralph reads a .env from the cwd: run everything from the data dir, which
# this script owns, so no .env of the repo or caller is picked up.
cd "${DATA_DIR}"

# --- accounts -------------------------------------------------------------
# The demo accounts are written on every start (accounts.py writes a temp file,
# checks it with Ralph's own model, moves it in place), keeping the other
# accounts of the file: those of classes made by scripts/class.sh. The server
# caches the file, which is fine since it is written before the server starts;
# adding accounts later needs a restart.
# Each agent is the xAPI account {homePage, name}, the same identifier as the
# actor the portal writes: Ralph stamps it as each statement's authority, and
# the trainer review keeps only statements whose authority is their actor.
ACCOUNTS=(
    "hocvien1|hocvien1-pass|Nguyễn Văn An|statements/read/mine"
    "hocvien2|hocvien2-pass|Trần Thị Bình|statements/read/mine"
    "hocvien3|hocvien3-pass|Lê Minh Châu|statements/read/mine"
    "giangvien|giangvien-pass|Phạm Thu Hà|statements/read"
    # Write only (no read scope): anonymous evaluations are posted with it, never read back.
    "andanh|andanh-pass|Ẩn danh|"
)
account_args=(--out "${RALPH_AUTH_FILE}" --home-page "${HOME_PAGE}" --keep)
for entry in "${ACCOUNTS[@]}"; do
    account_args+=(--account "${entry}")
done
"${VENV}/bin/python" "${SCRIPT_DIR}/accounts.py" "${account_args[@]}" >/dev/null \
    || die "the accounts file could not be written"
# Simulated learners: a class of the class command, made once per accounts file.
for spec in "${SIMULATED[@]+"${SIMULATED[@]}"}"; do
    prefix="${spec%:*}"
    count="${spec##*:}"
    [[ -n "${prefix}" && "${count}" =~ ^[1-9][0-9]*$ ]] || die "--simulated needs PREFIX:N, got '${spec}'"
    if ! grep -q "\"username\": \"${prefix}0*1\"" "${RALPH_AUTH_FILE}"; then
        roster="${DATA_DIR}/app/roster-${prefix}.csv"
        "${VENV}/bin/python" "${SCRIPT_DIR}/classes.py" simulated-roster "${count}" >"${roster}"
        "${VENV}/bin/python" "${SCRIPT_DIR}/classes.py" create "MO-PHONG-${prefix%-}" "${roster}" \
            --prefix "${prefix}" --demo-passwords --auth-file "${RALPH_AUTH_FILE}" \
            --home-page "${HOME_PAGE}" --slips "${DATA_DIR}/app/phieu-${prefix}.html" \
            --slips-overwrite >/dev/null || die "the simulated learners' accounts could not be made"
    fi
done

print_accounts() {
    echo "LRS: http://127.0.0.1:${PORT}/xAPI/statements  (data: ${DATA_DIR})"
    echo "CORS origins: ${CORS_JSON}"
    echo "Demo accounts (HTTP Basic; agent: account {homePage ${HOME_PAGE}, name}):"
    for entry in "${ACCOUNTS[@]}"; do
        IFS='|' read -r user pass name read_scope <<<"${entry}"
        # Name last: printf pads by bytes, and Vietnamese letters are multi-byte.
        printf '  %-10s %-15s statements/write + %-21s %s\n' \
            "${user}" "${pass}" "${read_scope:-(nothing)}" "${name}"
    done
    for spec in "${SIMULATED[@]+"${SIMULATED[@]}"}"; do
        echo "  simulated learners ${spec%:*}01 ... (${spec##*:}), password <account>-pass"
    done
}

LAUNCH=("${VENV}/bin/python" "${SCRIPT_DIR}/launcher.py" --port "${PORT}" "${LAUNCHER_EXTRA[@]+"${LAUNCHER_EXTRA[@]}"}")

if [ "${WAIT}" = "no" ]; then
    print_accounts
    # exec: this pid becomes the server's, so the pid file stays right and a
    # signal to it reaches uvicorn directly.
    echo "$$" >"${PID_FILE}"
    exec "${LAUNCH[@]}"
fi

# Background mode: detach from the terminal (nohup, stdin from /dev/null),
# log into the data dir, wait for health, and hand back the pid.
nohup "${LAUNCH[@]}" >>"${LOG_FILE}" 2>&1 </dev/null &
pid=$!
echo "${pid}" >"${PID_FILE}"
if ! "${SCRIPT_DIR}/wait.sh" "${PORT}" "${pid}" 20; then
    echo "start.sh: LRS did not become healthy; last log lines (${LOG_FILE}):" >&2
    tail -n 30 "${LOG_FILE}" >&2 || true
    kill "${pid}" 2>/dev/null || true
    rm -f "${PID_FILE}"
    exit 1
fi
print_accounts
echo "LRS pid ${pid} (log ${LOG_FILE}); stop: ${SCRIPT_DIR}/stop.sh --data-dir ${DATA_DIR}"
