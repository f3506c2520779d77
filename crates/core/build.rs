//! Hashes the crate's sources into `BOIDUONG_CORE_SOURCE`: the trainer's cached class
//! snapshots (`review::snapshot`) name the build of the rules that made them, so a portal
//! with other rules rebuilds them from the statements instead of showing old figures.

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    all.sort();
    // FNV-1a, 64 bits: enough to tell builds apart (not a security boundary: the snapshot is
    // sealed with the trainer's key).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &all {
        let name = path.to_string_lossy().replace('\\', "/");
        for b in name
            .bytes()
            .chain([0])
            .chain(fs::read(path).unwrap_or_default())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=BOIDUONG_CORE_SOURCE={h:016x}");
}
