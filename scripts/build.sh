#!/usr/bin/env bash
# Builds the portal (release) into DIST (default dist/): the learner app (index.html) into
# DIST/, then the trainer app (trainer/index.html) into DIST/trainer/ with the public URL
# /trainer/ (trunk empties its output directory, so the learner app goes first), then the one
# service worker that precaches both (scripts/build/make-sw.mjs), then brotli and gzip copies of
# every compressible file (scripts/build/precompress.mjs) for the static server.
# trunk 0.21 builds one HTML page and one wasm per run, hence two runs.
# Usage: scripts/build.sh [DIST]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh
DIST="${1:-dist}"

echo "build: the learner app -> $DIST/"
trunk build --release --dist "$DIST" index.html
echo "build: the trainer app -> $DIST/trainer/"
trunk build --release --dist "$DIST/trainer" --public-url /trainer/ trainer/index.html
node scripts/build/make-sw.mjs "$DIST"
node scripts/build/precompress.mjs "$DIST"
