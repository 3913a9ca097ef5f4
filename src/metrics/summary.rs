//! The run summary: the counts of a run as `summary.json` holds them, which the report's
//! headline figures and the command line's closing lines also show.

use serde::Serialize;

use super::outcomes::DistrictOutcomes;
use crate::assign::ComponentStatus;
use crate::scenario::Scenario;
use crate::Solved;

/// The number of choice-stage components that ended in one status.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatusCount {
    /// The status's name (with the solver's message when the integer program failed).
    pub status: String,
    /// Components that ended in it.
    pub components: usize,
}

/// Counts of a run, as written to `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// The grade children enter.
    pub entry_grade: u8,
    /// The scenario's seed.
    pub seed: u64,
    /// The policy's name.
    pub policy: String,
    /// The policy's tie rule.
    pub tie_rule: &'static str,
    /// The choice-stage mechanism that ran.
    pub mechanism: &'static str,
    /// Children applying.
    pub children: usize,
    /// Placed in a public school by choice.
    pub public_by_choice: usize,
    /// Placed at their first choice.
    pub first_choice: usize,
    /// Coordinated (统筹) into a public school.
    pub coordinated: usize,
    /// Given a bought private place.
    pub purchased: usize,
    /// Left without a place.
    pub unplaced: usize,
    /// Failed the eligibility gates.
    pub ineligible: usize,
    /// Public seats at the entry grade, city-wide.
    pub public_seats: u64,
    /// Purchasable private places, city-wide.
    pub purchasable_places: u64,
    /// The purchase budget.
    pub budget_yuan: u64,
    /// What the bought places cost.
    pub spent_yuan: u64,
    /// Choice-stage components.
    pub components: usize,
    /// Components in which ties were kept.
    pub components_with_ties: usize,
    /// Integer-program variables over all components.
    pub ip_variables: usize,
    /// Whether every component's placement by choice is proven optimal.
    pub proven_optimal: bool,
    /// A proven upper bound on children placed by choice (equal to `public_by_choice` when
    /// optimality is proven).
    pub choice_stage_bound: usize,
    /// How many components ended in each status.
    pub statuses: Vec<StatusCount>,
    /// Whether the independent check passed.
    pub check_passed: bool,
    /// Violations the independent check found.
    pub check_violations: usize,
}

/// Builds the summary of a run.
pub fn summary(scenario: &Scenario, solved: &Solved) -> Summary {
    let outcomes = DistrictOutcomes::compute(scenario, &solved.assignment.outcomes);
    summary_of(scenario, solved, &outcomes)
}

/// The summary of a run whose district outcomes are already counted (`outcomes` must be
/// `DistrictOutcomes::compute` of this run).
pub(crate) fn summary_of(
    scenario: &Scenario,
    solved: &Solved,
    outcomes: &DistrictOutcomes,
) -> Summary {
    let city = outcomes.city;
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
        children: solved.assignment.outcomes.len(),
        public_by_choice: city.by_choice as usize,
        first_choice: city.first_choice as usize,
        coordinated: city.coordinated as usize,
        purchased: city.purchased as usize,
        unplaced: city.unplaced as usize,
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
