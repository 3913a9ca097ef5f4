//! Turning a sweep point into a scenario: the base scenario with the point's values applied.
//!
//! Each parameter's value becomes typed [`Edit`]s, applied in parameter order to the base
//! scenario's parts; the result is validated again by [`Scenario::new`]. Changes that draw
//! children at random (demand growth, migrant share) use the point's own seed, so a point's
//! scenario depends only on the base scenario, its values and its seed.

use sha2::{Digest, Sha256};

use super::spec::{Kind, Parameter, Target, Value};
use crate::domain::{ChildIdx, PrivateIdx, SchoolIdx};
use crate::generate::Rng;
use crate::policy::{IndicatorRule, MilliPoints};
use crate::scenario::{Edit, Invalid, Scenario, ScenarioParts};

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

/// The base scenario with one point's values applied, running with `seed`; refused if the
/// values break a rule of a valid scenario (tie rule `keep_ties` with reserved seats, say).
pub fn apply(
    base: &Scenario,
    parameters: &[Parameter],
    point: &[usize],
    seed: u64,
) -> Result<Scenario, Invalid> {
    applied(base, parameters, point, seed).map(|a| a.scenario)
}

/// A point's scenario and the edits that made it from the base.
pub(crate) struct Applied {
    /// The base with the point's edits applied, validated.
    pub scenario: Scenario,
    /// The edits, in the order they were applied (the seed's first).
    pub edits: Vec<Edit>,
}

