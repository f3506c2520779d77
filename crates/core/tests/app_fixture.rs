//! The app's browser tests load a compiled scenario (`tests/fixtures/scenario.json` at the
//! workspace root). It is the compiler's output for the valid fixture
//! `tests/fixtures/valid/scenarios/tinh-huong-mau.toml`, byte for byte, so it cannot go stale:
//! when the compiler or the fixture changes, this test fails until it is regenerated with
//!
//! ```text
//! UPDATE_APP_FIXTURE=1 cargo test -p boiduong-core --features compiler --test app_fixture
//! ```
#![cfg(feature = "compiler")]

use std::path::Path;

use boiduong_core::compiler::compile_dir;

const SCENARIO_ID: &str = "tinh-huong-mau";

// Guards a stale app fixture: the browser tests would exercise a content format (or a content
// version hash) the compiler no longer writes.
#[test]
fn the_apps_scenario_fixture_is_the_compilers_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let compiled = compile_dir(&root.join("tests/fixtures/valid")).expect("valid fixtures compile");
    let content = compiled
        .contents
        .iter()
        .find(|c| c.id() == SCENARIO_ID)
        .expect("the sample scenario");
    let json = serde_json::to_string(content).expect("json");
    let path = root.join("../../tests/fixtures/scenario.json");
    if std::env::var_os("UPDATE_APP_FIXTURE").is_some() {
        std::fs::write(&path, &json).expect("write the fixture");
    }
    let on_disk = std::fs::read_to_string(&path).expect("tests/fixtures/scenario.json");
    assert!(
        on_disk == json,
        "tests/fixtures/scenario.json is stale: regenerate it (see this file's doc)"
    );
}
