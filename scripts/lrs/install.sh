#!/usr/bin/env bash
# Idempotent installer for the local reference LRS (Ralph 5.1.0).
#
# Creates <repo>/.venv-lrs with python3 (3.11) and installs the pinned Ralph
# plus `requests` (imported by Ralph's OIDC module but not declared by any
# extra: without it the server and `ralph auth` die with ModuleNotFoundError).
# Re-running is cheap: pip is only called when a package is missing or at
# another version. Prints exactly one line saying what it did.
set -euo pipefail

# Repo root from this script's location (scripts/lrs/ -> ../..), so the venv
# follows the checkout (CI clones main into another folder).
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
VENV="${REPO_ROOT}/.venv-lrs"
RALPH_VERSION="5.1.0"
PY="${PYTHON:-python3}"

# Ralph 5.1.0 needs Python >= 3.9; the project uses 3.11.
"${PY}" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
    || { echo "install.sh: ${PY} is older than 3.9 (Ralph 5.1.0 needs >= 3.9; use 3.11)" >&2; exit 1; }

created=""
# A venv whose interpreter no longer runs (e.g. the base python was removed
# or upgraded) is rebuilt rather than trusted.
if [ -x "${VENV}/bin/python" ] && ! "${VENV}/bin/python" -c 'pass' 2>/dev/null; then
    rm -rf -- "${VENV}"
fi
if [ ! -x "${VENV}/bin/python" ]; then
    "${PY}" -m venv "${VENV}"
    created="created ${VENV}; "
fi

# Ask the venv's own python which versions are installed (importlib.metadata
# reads dist-info, so it works even if an import of the package would fail).
installed_version() {
    "${VENV}/bin/python" - "$1" <<'PYEOF'
import sys
from importlib import metadata
try:
    print(metadata.version(sys.argv[1]))
except metadata.PackageNotFoundError:
    print("")
PYEOF
}

ralph_have="$(installed_version ralph-malph)"
requests_have="$(installed_version requests)"

# Also check that the extras' key dependencies are present: a plain
# `ralph-malph` install without [lrs,cli] has the right version but cannot serve.
extras_ok="yes"
for dep in fastapi uvicorn click; do
    if [ -z "$(installed_version "${dep}")" ]; then extras_ok="no"; fi
done

to_install=()
if [ "${ralph_have}" != "${RALPH_VERSION}" ] || [ "${extras_ok}" != "yes" ]; then
    to_install+=("ralph-malph[lrs,cli]==${RALPH_VERSION}")
fi
if [ -z "${requests_have}" ]; then
    to_install+=("requests")
fi

if [ "${#to_install[@]}" -eq 0 ]; then
    echo "install.sh: ${created}ralph-malph ${ralph_have} and requests ${requests_have} already in ${VENV}, nothing to do"
    exit 0
fi

# pip output goes to a log so the script keeps its one-line contract; show the
# log if pip fails so the cause is not hidden.
log="$(mktemp)"
trap 'rm -f "${log}"' EXIT
if ! "${VENV}/bin/python" -m pip install --disable-pip-version-check -q "${to_install[@]}" >"${log}" 2>&1; then
    cat "${log}" >&2
    echo "install.sh: pip install failed for: ${to_install[*]}" >&2
    exit 1
fi
echo "install.sh: ${created}installed ${to_install[*]} into ${VENV}"
