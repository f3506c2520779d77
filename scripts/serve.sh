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
# over 6 scenarios and 3 modules, over two weeks ending a few days ago) is made with the class
# command (scripts/class.sh create: accounts hocvien-seed-01 … hocvien-seed-40 and the class's
# trainer hocvien-seed-gv, sign-in slips in the data dir) and posted to the LRS, each simulated
# learner's statements by that learner's own LRS account, so the demo trainers (giangvien,
# hocvien-seed-gv) have a class to review that passes the review's identity check.
# SEED_DEMO=0 skips it.
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
start_lrs() {
    scripts/lrs/start.sh --data-dir "$LRS_DATA" --port "$LRS_PORT" --origin "http://127.0.0.1:${PORT}" \
        --home-page "$HOME_PAGE" --wait
}
start_lrs
cleanup() { scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM
# The demo class's accounts, by the class command (once per data dir; the LRS reads its
# accounts file at start, so it is restarted after).
AUTH_FILE="$LRS_DATA/app/auth.json"
if [ "${SEED_DEMO:-1}" != "0" ] && ! grep -q "\"username\": \"${SEED_PREFIX}01\"" "$AUTH_FILE"; then
    echo "serve: making the demo class QLNN-2026-01 with scripts/class.sh create"
    scripts/class.sh simulated-roster "$SEED_LEARNERS" >"$LRS_DATA/roster-QLNN-2026-01.csv"
    scripts/class.sh create QLNN-2026-01 "$LRS_DATA/roster-QLNN-2026-01.csv" --trainer \
        --prefix "$SEED_PREFIX" --demo-passwords --auth-file "$AUTH_FILE" --home-page "$HOME_PAGE" \
        --portal "http://127.0.0.1:${PORT}" --slips "$LRS_DATA/phieu-dang-nhap-QLNN-2026-01.html"
    scripts/lrs/stop.sh --data-dir "$LRS_DATA" >/dev/null
    start_lrs
fi

# v2: posted by each simulated learner's own account. A data dir seeded before (by the one
# seed account) keeps that class, which the review now sets aside; remove the data dir to
# get the demo class back.
# v3: the class is an activity its learners joined (the trainer reads its roster from
# their joined statements): a class seeded before has no roster.
SEED_MARK="$LRS_DATA/.demo-class-seeded-v3"
if { [ -f "$LRS_DATA/.demo-class-seeded" ] || [ -f "$LRS_DATA/.demo-class-seeded-v2" ]; } && [ ! -f "$SEED_MARK" ]; then
    echo "serve: this LRS data dir holds a demo class seeded by an older portal (by the former" >&2
    echo "       seed account, or before classes were xAPI activities): the trainer review does" >&2
    echo "       not find it. To seed it again: stop, remove $LRS_DATA, start again." >&2
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
