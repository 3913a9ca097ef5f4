//! The seeded lottery: a child's number depends on the scenario seed and her id, nothing else.

/// SplitMix64 finaliser: a fixed, portable 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The lottery number of a child: a hash of the seed and the child's id, the same on every
/// platform and whatever the order of the input rows.
pub fn lottery_number(seed: u64, child_id: &str) -> u64 {
    let mut h = mix(seed);
    for chunk in child_id.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(word));
    }
    mix(h ^ child_id.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lottery_depends_on_seed_and_id_only() {
        assert_eq!(lottery_number(7, "C0001"), lottery_number(7, "C0001"));
        assert_ne!(lottery_number(7, "C0001"), lottery_number(8, "C0001"));
        assert_ne!(lottery_number(7, "C0001"), lottery_number(7, "C0002"));
        assert_ne!(lottery_number(7, "A"), lottery_number(7, "A\0"));
    }
}
