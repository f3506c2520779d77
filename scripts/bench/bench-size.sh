#!/usr/bin/env bash
# Prints the first-load bytes of each app of a built portal, raw and brotli (quality 11), per
# file and in total: the app's HTML page, the loader, the JS glue, the wasm, the CSS,
# config.json and the first JSON fetched (content/catalog.json). The learner app is
# DIST/index.html, the trainer app DIST/trainer/index.html (scripts/build.sh builds both).
# Then checks the learner app's brotli total against the budget in size-budget.json and
# fails when it is over (CI runs this in scripts/test.sh). Goal: 160 KB (163,840 B) brotli.
# Usage: scripts/bench/bench-size.sh [DIST_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${1:-dist}"
[ -f "$DIST/index.html" ] || { echo "bench-size: no build in $DIST (run scripts/build.sh)" >&2; exit 1; }

# report APP PAGE: one table; sets $total_br
report() {
  local app="$1" page="$2"
  local files=("$page") refs
  refs=$(grep -oE '(src|href)="/[^"]+\.(js|wasm|css)"' "$page" | sed -E 's/^(src|href)="\///; s/"$//' | sort -u)
  # The JS glue and the wasm the loader (boot-*.js) imports: the learner page does not
  # preload them (they wait for its first paint), so only the loader names them.
  refs=$( {
    echo "$refs"
    for f in $refs; do
      case "$f" in */boot-*.js | boot-*.js) grep -oE "'/[^']+\.(js|wasm)'" "$DIST/$f" | tr -d "'" | sed 's/^\///' ;; esac
    done
  } | grep -v '^$' | sort -u)
  for f in $refs; do files+=("$DIST/$f"); done
  files+=("$DIST/config.json" "$DIST/content/catalog.json")
  local total_raw=0 raw br
  total_br=0
  printf '\n%s app: first load\n' "$app"
  printf '%-48s %10s %10s\n' "file" "raw B" "brotli B"
  for f in "${files[@]}"; do
    raw=$(stat -c %s "$f")
    br=$(brotli -c -q 11 "$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_br=$((total_br + br))
    printf '%-48s %10d %10d\n' "${f#"$DIST"/}" "$raw" "$br"
  done
  printf '%-48s %10d %10d  (%.1f KB brotli)\n' "total" "$total_raw" "$total_br" "$(echo "$total_br / 1024" | bc -l)"
}

report learner "$DIST/index.html"
learner_br=$total_br
if [ -f "$DIST/trainer/index.html" ]; then
  report trainer "$DIST/trainer/index.html"
fi

budget=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).learner_first_load_brotli)' "$ROOT/size-budget.json")
goal=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).goal_brotli)' "$ROOT/size-budget.json")
printf '\nlearner first load: %d B brotli; budget %d B (size-budget.json), goal %d B\n' "$learner_br" "$budget" "$goal"
if [ "$learner_br" -gt "$budget" ]; then
  echo "bench-size: the learner app's first load grew past its budget by $((learner_br - budget)) B" >&2
  exit 1
fi
