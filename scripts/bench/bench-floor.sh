#!/usr/bin/env bash
# Benchmark (not a test): the size floor of the framework under the learner app. Builds two
# throw-away Leptos 0.8 CSR apps with the learner app's versions (its Cargo.lock) and release
# profile, the way scripts/build.sh builds (cargo release for wasm32, wasm-bindgen --target
# web, wasm-opt -Oz, brotli -q 11):
#   base: a router with two routes, a link list, a signal and a button (no app code at all);
#   data: the same reading its list from JSON with serde_json (as the catalog is read).
# Prints the wasm and JS glue, raw and brotli: what any first load of a Leptos app costs
# before its own features (storage, sync, players, translations).
# Usage: scripts/bench/bench-floor.sh      (builds in target/floor; offline)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh
WORK="$ROOT/target/floor"
mkdir -p "$WORK/src"
cp Cargo.lock "$WORK/Cargo.lock"
leptos=$(sed -n 's/^leptos = \(.*\)$/\1/p' Cargo.toml | head -1)
router=$(sed -n 's/^leptos_router = \(.*\)$/\1/p' Cargo.toml | head -1)
bindgen=$(sed -n 's/^wasm-bindgen = \(.*\)$/\1/p' Cargo.toml | head -1)
cat > "$WORK/Cargo.toml" <<EOF
[package]
name = "floor"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[features]
data = ["dep:serde", "dep:serde_json"]

[dependencies]
leptos = $leptos
leptos_router = $router
wasm-bindgen = $bindgen
serde = { version = "1", features = ["derive"], optional = true }
serde_json = { version = "1", optional = true }

[profile.release]
$(sed -n '/^\[profile.release\]/,/^$/p' Cargo.toml | sed '1d')
EOF
cat > "$WORK/src/main.rs" <<'EOF'
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

#[cfg(feature = "data")]
#[derive(serde::Deserialize, Clone)]
struct Entry {
    id: String,
    title: String,
    minutes: u32,
}

#[cfg(feature = "data")]
fn entries() -> Vec<(String, String)> {
    let list: Vec<Entry> = serde_json::from_str(
        r#"[{"id":"a","title":"Tiếp công dân","minutes":10},{"id":"b","title":"Một cửa","minutes":5}]"#,
    )
    .unwrap_or_default();
    list.into_iter()
        .map(|e| (e.id, format!("{} ({} phút)", e.title, e.minutes)))
        .collect()
}

#[cfg(not(feature = "data"))]
fn entries() -> Vec<(String, String)> {
    vec![("a".into(), "Tiếp công dân".into())]
}

#[component]
fn Catalog() -> impl IntoView {
    let (n, set_n) = signal(0u32);
    view! {
        <h1>"Danh mục"</h1>
        <ul>
            {entries().into_iter().map(|(id, title)| view! {
                <li><A href=format!("/m/{id}")>{title}</A></li>
            }).collect_view()}
        </ul>
        <button on:click=move |_| set_n.update(|v| *v += 1)>{move || n.get()}</button>
    }
}

#[component]
fn Module() -> impl IntoView {
    let params = use_params_map();
    view! { <p>{move || params.read().get("id").unwrap_or_default()}</p> }
}

fn main() {
    mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "404">
                    <Route path=path!("/") view=Catalog />
                    <Route path=path!("/m/:id") view=Module />
                </Routes>
            </Router>
        }
    })
}
EOF
printf '%-6s %10s %10s %10s %10s\n' app wasm_raw wasm_br js_raw js_br
for variant in base data; do
  features=()
  [ "$variant" = data ] && features=(--features data)
  (cd "$WORK" && cargo build --quiet --offline --release --target wasm32-unknown-unknown "${features[@]}") \
    >"$WORK/build.log" 2>&1 || { echo "$variant: build failed (see $WORK/build.log)"; exit 1; }
  out="$WORK/out-$variant"
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --out-dir "$out" --no-typescript "$WORK/target/wasm32-unknown-unknown/release/floor.wasm"
  wasm-opt -Oz "$out/floor_bg.wasm" -o "$out/opt.wasm"
  printf '%-6s %10d %10d %10d %10d\n' "$variant" \
    "$(stat -c %s "$out/opt.wasm")" "$(brotli -q 11 -c "$out/opt.wasm" | wc -c)" \
    "$(stat -c %s "$out/floor.js")" "$(brotli -q 11 -c "$out/floor.js" | wc -c)"
done
