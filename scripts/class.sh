#!/usr/bin/env bash
# A class from its list, for the training centre:
#
#   scripts/class.sh create QLNN-2027-03 roster.csv [--trainer] [--auth-file FILE]
#       [--home-page URL] [--portal URL] [--slips FILE] [--prefix PREFIX]
#   scripts/class.sh simulated-roster 40 > roster.csv   (fictitious learners, for demos)
#
# roster.csv: CSV UTF-8 with a header row; columns họ tên, đơn vị, chức danh, email or phone.
# Adds one LRS account per learner (PREFIX01 …, scopes statements/write + statements/read/mine)
# and with --trainer one trainer account (PREFIXgv, statements/read) to Ralph's own accounts
# file, with generated passwords, and writes a printable HTML page of sign-in slips (account,
# first password, class code, portal address). A bad row or a duplicate account is reported
# with its line number and reason, and then nothing at all is changed.
#
# Defaults: --auth-file: $RALPH_AUTH_FILE, else the accounts file of scripts/serve.sh's LRS
# (${BOIDUONG_STATE:-$HOME/.local/state/boiduong}/lrs/app/auth.json); --home-page: the
# account_home_page of public/config.json. Restart the LRS afterwards (it reads its accounts
# file at start). Details: scripts/lrs/classes.py.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${ROOT}/.venv-lrs/bin/python"
[ -x "${PY}" ] || { echo "class.sh: the LRS virtualenv is missing: run scripts/setup.sh" >&2; exit 1; }
[ "$#" -ge 1 ] || { sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
args=("$@")
has() { local a; for a in "${args[@]}"; do [ "$a" = "$1" ] && return 0; done; return 1; }
if [ "$1" = "create" ] && ! has --auth-file && [ -z "${RALPH_AUTH_FILE:-}" ]; then
    args+=(--auth-file "${BOIDUONG_STATE:-$HOME/.local/state/boiduong}/lrs/app/auth.json")
fi
if ! has --home-page && [ "$1" = "create" ]; then
    args+=(--home-page "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["account_home_page"])' "${ROOT}/public/config.json")")
fi
exec "${PY}" "${ROOT}/scripts/lrs/classes.py" "${args[@]}"
