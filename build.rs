//! Gives the program an identity for the build cache (`pipeline::cache`): a hash of
//! everything psirt-site is built from (its sources, built-in theme and locked
//! dependencies). Two builds of the same sources share it, so a CI that compiles
//! psirt-site on every run still finds its cache; any change to the code gives another
//! identity, and the cache of the old program is not used.

use std::hash::{Hash, Hasher};
use std::path::Path;

const INPUTS: [&str; 4] = ["src", "themes", "Cargo.toml", "Cargo.lock"];

fn main() {
    // The same hash on every run of the same files (fixed keys); only equality matters.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for input in INPUTS {
        println!("cargo::rerun-if-changed={input}");
        hash_path(Path::new(input), &mut hasher);
    }
    println!("cargo::rustc-env=PSIRT_SITE_SOURCE_ID={:016x}", hasher.finish());
}

/// Hashes a file's path and bytes, or every file below a folder in name order.
fn hash_path(path: &Path, hasher: &mut impl Hasher) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map(|dir| dir.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            hash_path(&entry, hasher);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        path.to_string_lossy().hash(hasher);
        bytes.hash(hasher);
    }
}
