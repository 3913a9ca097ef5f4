//! Result tables and the summary, and writing them atomically.
//!
//! Every file is rendered to bytes first; [`write_dir`] then writes them into a fresh sibling
//! folder and swaps it into place with renames, so a failed or interrupted run leaves either the
//! previous complete output folder or the new complete one. Outputs carry no timings or paths
//! of the machine, so the same scenario and seed give the same bytes.

use serde::Serialize;

use crate::assign::{ComponentStatus, Outcome};
use crate::domain::ChildIdx;
use crate::policy::format_points;
use crate::policy::ranking::Ranking;
use crate::scenario::Scenario;
use crate::seats;
use crate::Solved;

/// Names of the files a run writes.
pub const PLACEMENTS: &str = "placements.csv";
pub const SCHOOLS: &str = "schools.csv";
pub const DISTRICTS: &str = "districts.csv";
pub const SUMMARY: &str = "summary.json";
pub const STATEMENTS: &str = "statements.csv";
pub use crate::report::REPORT;

#[derive(Serialize)]
struct PlacementRow<'a> {
    child: &'a str,
    district: &'a str,
    kind: &'static str,
    school: &'a str,
    school_name: &'a str,
    choice_rank: Option<u8>,
    points: String,
    tier: &'static str,
    distance_km: String,
    cost_yuan: Option<u64>,
    reason: &'static str,
    note: String,
}

/// Why a child is not at a listed school: a code and words.
fn why_not_listed(scenario: &Scenario, ranking: &Ranking, c: ChildIdx) -> (&'static str, String) {
    let child = scenario.child(c);
    if let Some(gate) = &ranking.gate_failure[c.ix()] {
        return (
            "ineligible",
            format!("did not pass the eligibility gates: {gate}"),
        );
    }
    if child.choices.is_empty() {
        return ("no_choices", "the family listed no school".into());
    }
    if child
        .choices
        .iter()
        .all(|&s| ranking.priority(scenario, c, s).is_none())
    {
        return (
            "no_tier_at_choices",
            "the policy's tiers admit the child at none of the listed schools".into(),
        );
    }
    (
        "choices_full",
        "every listed school was filled by children of higher priority".into(),
    )
}

/// The tier a child held where she was placed by choice, else her tier in her own district.
fn tier_name(
    scenario: &Scenario,
    ranking: &Ranking,
    c: ChildIdx,
    outcome: Outcome,
) -> &'static str {
    if !ranking.eligible(c) {
        return "ineligible";
    }
    if let Outcome::Choice { school, .. } = outcome {
        if let Some((_, t)) = ranking.tier_at(scenario, c, school) {
            return t.name();
        }
    }
    scenario
        .policy
        .tiers
        .get(ranking.home_tier[c.ix()] as usize)
        .map_or("none", |t| t.name())
}

/// Renders `placements.csv`: one row per child, sorted by child id.
pub fn placements_csv(scenario: &Scenario, solved: &Solved) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let ranking = &solved.ranking;
    for c in scenario.child_indices() {
        let child = scenario.child(c);
        let outcome = solved.assignment.outcomes[c.ix()];
        let district = &scenario.districts[child.residence_district.ix()].id;
        let km = |at| format!("{:.3}", child.location.distance_km(at));
        let (kind, school, name, rank, dist, cost, reason, note) = match outcome {
            Outcome::Choice { school, rank } => {
                let s = scenario.school(school);
                let reason = if rank == 1 { "first_choice" } else { "choice" };
                (
                    "public",
                    s.id.as_str(),
                    s.name.as_str(),
                    Some(rank),
                    km(s.location),
                    None,
                    reason,
                    format!("admitted to choice {rank}"),
                )
            }
            Outcome::Coordinated { school } => {
                let s = scenario.school(school);
                let (code, why) = why_not_listed(scenario, ranking, c);
                (
                    "public",
                    s.id.as_str(),
                    s.name.as_str(),
                    None,
                    km(s.location),
                    None,
                    code,
                    format!("{why}; coordinated to the nearest public school of the district with a spare seat"),
                )
            }
            Outcome::Purchased { school } => {
                let p = scenario.private_school(school);
                let (code, why) = why_not_listed(scenario, ranking, c);
                let public = if ranking.eligible(c) {
                    "; no public school of the district had a spare seat within reach"
                } else {
                    ""
                };
                (
                    "purchased",
                    p.id.as_str(),
                    p.name.as_str(),
                    None,
                    km(p.location),
                    Some(p.cost_per_seat()),
                    code,
                    format!("{why}{public}; bought a private place (highest priority first; then least total cost and distance)"),
                )
            }
            Outcome::Unplaced { reason } => {
                let (_, why) = why_not_listed(scenario, ranking, c);
                let bought = match reason {
                    crate::assign::UnplacedReason::NoPrivateInReach => {
                        "no private school with purchasable places within reach"
                    }
                    crate::assign::UnplacedReason::PrivateSeatsFull => {
                        "the purchasable places within reach were all taken by children of higher priority"
                    }
                    crate::assign::UnplacedReason::BudgetExhausted => {
                        "the purchase budget left could not pay for a place within reach"
                    }
                };
                (
                    "unplaced",
                    "",
                    "",
                    None,
                    String::new(),
                    None,
                    reason.as_str(),
                    format!("{why}; {bought}"),
                )
            }
        };
        w.serialize(PlacementRow {
            child: &child.id,
            district,
            kind,
            school,
            school_name: name,
            choice_rank: rank,
            points: format_points(match outcome.public_school() {
                Some(s) => ranking.points_at(scenario, c, scenario.school(s).district),
                None => ranking.points[c.ix()],
            }),
            tier: tier_name(scenario, ranking, c, outcome),
            distance_km: dist,
            cost_yuan: cost,
            reason,
            note,
        })
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

#[derive(Serialize)]
struct SchoolRow<'a> {
    school: &'a str,
    name: &'a str,
    kind: &'static str,
    district: &'a str,
    seats: u32,
    filled: u32,
    spare: u32,
    by_choice: u32,
    coordinated: u32,
    applicants: u32,
    first_choice_applicants: u32,
    cutoff_tier: &'static str,
    cutoff_points: String,
    cost_per_seat_yuan: Option<u64>,
}

