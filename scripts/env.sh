# Sourced by the scripts: tools installed by scripts/setup.sh on PATH.
# shellcheck shell=bash
BOIDUONG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${BOIDUONG_ROOT}/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
