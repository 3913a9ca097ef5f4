//! Choosing capacity expansions by integer programming.
//!
//! For every district `d` and projection year `t`, the children expected to apply, `D[d,t]`,
//! meet public seats `S[d]` plus the seats of the chosen expansions. Variables: units `u[k]`
//! (integer, `min_units[k]·b[k] ≤ u[k] ≤ max_units[k]·b[k]`), built `b[k]` (binary), shortfall
//! `short[d,t] ≥ D[d,t] − S[d] − Σ_{k in d} seats[k]·u[k]`, and bought places `buy[d,t,p] ≤
//! places[p]` at each private school `p` of `d` with `Σ_p buy[d,t,p] ≤ short[d,t]`. The capital
//! spent `Σ fixed[k]·b[k] + cost[k]·u[k]` stays within the budget. Three objectives are
//! minimised in turn, each stage keeping the optimum of the one before:
//! 1. projected unplaced children `Σ (short − Σ_p buy)`;
//! 2. the cost of bought places `Σ cost[p]·buy`;
//! 3. the capital spent.
//!
//! The model is small (candidates + districts × years × private schools), so it is solved
//! exactly with the default backend.

use good_lp::{variable, Expression, ProblemVariables, Solution, SolverModel, Variable};
use serde::Serialize;

use super::Candidate;
use crate::error::PlanError;
use crate::scenario::Scenario;

/// One district in one projection year, before and after the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictYear {
    pub district: String,
    pub year: u32,
    pub projected_applicants: u64,
    pub public_seats_before: u64,
    pub public_seats_after: u64,
    pub purchasable_places: u64,
    pub unplaced_before: u64,
    pub purchased_before: u64,
    pub purchase_cost_before_yuan: u64,
    pub unplaced_after: u64,
    pub purchased_after: u64,
    pub purchase_cost_after_yuan: u64,
}

/// A chosen expansion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chosen {
    pub candidate: String,
    pub district: String,
    /// The school gaining classes, or empty for a new school.
    pub school: String,
    pub name: String,
    pub units: u32,
    pub seats_added: u64,
    pub cost_yuan: u64,
}

/// The result of planning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The capital budget planned against, in yuan.
    pub capital_budget_yuan: u64,
    /// Capital the chosen expansions cost, in yuan (at most the budget).
    pub capital_spent_yuan: u64,
    /// Projection years after this one that were planned for (0 = this year only).
    pub years: u32,
    /// The expansions chosen, in the order of the candidates.
    pub chosen: Vec<Chosen>,
    /// Children left without a public seat or bought place, summed over districts and years,
    /// without the expansions.
    pub unplaced_before: u64,
    /// The same with the chosen expansions built.
    pub unplaced_after: u64,
    /// Cost of the places bought, summed over districts and years, without the expansions, in yuan.
    pub purchase_cost_before_yuan: u64,
    /// The same with the chosen expansions built, in yuan.
    pub purchase_cost_after_yuan: u64,
    /// Supply and demand per district and projection year, before and after the expansions.
    #[serde(skip)]
    pub balance: Vec<DistrictYear>,
    /// Units per candidate, in the order of the candidates given.
    #[serde(skip)]
    pub units: Vec<u32>,
}

/// Unplaced children, places bought and their cost when `short` children lack a public seat
/// and the district's private places (cost, count) are bought cheapest first.
fn fill(short: u64, places: &[(u64, u64)]) -> (u64, u64, u64) {
    let (mut left, mut bought, mut cost) = (short, 0, 0);
    for &(price, n) in places {
        let k = left.min(n);
        left -= k;
        bought += k;
        cost += k * price;
    }
    (left, bought, cost)
}

/// Chooses expansions within `capital_budget_yuan` over projection years `0..=years`.
pub fn plan(
    scenario: &Scenario,
    candidates: &[Candidate],
    capital_budget_yuan: u64,
    years: u32,
) -> Result<Plan, PlanError> {
    let n_d = scenario.districts.len();
    let mut seats = vec![0u64; n_d];
    for s in &scenario.schools {
        seats[s.district.ix()] += u64::from(s.seats);
    }
    // Private places per district, cheapest first (ties by id, already sorted).
    let mut places: Vec<Vec<(u64, u64)>> = vec![Vec::new(); n_d];
    for p in &scenario.private_schools {
        places[p.district.ix()].push((p.cost_per_seat(), u64::from(p.purchasable_seats)));
    }
    for list in &mut places {
        list.sort_by_key(|&(price, _)| price);
    }
    let demand: Vec<Vec<u64>> = scenario
        .districts
        .iter()
        .map(|d| (0..=years).map(|t| d.projected_applicants(t)).collect())
        .collect();

    let units = if candidates.is_empty() {
        Vec::new()
    } else {
        solve(candidates, capital_budget_yuan, &seats, &places, &demand)?
    };

    let mut added = vec![0u64; n_d];
    let mut chosen = Vec::new();
    let mut spent = 0;
    for (c, &u) in candidates.iter().zip(&units) {
        if u == 0 {
            continue;
        }
        let cost = c.fixed_cost_yuan + c.cost_per_unit_yuan * u64::from(u);
        spent += cost;
        added[c.district.ix()] += u64::from(c.seats_per_unit) * u64::from(u);
        chosen.push(Chosen {
            candidate: c.id.clone(),
            district: scenario.districts[c.district.ix()].id.clone(),
            school: c
                .school
                .map_or(String::new(), |s| scenario.school(s).id.clone()),
            name: c.name.clone(),
            units: u,
            seats_added: u64::from(c.seats_per_unit) * u64::from(u),
            cost_yuan: cost,
        });
    }
    let mut balance = Vec::new();
    for (d, district) in scenario.districts.iter().enumerate() {
        for t in 0..=years {
            let want = demand[d][t as usize];
            let purchasable = places[d].iter().map(|&(_, n)| n).sum();
            let (ub, pb, cb) = fill(want.saturating_sub(seats[d]), &places[d]);
            let (ua, pa, ca) = fill(want.saturating_sub(seats[d] + added[d]), &places[d]);
            balance.push(DistrictYear {
                district: district.id.clone(),
                year: t,
                projected_applicants: want,
                public_seats_before: seats[d],
                public_seats_after: seats[d] + added[d],
                purchasable_places: purchasable,
                unplaced_before: ub,
                purchased_before: pb,
                purchase_cost_before_yuan: cb,
                unplaced_after: ua,
                purchased_after: pa,
                purchase_cost_after_yuan: ca,
            });
        }
    }
    let sum = |f: fn(&DistrictYear) -> u64| balance.iter().map(f).sum();
    Ok(Plan {
        capital_budget_yuan,
        capital_spent_yuan: spent,
        years,
        chosen,
        unplaced_before: sum(|b| b.unplaced_before),
        unplaced_after: sum(|b| b.unplaced_after),
        purchase_cost_before_yuan: sum(|b| b.purchase_cost_before_yuan),
        purchase_cost_after_yuan: sum(|b| b.purchase_cost_after_yuan),
        balance,
        units: if units.is_empty() {
            vec![0; candidates.len()]
        } else {
            units
        },
    })
}