/// The cut-off of one public school: tier and points of the lowest-priority child it admitted
/// by choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    pub tier: &'static str,
    pub points: crate::policy::MilliPoints,
}

/// Per-school tallies of a run: applicants, admissions and the cut-off.
#[derive(Debug, Clone, Default)]
pub struct SchoolTally {
    pub by_choice: u32,
    pub coordinated: u32,
    pub applicants: u32,
    pub first_choice_applicants: u32,
    pub cutoff: Option<Cutoff>,
}

/// Tallies every public school (indexed by [`crate::domain::SchoolIdx`]) and counts bought
/// places per private school.
pub fn school_tallies(scenario: &Scenario, solved: &Solved) -> (Vec<SchoolTally>, Vec<u32>) {
    let ranking = &solved.ranking;
    let n = scenario.schools.len();
    let mut tallies = vec![SchoolTally::default(); n];
    let mut lowest: Vec<Option<(crate::policy::ranking::Priority, ChildIdx)>> = vec![None; n];
    let mut bought = vec![0u32; scenario.private_schools.len()];
    for c in scenario.child_indices() {
        for (i, s) in scenario.child(c).choices.iter().enumerate() {
            tallies[s.ix()].applicants += 1;
            tallies[s.ix()].first_choice_applicants += u32::from(i == 0);
        }
        match solved.assignment.outcomes[c.ix()] {
            Outcome::Choice { school, .. } => {
                tallies[school.ix()].by_choice += 1;
                if let Some(p) = ranking.priority(scenario, c, school) {
                    let slot = &mut lowest[school.ix()];
                    if slot.is_none_or(|(q, _)| p > q) {
                        *slot = Some((p, c));
                    }
                }
            }
            Outcome::Coordinated { school } => tallies[school.ix()].coordinated += 1,
            Outcome::Purchased { school } => bought[school.ix()] += 1,
            Outcome::Unplaced { .. } => {}
        }
    }
    for s in scenario.school_indices() {
        tallies[s.ix()].cutoff = lowest[s.ix()].map(|(p, c)| Cutoff {
            tier: ranking.school_tiers[s.ix()][p.tier as usize].name(),
            points: ranking.points_at(scenario, c, scenario.school(s).district),
        });
    }
    (tallies, bought)
}

