//! Fuzzes the points-policy parser: any text gives a policy or input errors, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(errors) = seatplan::policy::parse_policy(Path::new("policy.toml"), text) {
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| !e.message.is_empty()));
    }
});