/// One district in one year: its index, the year, the shortfall variable and the bought-place
/// variables with their prices.
type Cell = (usize, usize, Variable, Vec<(Variable, u64)>);

struct Model {
    vars: ProblemVariables,
    u: Vec<Variable>,
    b: Vec<Variable>,
    cells: Vec<Cell>,
}

fn declare(candidates: &[Candidate], places: &[Vec<(u64, u64)>], demand: &[Vec<u64>]) -> Model {
    let mut vars = ProblemVariables::new();
    let u = candidates
        .iter()
        .map(|c| vars.add(variable().integer().min(0).max(c.max_units as f64)))
        .collect();
    let b = candidates
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    let mut cells = Vec::new();
    for (d, years) in demand.iter().enumerate() {
        for (t, &want) in years.iter().enumerate() {
            let short = vars.add(variable().min(0).max(want as f64));
            let buys = places[d]
                .iter()
                .map(|&(price, n)| (vars.add(variable().min(0).max(n as f64)), price))
                .collect();
            cells.push((d, t, short, buys));
        }
    }
    Model { vars, u, b, cells }
}

/// The three objectives as expressions over a model's variables.
fn objectives(m: &Model, candidates: &[Candidate]) -> [Expression; 3] {
    let mut unplaced = Expression::default();
    let mut purchase = Expression::default();
    for (_, _, short, buys) in &m.cells {
        unplaced += *short;
        for &(v, price) in buys {
            unplaced -= v;
            purchase += price as f64 * v;
        }
    }
    let capital: Expression = candidates
        .iter()
        .enumerate()
        .map(|(k, c)| c.fixed_cost_yuan as f64 * m.b[k] + c.cost_per_unit_yuan as f64 * m.u[k])
        .sum();
    [unplaced, purchase, capital]
}

fn solve(
    candidates: &[Candidate],
    budget: u64,
    seats: &[u64],
    places: &[Vec<(u64, u64)>],
    demand: &[Vec<u64>],
) -> Result<Vec<u32>, PlanError> {
    let mut bounds: Vec<f64> = Vec::new();
    let mut units = Vec::new();
    for stage in 0..3 {
        let m = declare(candidates, places, demand);
        let goals = objectives(&m, candidates);
        let Model { vars, u, b, cells } = m;
        let mut model = vars
            .minimise(goals[stage].clone())
            .using(good_lp::default_solver);
        for (k, c) in candidates.iter().enumerate() {
            model.add_constraint((u[k] - c.max_units as f64 * b[k]).leq(0.0));
            model.add_constraint((u[k] - c.min_units as f64 * b[k]).geq(0.0));
        }
        model.add_constraint(goals[2].clone().leq(budget as f64));
        for (d, t, short, buys) in &cells {
            let added: Expression = candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.district.ix() == *d)
                .map(|(k, c)| c.seats_per_unit as f64 * u[k])
                .sum();
            let want = demand[*d][*t] as f64 - seats[*d] as f64;
            model.add_constraint((Expression::from(*short) + added).geq(want));
            let bought: Expression = buys.iter().map(|&(v, _)| v).sum();
            model.add_constraint((bought - *short).leq(0.0));
        }
        // Keep the optimum of every earlier stage (all objectives are integral).
        for (goal, &best) in goals.iter().zip(&bounds) {
            model.add_constraint(goal.clone().leq(best + 0.5));
        }
        let solution = model.solve().map_err(|source| PlanError {
            stage: stage + 1,
            source,
        })?;
        bounds.push(solution.eval(&goals[stage]).round());
        units = u
            .iter()
            .map(|&v| solution.value(v).round() as u32)
            .collect();
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn bought_places_are_filled_cheapest_first() {
        assert_eq!(
            fill(10, &[(5000, 4), (6000, 3)]),
            (3, 7, 4 * 5000 + 3 * 6000)
        );
        assert_eq!(fill(2, &[(5000, 4)]), (0, 2, 10_000));
        assert_eq!(fill(0, &[]), (0, 0, 0));
    }
}