/// Renders `schools.csv`: public schools, then private schools, each sorted by id. The cut-off is
/// the tier and points of the lowest-priority child admitted by choice.
pub fn schools_csv(scenario: &Scenario, solved: &Solved) -> Vec<u8> {
    let (tallies, bought) = school_tallies(scenario, solved);
    let mut w = csv::Writer::from_writer(Vec::new());
    for s in scenario.school_indices() {
        let school = scenario.school(s);
        let t = &tallies[s.ix()];
        let filled = t.by_choice + t.coordinated;
        let (cutoff_tier, cutoff_points) = match t.cutoff {
            Some(c) => (c.tier, format_points(c.points)),
            None => ("", String::new()),
        };
        w.serialize(SchoolRow {
            school: &school.id,
            name: &school.name,
            kind: "public",
            district: &scenario.districts[school.district.ix()].id,
            seats: school.seats,
            filled,
            spare: school.seats.saturating_sub(filled),
            by_choice: t.by_choice,
            coordinated: t.coordinated,
            applicants: t.applicants,
            first_choice_applicants: t.first_choice_applicants,
            cutoff_tier,
            cutoff_points,
            cost_per_seat_yuan: None,
        })
        .expect("writing to memory");
    }
    for p in scenario.private_indices() {
        let ps = scenario.private_school(p);
        w.serialize(SchoolRow {
            school: &ps.id,
            name: &ps.name,
            kind: "private",
            district: &scenario.districts[ps.district.ix()].id,
            seats: ps.purchasable_seats,
            filled: bought[p.ix()],
            spare: ps.purchasable_seats - bought[p.ix()],
            by_choice: 0,
            coordinated: 0,
            applicants: 0,
            first_choice_applicants: 0,
            cutoff_tier: "",
            cutoff_points: String::new(),
            cost_per_seat_yuan: Some(ps.cost_per_seat()),
        })
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Renders `districts.csv`: supply against demand and outcomes per district.
pub fn districts_csv(scenario: &Scenario, solved: &Solved) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in seats::balance(scenario, Some(&solved.assignment.outcomes)) {
        w.serialize(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// The number of choice-stage components that ended in one status.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatusCount {
    pub status: String,
    pub components: usize,
}

/// Counts of a run, as written to `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub scenario: String,
    pub entry_grade: u8,
    pub seed: u64,
    pub policy: String,
    pub tie_rule: &'static str,
    pub mechanism: &'static str,
    pub children: usize,
    pub public_by_choice: usize,
    pub first_choice: usize,
    pub coordinated: usize,
    pub purchased: usize,
    pub unplaced: usize,
    pub ineligible: usize,
    pub public_seats: u64,
    pub purchasable_places: u64,
    pub budget_yuan: u64,
    pub spent_yuan: u64,
    pub components: usize,
    pub components_with_ties: usize,
    pub ip_variables: usize,
    pub proven_optimal: bool,
    /// A proven upper bound on children placed by choice (equal to `public_by_choice` when
    /// optimality is proven).
    pub choice_stage_bound: usize,
    /// How many components ended in each status.
    pub statuses: Vec<StatusCount>,
    pub check_passed: bool,
    pub check_violations: usize,
}

/// Builds the summary of a run.
pub fn summary(scenario: &Scenario, solved: &Solved) -> Summary {
    let outcomes = &solved.assignment.outcomes;
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let public = &solved.assignment.public;
    let mut statuses: Vec<StatusCount> = Vec::new();
    for c in &public.components {
        let name = match &c.status {
            ComponentStatus::IpFailed { message } => format!("{}: {message}", c.status.name()),
            other => other.name().to_string(),
        };
        match statuses.iter_mut().find(|s| s.status == name) {
            Some(s) => s.components += 1,
            None => statuses.push(StatusCount {
                status: name,
                components: 1,
            }),
        }
    }
    statuses.sort();
    Summary {
        scenario: scenario.name.clone(),
        entry_grade: scenario.entry_grade,
        seed: scenario.seed,
        policy: scenario.policy.name.clone(),
        tie_rule: scenario.policy.tie_rule.name(),
        mechanism: public.mechanism.name(),
        children: outcomes.len(),
        public_by_choice: count(|o| matches!(o, Outcome::Choice { .. })),
        first_choice: count(|o| matches!(o, Outcome::Choice { rank: 1, .. })),
        coordinated: count(|o| matches!(o, Outcome::Coordinated { .. })),
        purchased: count(|o| matches!(o, Outcome::Purchased { .. })),
        unplaced: count(|o| matches!(o, Outcome::Unplaced { .. })),
        ineligible: solved
            .ranking
            .gate_failure
            .iter()
            .filter(|g| g.is_some())
            .count(),
        public_seats: scenario.schools.iter().map(|s| u64::from(s.seats)).sum(),
        purchasable_places: scenario
            .private_schools
            .iter()
            .map(|p| u64::from(p.purchasable_seats))
            .sum(),
        budget_yuan: scenario.budget_yuan,
        spent_yuan: solved.assignment.spent_yuan,
        components: public.components.len(),
        components_with_ties: public.components.iter().filter(|c| c.ties).count(),
        ip_variables: public.components.iter().map(|c| c.variables).sum(),
        proven_optimal: public.proven_optimal(),
        choice_stage_bound: public.components.iter().map(|c| c.bound).sum(),
        statuses,
        check_passed: solved.check.passed(),
        check_violations: solved.check.violations.len(),
    }
}

/// Every output file of a run, rendered, with `statements.csv` when asked for.
pub fn render_run(
    scenario: &Scenario,
    solved: &Solved,
    statements: bool,
) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = render(scenario, solved);
    if statements {
        files.push((STATEMENTS, statements_csv(scenario, &solved.ranking)));
    }
    files
}

/// Every output file of a run, rendered: the tables, the summary and `report.html`.
pub fn render(scenario: &Scenario, solved: &Solved) -> Vec<(&'static str, Vec<u8>)> {
    let mut json = serde_json::to_vec_pretty(&summary(scenario, solved)).expect("serialising");
    json.push(b'\n');
    vec![
        (PLACEMENTS, placements_csv(scenario, solved)),
        (SCHOOLS, schools_csv(scenario, solved)),
        (DISTRICTS, districts_csv(scenario, solved)),
        (SUMMARY, json),
        (
            REPORT,
            crate::report::run_report(scenario, solved).into_bytes(),
        ),
    ]
}

pub use crate::atomic_dir::write_dir;

#[derive(Serialize)]
struct StatementRow<'a> {
    child: &'a str,
    section: &'static str,
    item: &'a str,
    value: String,
    raw_points: String,
    points: String,
    note: String,
}

