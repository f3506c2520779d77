#!/usr/bin/env bash
# The README's serve command: installs what is missing, builds the portal (release, both
# apps, with brotli and gzip copies), starts the local reference LRS (Ralph) on
# 127.0.0.1:8100 with the demo accounts, and serves the portal compressed at
# http://127.0.0.1:8080 (the trainer app at /trainer/) until Ctrl-C (which also stops the
# LRS): a copy of dist/ deployed with the demo config (scripts/demo-config.json: authoring
# preview, the anonymous account; connect-src pinned to the LRS) by scripts/deploy.mjs, with
# the security headers (curl -sI http://127.0.0.1:8080/ shows them).
# LRS data persist between runs in ${BOIDUONG_STATE:-$HOME/.local/state/boiduong}/lrs.
#
# On the first start on a data dir, a demo class (mã lớp QLNN-2026-01, 40 simulated learners
# over 6 scenarios and 3 modules, over two weeks ending a few days ago) is posted to the LRS,
# each simulated learner's statements by that learner's own LRS account (hocvien-seed-01 …
# hocvien-seed-40, made by start.sh --simulated), so the demo trainer (giangvien) has a class
# to review that passes the review's identity check. SEED_DEMO=0 skips it.
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
# The accounts' homePage is the one the portal writes in its actors (config.json), so Ralph's
# authority names the same agent as the actor.
HOME_PAGE="$(node -p "JSON.parse(require('fs').readFileSync('public/config.json', 'utf8')).account_home_page")"
SEED_PREFIX="hocvien-seed-"
SEED_LEARNERS=40

echo "serve: building the portal (release: the learner app and the trainer app)"
scripts/build.sh

# A previous run's LRS on this data dir is stopped first (start.sh refuses a second one).
scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null 2>&1 || true
scripts/lrs/start.sh --data-dir "$LRS_DATA" --port "$LRS_PORT" --origin "http://127.0.0.1:${PORT}" \
    --home-page "$HOME_PAGE" --simulated "${SEED_PREFIX}:${SEED_LEARNERS}" --wait
cleanup() { scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

# v2: posted by each simulated learner's own account. A data dir seeded before (by the one
# seed account) keeps that class, which the review now sets aside; remove the data dir to
# get the demo class back.
SEED_MARK="$LRS_DATA/.demo-class-seeded-v2"
if [ -f "$LRS_DATA/.demo-class-seeded" ] && [ ! -f "$SEED_MARK" ]; then
    echo "serve: this LRS data dir holds the demo class posted by the former seed account;" >&2
    echo "       the trainer review sets it aside (not posted by its learners). To seed it again:" >&2
    echo "       stop, remove $LRS_DATA, start again." >&2
elif [ "${SEED_DEMO:-1}" != "0" ] && [ ! -f "$SEED_MARK" ]; then
    echo "serve: seeding the demo class QLNN-2026-01 for the trainer account (SEED_DEMO=0 skips)"
    cargo build --quiet --release -p boiduong-core --features compiler --bin boiduong-synth
    SEED_FILE="$(mktemp /tmp/boiduong-demo-class.XXXXXX.json)"
    FROM="$(date -u -d '21 days ago' +%Y-%m-%d)"
    target/release/boiduong-synth --content content --learners "$SEED_LEARNERS" --class QLNN-2026-01 \
        --seed 1 --scenarios 6 --modules 3 --from "$FROM" --days 14 \
        --prefix "$SEED_PREFIX" --home-page "$HOME_PAGE" --out "$SEED_FILE"
    if node scripts/lrs/seed-lrs.mjs "$SEED_FILE" "http://127.0.0.1:${LRS_PORT}/xAPI/" --as-authority; then
        touch "$SEED_MARK"
    else
        echo "serve: the demo class could not be seeded (the portal still works)" >&2
    fi
    rm -f "$SEED_FILE"
fi

echo
echo "Portal: http://127.0.0.1:${PORT}   (Ctrl-C stops the portal and the LRS)"
echo
node scripts/serve-with-config.mjs dist "$PORT" "http://127.0.0.1:${LRS_PORT}/xAPI/" scripts/demo-config.json
