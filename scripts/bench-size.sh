#!/usr/bin/env bash
# Prints the first-load bytes of a built portal, raw and brotli (quality 11), per file and in
# total: index.html, the loader, the JS glue, the wasm, the CSS, and the first JSON fetched
# (content/catalog.json). Goal for the whole portal: <= 160 KB brotli.
# Usage: scripts/bench-size.sh [DIST_DIR]
set -euo pipefail
DIST="${1:-dist}"
[ -f "$DIST/index.html" ] || { echo "bench-size: no build in $DIST (run trunk build --release)" >&2; exit 1; }
files=("$DIST/index.html")
while IFS= read -r f; do files+=("$DIST/$f"); done < <(
  grep -oE '(src|href)="/[^"]+\.(js|wasm|css)"' "$DIST/index.html" | sed -E 's/^(src|href)="\///; s/"$//' | sort -u)
files+=("$DIST/content/catalog.json")
total_raw=0
total_br=0
printf '%-44s %10s %10s\n' "file" "raw B" "brotli B"
for f in "${files[@]}"; do
  raw=$(stat -c %s "$f")
  br=$(brotli -c -q 11 "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_br=$((total_br + br))
  printf '%-44s %10d %10d\n' "${f#"$DIST"/}" "$raw" "$br"
done
printf '%-44s %10d %10d  (%.1f KB brotli; goal 160 KB)\n' "total first load" "$total_raw" "$total_br" "$(echo "$total_br / 1024" | bc -l)"