/// Renders `statements.csv`: each child's itemised points at schools of her own district —
/// every indicator with its value, points before and after its cap; the layer totals with their
/// caps; the total — then her tier, her place in the master list and the tie-break values.
pub fn statements_csv(scenario: &Scenario, ranking: &Ranking) -> Vec<u8> {
    let policy = &scenario.policy;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut row = |child: &str,
                   section,
                   item: &str,
                   value: String,
                   raw: Option<i64>,
                   pts: Option<i64>,
                   note: String| {
        w.serialize(StatementRow {
            child,
            section,
            item,
            value,
            raw_points: raw.map(format_points).unwrap_or_default(),
            points: pts.map(format_points).unwrap_or_default(),
            note,
        })
        .expect("writing to memory");
    };
    for c in scenario.child_indices() {
        let child = scenario.child(c);
        let st = policy.statement(child, child.residence_district);
        if let Some(gate) = &ranking.gate_failure[c.ix()] {
            row(
                &child.id,
                "gates",
                "eligibility",
                "failed".into(),
                None,
                None,
                gate.clone(),
            );
        }
        for (ind, item) in policy.indicators.iter().zip(&st.items) {
            let Some(item) = item else { continue };
            let note = match ind.cap {
                Some(cap) if item.raw > cap => format!("capped at {}", format_points(cap)),
                _ => String::new(),
            };
            let section = ind.layer.name();
            row(
                &child.id,
                section,
                &ind.name,
                item.value.clone(),
                Some(item.raw),
                Some(item.points),
                note,
            );
        }
        for (i, layer) in crate::policy::Layer::ALL.iter().enumerate() {
            let note = match policy.layer_caps[i] {
                Some(cap) if st.layers_raw[i] > cap => {
                    format!("layer capped at {}", format_points(cap))
                }
                _ => String::new(),
            };
            row(
                &child.id,
                layer.name(),
                "layer total",
                String::new(),
                Some(st.layers_raw[i]),
                Some(st.layers[i]),
                note,
            );
        }
        row(
            &child.id,
            "total",
            "points",
            String::new(),
            None,
            Some(st.total),
            String::new(),
        );
        let tier = policy.tiers.get(ranking.home_tier[c.ix()] as usize).map_or(
            if ranking.eligible(c) {
                "none"
            } else {
                "ineligible"
            },
            |t| t.name(),
        );
        row(
            &child.id,
            "rank",
            "tier in own district",
            tier.into(),
            None,
            None,
            String::new(),
        );
        let class = ranking
            .class_by_district
            .get(child.residence_district.ix())
            .map_or(ranking.class[c.ix()], |classes| classes[c.ix()]);
        row(
            &child.id,
            "rank",
            "class at her own district's schools",
            (class + 1).to_string(),
            None,
            None,
            "1 = highest points; children sharing a class are tied".into(),
        );
        for key in &policy.tie_keys {
            row(
                &child.id,
                "tie-break",
                key.name(),
                key.display_value(child),
                None,
                None,
                String::new(),
            );
        }
        if policy.tie_rule == crate::policy::TieRule::Lottery {
            row(
                &child.id,
                "tie-break",
                "lottery",
                format!("{:016x}", ranking.lottery[c.ix()]),
                None,
                None,
                "smaller draws first; a hash of the seed and the child id".into(),
            );
        }
    }
    w.into_inner().expect("writing to memory")
}