/// Like [`apply`], keeping the edits (what a point can reuse of the base depends on them).
pub(crate) fn applied(
    base: &Scenario,
    parameters: &[Parameter],
    point: &[usize],
    seed: u64,
) -> Result<Applied, Invalid> {
    let mut sc = base.to_parts();
    let mut problems = Vec::new();
    let mut applied = Vec::new();
    let mut edit = |sc: &mut ScenarioParts, e: Edit| {
        if let Err(p) = sc.apply(&e) {
            problems.push(p);
        }
        applied.push(e);
    };
    edit(&mut sc, Edit::Seed(seed));
    for (param, &v) in parameters.iter().zip(point) {
        for e in edits(&sc, param, &param.values[v], seed) {
            edit(&mut sc, e);
        }
    }
    if !problems.is_empty() {
        return Err(Invalid { problems });
    }
    // Only the rules these edits can break are checked again (the base is valid).
    Ok(Applied {
        scenario: Scenario::revalidated(sc, &applied)?,
        edits: applied,
    })
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

/// The edits one parameter's value makes to the scenario as the earlier parameters left it.
fn edits(sc: &ScenarioParts, param: &Parameter, v: &Value, seed: u64) -> Vec<Edit> {
    match param.kind {
        Kind::SeatsScale => {
            let f = number(v);
            sc.schools
                .iter()
                .enumerate()
                .filter(|(i, school)| match param.target {
                    Target::City => true,
                    Target::District(d) => school.district == d,
                    Target::School(s) => s.ix() == *i,
                    _ => false,
                })
                .map(|(i, school)| {
                    let seats = (f64::from(school.seats) * f).round() as u32;
                    Edit::SchoolSeats {
                        school: SchoolIdx(i as u32),
                        seats,
                        reserved_migrant: ((f64::from(school.reserved_migrant) * f).round() as u32)
                            .min(seats),
                    }
                })
                .collect()
        }
        Kind::Seats => match param.target {
            Target::School(s) => {
                let seats = number(v) as u32;
                let reserved = sc.schools.get(s.ix()).map_or(0, |x| x.reserved_migrant);
                vec![Edit::SchoolSeats {
                    school: s,
                    seats,
                    reserved_migrant: reserved.min(seats),
                }]
            }
            _ => Vec::new(),
        },
        Kind::BudgetYuan => vec![Edit::BudgetYuan(number(v) as u64)],
        Kind::SubsidyYuan => {
            let yuan = number(v) as u64;
            sc.private_schools
                .iter()
                .enumerate()
                .filter(|(i, p)| match param.target {
                    Target::City => true,
                    Target::District(d) => p.district == d,
                    Target::PrivateSchool(q) => q.ix() == *i,
                    _ => false,
                })
                .map(|(i, _)| Edit::SubsidyYuan {
                    school: PrivateIdx(i as u32),
                    yuan,
                })
                .collect()
        }
        Kind::WeightScale => match param.target {
            Target::Indicator(i) => {
                let f = number(v);
                let Some(ind) = sc.policy.indicators.get(i) else {
                    return Vec::new();
                };
                let rule = match &ind.rule {
                    IndicatorRule::PerUnit { per_unit } => IndicatorRule::PerUnit {
                        per_unit: scale_points(*per_unit, f),
                    },
                    IndicatorRule::Brackets(steps) => {
                        let mut steps = steps.clone();
                        for b in &mut steps {
                            b.points = scale_points(b.points, f);
                        }
                        IndicatorRule::Brackets(steps)
                    }
                    IndicatorRule::Category(table) => {
                        let mut table = table.clone();
                        for p in table.values_mut() {
                            *p = scale_points(*p, f);
                        }
                        IndicatorRule::Category(table)
                    }
                };
                vec![Edit::Indicator {
                    indicator: i,
                    rule,
                    cap: ind.cap.map(|cap| scale_points(cap, f)),
                }]
            }
            _ => Vec::new(),
        },
        Kind::TieRule => match v {
            Value::TieRule(r) => vec![Edit::TieRule(*r)],
            Value::Number { .. } => Vec::new(),
        },
        Kind::DemandGrowth => grow_demand(sc, param.target, number(v), seed),
        Kind::MigrantShare => set_migrant_share(sc, param.target, number(v), seed),
    }
}

/// Indices of the children a district-or-city parameter applies to.
fn targeted(sc: &ScenarioParts, target: Target) -> Vec<usize> {
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
fn grow_demand(sc: &ScenarioParts, target: Target, share: f64, seed: u64) -> Vec<Edit> {
    let mut rng = Rng::new(seed ^ 0x6772_6f77_7468);
    let mut pool = targeted(sc, target);
    let n = pool.len();
    let k = (share.abs() * n as f64).round() as usize;
    if k == 0 || n == 0 {
        return Vec::new();
    }
    if share < 0.0 {
        let gone = sample(&mut pool, k, &mut rng);
        vec![Edit::RemoveChildren(
            gone.into_iter().map(|i| ChildIdx(i as u32)).collect(),
        )]
    } else {
        let copies = (1..=k)
            .map(|copy| {
                let source = pool[rng.int(0, (n - 1) as u64) as usize];
                let mut child = sc.children[source].clone();
                child.id = format!("{}~g{copy}", child.id);
                // A copy is another family's child: she applies alone.
                child.sibling_group = None;
                child
            })
            .collect();
        vec![Edit::AddChildren(copies)]
    }
}

/// Turns randomly drawn local applicants into migrant ones (or the reverse) until migrants are
/// `share` of the targeted applicants (rounded).
fn set_migrant_share(sc: &ScenarioParts, target: Target, share: f64, seed: u64) -> Vec<Edit> {
    let mut rng = Rng::new(seed ^ 0x006d_6967_7261_6e74);
    let pool = targeted(sc, target);
    let want = (share * pool.len() as f64).round() as usize;
    let (mut migrants, mut locals): (Vec<usize>, Vec<usize>) =
        pool.into_iter().partition(|&i| sc.children[i].is_migrant());
    let have = migrants.len();
    if want > have {
        sample(&mut locals, want - have, &mut rng)
            .into_iter()
            .map(|i| Edit::Hukou {
                child: ChildIdx(i as u32),
                district: None,
            })
            .collect()
    } else {
        sample(&mut migrants, have - want, &mut rng)
            .into_iter()
            .map(|i| Edit::Hukou {
                child: ChildIdx(i as u32),
                district: Some(sc.children[i].residence_district),
            })
            .collect()
    }
}
