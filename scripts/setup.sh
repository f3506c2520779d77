#!/usr/bin/env bash
# Installs what is missing, and only that, for building, serving and testing Boiduong on
# Debian 12 with Rust (rustup), Node 20 and Python 3.11. Used by both README commands.
#
# Idempotent: every step checks first (right version present -> skip), so a warm machine
# spends seconds here and never rebuilds trunk (~8 min) or wasm-bindgen-cli (~3 min).
# Only the package registries are needed (crates.io, npm, PyPI, Debian): trunk never
# downloads anything because wasm-bindgen and wasm-opt are found on PATH at the pinned
# versions (see Trunk.toml).
#
# After it runs, `source scripts/env.sh` puts node_modules/.bin (wasm-opt) on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
# wasm-bindgen-cli must equal the wasm-bindgen of Cargo.lock (pinned with "=" in Cargo.toml).
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf 'setup: %s\n' "$*"; }

# 1. Rust: the wasm target, rustfmt and clippy.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^${component}"; then
        say "adding rustup component ${component}"
        rustup component add "${component}"
    fi
done

# 2. trunk, exactly this version (0.22 needs a newer rustc).
if [ "$(trunk --version 2>/dev/null || true)" != "trunk ${TRUNK_VERSION}" ]; then
    say "installing trunk ${TRUNK_VERSION} (first time on a machine: ~8 minutes)"
    cargo install --locked trunk --version "${TRUNK_VERSION}"
fi

# 3. wasm-bindgen-cli at the Cargo.lock version (`--locked` fails for this crate: a locked
#    dependency is missing from the registry, so it resolves afresh).
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen ${WASM_BINDGEN_VERSION}" ]; then
    say "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (first time: ~3 minutes)"
    cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --force
fi

# 4. Debian packages: Chromium and its driver (browser and e2e tests), brotli (size figures).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# 5. npm packages from the committed lock (binaryen's wasm-opt, Playwright, axe). Re-run
#    `npm ci` only when package-lock.json changed since the last install.
LOCK_HASH="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.lock-hash ] || [ "$(cat node_modules/.lock-hash)" != "${LOCK_HASH}" ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "${LOCK_HASH}" > node_modules/.lock-hash
fi
if [ "$(node_modules/.bin/wasm-opt --version 2>/dev/null | awk '{print $3}')" != "132" ]; then
    echo "setup: node_modules/.bin/wasm-opt is not version 132 (binaryen@132.0.0 expected)" >&2
    exit 1
fi

# 6. The local reference LRS (Ralph 5.1.0) in .venv-lrs.
scripts/lrs/install.sh

say "ready (trunk ${TRUNK_VERSION}, wasm-bindgen ${WASM_BINDGEN_VERSION}, wasm-opt 132, $(chromium --version 2>/dev/null | head -1))"
