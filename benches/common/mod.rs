//! Helpers shared by the benchmarks.

use std::path::Path;

/// The median of a finished criterion benchmark, in nanoseconds, read from its estimates.
pub fn median_ns(group: &str, name: &str) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = target
        .join("criterion")
        .join(group)
        .join(name)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}
