//! Turning a sweep point into a scenario: the base scenario with the point's values applied.
//!
//! Changes that draw children at random (demand growth, migrant share) use the point's own seed,
//! so a point's scenario depends only on the base scenario, its values and its seed.

use sha2::{Digest, Sha256};

use super::spec::{Kind, Parameter, Target, Value};
use crate::scenario::Scenario;
use crate::generate::Rng;
use crate::policy::{IndicatorRule, MilliPoints};

/// The seed of a point: the first eight bytes of SHA-256 over the base seed and the key.
pub fn derived_seed(base_seed: u64, key: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(b"seatplan sweep point\0");
    h.update(base_seed.to_le_bytes());
    h.update(key.as_bytes());
    let digest = h.finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("eight bytes"))
}

/// The key of a point: `id=value` for every parameter, joined by `;` (empty without parameters).
pub fn point_key(parameters: &[Parameter], point: &[usize]) -> String {
    parameters
        .iter()
        .zip(point)
        .map(|(p, &v)| format!("{}={}", p.id, p.values[v].text()))
        .collect::<Vec<_>>()
        .join(";")
}

/// The base scenario with one point's values applied, running with `seed`.
pub fn apply(base: &Scenario, parameters: &[Parameter], point: &[usize], seed: u64) -> Scenario {
    let mut sc = base.clone();
    sc.seed = seed;
    for (param, &v) in parameters.iter().zip(point) {
        apply_one(&mut sc, param, &param.values[v], seed);
    }
    sc
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Number { value, .. } => *value,
        Value::TieRule(_) => unreachable!("validated: only tie_rule takes words"),
    }
}

fn scale_points(p: MilliPoints, factor: f64) -> MilliPoints {
    (p as f64 * factor).round() as MilliPoints
}

fn apply_one(sc: &mut Scenario, param: &Parameter, v: &Value, seed: u64) {
    match param.kind {
        Kind::SeatsScale => {
            let f = number(v);
            for (i, school) in sc.schools.iter_mut().enumerate() {
                let hit = match param.target {
                    Target::City => true,
                    Target::District(d) => school.district == d,
                    Target::School(s) => s.ix() == i,
                    _ => false,
                };
                if hit {
                    school.seats = (f64::from(school.seats) * f).round() as u32;
                    school.reserved_migrant =
                        ((f64::from(school.reserved_migrant) * f).round() as u32).min(school.seats);
                }
            }
        }
        Kind::Seats => {
            if let Target::School(s) = param.target {
                let school = &mut sc.schools[s.ix()];
                school.seats = number(v) as u32;
                school.reserved_migrant = school.reserved_migrant.min(school.seats);
            }
        }
        Kind::BudgetYuan => sc.budget_yuan = number(v) as u64,
        Kind::SubsidyYuan => {
            let yuan = number(v) as u64;
            for (i, p) in sc.private_schools.iter_mut().enumerate() {
                let hit = match param.target {
                    Target::City => true,
                    Target::District(d) => p.district == d,
                    Target::PrivateSchool(q) => q.ix() == i,
                    _ => false,
                };
                if hit {
                    p.subsidy_yuan = yuan;
                }
            }
        }
        Kind::WeightScale => {
            if let Target::Indicator(i) = param.target {
                let f = number(v);
                let ind = &mut sc.policy.indicators[i];
                match &mut ind.rule {
                    IndicatorRule::PerUnit { per_unit } => *per_unit = scale_points(*per_unit, f),
                    IndicatorRule::Brackets(steps) => {
                        for b in steps {
                            b.points = scale_points(b.points, f);
                        }
                    }
                    IndicatorRule::Category(table) => {
                        for p in table.values_mut() {
                            *p = scale_points(*p, f);
                        }
                    }
                }
                if let Some(cap) = &mut ind.cap {
                    *cap = scale_points(*cap, f);
                }
            }
        }
        Kind::TieRule => {
            if let Value::TieRule(r) = v {
                sc.policy.tie_rule = *r;
            }
        }
        Kind::DemandGrowth => grow_demand(sc, param.target, number(v), seed),
        Kind::MigrantShare => set_migrant_share(sc, param.target, number(v), seed),
    }
}

/// Indices of the children a district-or-city parameter applies to.
fn targeted(sc: &Scenario, target: Target) -> Vec<usize> {
    (0..sc.children.len())
        .filter(|&i| match target {
            Target::District(d) => sc.children[i].residence_district == d,
            _ => true,
        })
        .collect()
}

/// Picks `k` of `pool` uniformly without replacement (a partial Fisher–Yates shuffle).
fn sample(pool: &mut [usize], k: usize, rng: &mut Rng) -> Vec<usize> {
    let k = k.min(pool.len());
    for i in 0..k {
        let j = rng.int(i as u64, (pool.len() - 1) as u64) as usize;
        pool.swap(i, j);
    }
    let mut picked = pool[..k].to_vec();
    picked.sort_unstable();
    picked
}

/// Adds `share × n` copies of randomly drawn applicants (ids `<id>~g<k>`, applying alone), or
/// removes `−share × n` randomly drawn applicants when `share` is negative (a sibling left
/// alone then applies alone).
fn grow_demand(sc: &mut Scenario, target: Target, share: f64, seed: u64) {
    let mut rng = Rng::new(seed ^ 0x6772_6f77_7468);
    let mut pool = targeted(sc, target);
    let n = pool.len();
    let k = (share.abs() * n as f64).round() as usize;
    if k == 0 || n == 0 {
        return;
    }
    if share < 0.0 {
        let mut drop = vec![false; sc.children.len()];
        for i in sample(&mut pool, k, &mut rng) {
            drop[i] = true;
        }
        let mut i = 0;
        sc.children.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
        // A sibling left alone no longer applies jointly.
        let mut members: std::collections::BTreeMap<u32, usize> = Default::default();
        for g in sc.children.iter().filter_map(|c| c.sibling_group) {
            *members.entry(g).or_default() += 1;
        }
        for c in &mut sc.children {
            if c.sibling_group.is_some_and(|g| members[&g] < 2) {
                c.sibling_group = None;
            }
        }
    } else {
        for copy in 1..=k {
            let source = pool[rng.int(0, (n - 1) as u64) as usize];
            let mut child = sc.children[source].clone();
            child.id = format!("{}~g{copy}", child.id);
            // A copy is another family's child: she applies alone.
            child.sibling_group = None;
            sc.children.push(child);
        }
        sc.children.sort_by(|a, b| a.id.cmp(&b.id));
    }
}

/// Turns randomly drawn local applicants into migrant ones (or the reverse) until migrants are
/// `share` of the targeted applicants (rounded).
fn set_migrant_share(sc: &mut Scenario, target: Target, share: f64, seed: u64) {
    let mut rng = Rng::new(seed ^ 0x006d_6967_7261_6e74);
    let pool = targeted(sc, target);
    let want = (share * pool.len() as f64).round() as usize;
    let (mut migrants, mut locals): (Vec<usize>, Vec<usize>) =
        pool.into_iter().partition(|&i| sc.children[i].is_migrant());
    let have = migrants.len();
    if want > have {
        for i in sample(&mut locals, want - have, &mut rng) {
            sc.children[i].hukou_district = None;
        }
    } else {
        for i in sample(&mut migrants, have - want, &mut rng) {
            let c = &mut sc.children[i];
            c.hukou_district = Some(c.residence_district);
        }
    }
}
