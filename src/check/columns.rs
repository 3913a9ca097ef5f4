//! Every column of a placements file, against what the scenario and the outcomes imply.
//!
//! A `placements.csv` read back from disk ([`crate::placements_file`]) gives one outcome per child
//! — from its `school`, `choice_rank` and, for a child without a place, `reason` columns — which
//! the rules verify. Every other column is derived from that outcome and the scenario, and this
//! module recomputes each one with the checker's own ranking ([`super::priority`]) and compares:
//!
//! | column | expected |
//! |---|---|
//! | `district` | the child's district of residence |
//! | `kind` | `public` (by choice or coordinated), `purchased` or `unplaced` |
//! | `school`, `school_name` | the placed school's id and name; blank without a place |
//! | `choice_rank` | the rank of a choice placement; blank otherwise |
//! | `points` | her points at the placed public school's district, else at her own district's |
//! | `tier` | the tier she holds at the school of a choice placement, else in her own district (`none`, `ineligible`) |
//! | `distance_km` | from home to the placed school (to within the 3 decimals written); blank without a place |
//! | `cost_yuan` | the cost of a bought place; blank otherwise |
//! | `reason`, `note` | the code and the words for why she is where she is |
//!
//! Numbers are compared as numbers (`20` and `20.0` agree), words exactly. A difference is a
//! violation naming the line, the child, the column, the value found and the value expected.

use super::priority::Ranks;
use super::Violations;
use crate::assign::{Outcome, UnplacedReason};
use crate::domain::{ChildIdx, Coordination};
use crate::policy::MilliPoints;
use crate::scenario::Scenario;

/// One row of a placements file as written: the text of every column but `child`, and its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenRow {
    /// The row's physical line in the file (1 is the header).
    pub line: u64,
    /// The `district` column.
    pub district: String,
    /// The `kind` column.
    pub kind: String,
    /// The `school` column.
    pub school: String,
    /// The `school_name` column.
    pub school_name: String,
    /// The `choice_rank` column.
    pub choice_rank: String,
    /// The `points` column.
    pub points: String,
    /// The `tier` column.
    pub tier: String,
    /// The `distance_km` column.
    pub distance_km: String,
    /// The `cost_yuan` column.
    pub cost_yuan: String,
    /// The `reason` column.
    pub reason: String,
    /// The `note` column.
    pub note: String,
}

/// A placements file read back: one outcome and one written row per child of the scenario,
/// indexed like its children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placements {
    /// Each child's outcome, from the row's `school`, `choice_rank` and `reason`.
    pub outcomes: Vec<Outcome>,
    /// Each child's row as written.
    pub rows: Vec<WrittenRow>,
}

/// Compares every column of every row with its expected value.
pub(super) fn check(
    scenario: &Scenario,
    ranks: &Ranks,
    placements: &Placements,
    v: &mut Violations,
) {
    for (c, (&outcome, row)) in scenario
        .child_indices()
        .zip(placements.outcomes.iter().zip(&placements.rows))
    {
        let mut at = Row {
            scenario,
            c,
            row,
            v,
        };
        row_matches(scenario, ranks, c, outcome, &mut at);
    }
}

/// Where a difference is reported: the child, her row, the violations.
struct Row<'a, 'v> {
    scenario: &'a Scenario,
    c: ChildIdx,
    row: &'a WrittenRow,
    v: &'v mut Violations,
}

impl Row<'_, '_> {
    /// Records that `column` holds `found` where `expected` was due.
    fn differs(&mut self, column: &str, found: &str, expected: &str) {
        self.v.push(
            "placement-column",
            format!(
                "line {}: child {}: column `{column}` is {}, expected {}",
                self.row.line,
                self.scenario.child(self.c).id,
                shown(found),
                shown(expected)
            ),
        );
    }

    /// A word column: equal text.
    fn text(&mut self, column: &str, found: &str, expected: &str) {
        if found != expected {
            self.differs(column, found, expected);
        }
    }
}

/// Checks one child's row.
fn row_matches(scenario: &Scenario, ranks: &Ranks, c: ChildIdx, outcome: Outcome, at: &mut Row) {
    let child = scenario.child(c);
    let row = at.row;
    let district = scenario
        .districts
        .get(child.residence_district.ix())
        .map_or("", |d| d.id.as_str());
    at.text("district", &row.district, district);

    let (kind, school, name, rank, km, cost) = match outcome {
        Outcome::Choice { school, rank } => {
            let s = scenario.school(school);
            let km = child.location.distance_km(s.location);
            (
                "public",
                s.id.as_str(),
                s.name.as_str(),
                Some(rank),
                Some(km),
                None,
            )
        }
        Outcome::Coordinated { school } => {
            let s = scenario.school(school);
            let km = child.location.distance_km(s.location);
            (
                "public",
                s.id.as_str(),
                s.name.as_str(),
                None,
                Some(km),
                None,
            )
        }
        Outcome::Purchased { school } => {
            let p = scenario.private_school(school);
            let km = child.location.distance_km(p.location);
            let cost = Some(p.cost_per_seat());
            (
                "purchased",
                p.id.as_str(),
                p.name.as_str(),
                None,
                Some(km),
                cost,
            )
        }
        Outcome::Unplaced { .. } => ("unplaced", "", "", None, None, None),
    };
    at.text("kind", &row.kind, kind);
    at.text("school", &row.school, school);
    at.text("school_name", &row.school_name, name);

    let found_rank = row.choice_rank.trim();
    let rank_agrees = match rank {
        Some(r) => found_rank.parse::<u8>() == Ok(r),
        None => found_rank.is_empty(),
    };
    if !rank_agrees {
        let expected = rank.map_or(String::new(), |r| r.to_string());
        at.differs("choice_rank", &row.choice_rank, &expected);
    }

    let points = match outcome.public_school() {
        Some(s) => ranks.points_at(c, scenario.school(s).district),
        None => ranks.home_points(c),
    };
    if parse_points(&row.points) != Some(points) {
        at.differs("points", &row.points, &show_points(points));
    }

    at.text("tier", &row.tier, tier(ranks, c, outcome));

    let distance_agrees = match (km, row.distance_km.trim()) {
        (None, found) => found.is_empty(),
        // Written with three decimals: equal to within half a metre.
        (Some(d), found) => found
            .parse::<f64>()
            .is_ok_and(|f| f.is_finite() && (f - d).abs() <= 0.0005 + 1e-9),
    };
    if !distance_agrees {
        let expected = km.map_or(String::new(), |d| format!("{d:.3}"));
        at.differs("distance_km", &row.distance_km, &expected);
    }

    let found_cost = row.cost_yuan.trim();
    let cost_agrees = match cost {
        Some(yuan) => found_cost.parse::<u64>() == Ok(yuan),
        None => found_cost.is_empty(),
    };
    if !cost_agrees {
        let expected = cost.map_or(String::new(), |y| y.to_string());
        at.differs("cost_yuan", &row.cost_yuan, &expected);
    }

    let (reason, note) = reason_and_note(scenario, ranks, c, outcome);
    at.text("reason", &row.reason, reason);
    at.text("note", &row.note, &note);
}

/// The `tier` column: the tier held at the school of a choice placement, else in her own
/// district; `none` if no tier applies, `ineligible` if she failed the gates.
fn tier(ranks: &Ranks, c: ChildIdx, outcome: Outcome) -> &'static str {
    if !ranks.eligible(c) {
        return "ineligible";
    }
    if let Outcome::Choice { school, .. } = outcome {
        if let Some((_, t)) = ranks.tier_at(c, school) {
            return t.name();
        }
    }
    ranks.home_tier(c).map_or("none", |(_, t)| t.name())
}

/// Why a child is not at any school she listed: a code and its words.
fn not_at_a_choice(scenario: &Scenario, ranks: &Ranks, c: ChildIdx) -> (&'static str, String) {
    if let Some(gates) = ranks.gate_failure(c) {
        return (
            "ineligible",
            format!("did not pass the eligibility gates: {gates}"),
        );
    }
    let choices = &scenario.child(c).choices;
    if choices.is_empty() {
        return ("no_choices", "the family listed no school".into());
    }
    if choices.iter().all(|&s| ranks.tier_at(c, s).is_none()) {
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

/// The `reason` code and the `note` words for the child's outcome.
fn reason_and_note(
    scenario: &Scenario,
    ranks: &Ranks,
    c: ChildIdx,
    outcome: Outcome,
) -> (&'static str, String) {
    match outcome {
        Outcome::Choice { rank: 1, .. } => ("first_choice", "admitted to choice 1".into()),
        Outcome::Choice { rank, .. } => ("choice", format!("admitted to choice {rank}")),
        Outcome::Coordinated { .. } => {
            let (code, why) = not_at_a_choice(scenario, ranks, c);
            let placed = match scenario.fallback.coordination {
                Coordination::District | Coordination::Off => {
                    "coordinated to the nearest public school of the district with a spare seat"
                }
                Coordination::CatchmentFirst => "coordinated to the nearest school of the catchment with a spare seat, else of the district",
                Coordination::Nearest => {
                    "coordinated to the nearest public school of the city with a spare seat"
                }
            };
            (code, format!("{why}; {placed}"))
        }
        Outcome::Purchased { .. } => {
            let (code, why) = not_at_a_choice(scenario, ranks, c);
            let no_public = if !ranks.eligible(c) {
                ""
            } else if scenario.fallback.coordination == Coordination::Off {
                "; the bureau coordinates no one"
            } else if scenario.fallback.coordination == Coordination::Nearest {
                "; no public school had a spare seat within reach"
            } else {
                "; no public school of the district had a spare seat within reach"
            };
            let bought =
                "bought a private place (highest priority first; then least total cost and distance)";
            (code, format!("{why}{no_public}; {bought}"))
        }
        Outcome::Unplaced { reason } => {
            let (_, why) = not_at_a_choice(scenario, ranks, c);
            let left = match reason {
                UnplacedReason::NoPrivateInReach => {
                    "no private school with purchasable places within reach"
                }
                UnplacedReason::PrivateSeatsFull => {
                    "the purchasable places within reach were all taken by children of higher priority"
                }
                UnplacedReason::BudgetExhausted => {
                    "the purchase budget left could not pay for a place within reach"
                }
            };
            (reason.as_str(), format!("{why}; {left}"))
        }
    }
}

/// Reads points as written (`12.5`, `-0.25`, `20`): milli-points, or `None` if it is not such a
/// number (at most three decimals).
pub(super) fn parse_points(text: &str) -> Option<MilliPoints> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (t.contains('.') && !digits(frac)) || frac.len() > 3 {
        return None;
    }
    let whole: MilliPoints = whole.parse().ok()?;
    let frac: MilliPoints = format!("{frac:0<3}").parse().ok()?;
    let milli = whole.checked_mul(1000)?.checked_add(frac)?;
    Some(if negative { -milli } else { milli })
}

/// Milli-points written as a decimal number of points, without trailing zeros.
pub(super) fn show_points(milli: MilliPoints) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let frac = format!("{:03}", m % 1000);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{}", m / 1000)
    } else {
        format!("{sign}{}.{frac}", m / 1000)
    }
}

/// A value for a message: backticked, control characters escaped, cut after 60 characters;
/// `blank` when empty.
fn shown(value: &str) -> String {
    if value.is_empty() {
        return "blank".into();
    }
    let mut out = String::from("`");
    for (i, ch) in value.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if ch.is_control() {
            out.extend(ch.escape_unicode());
        } else {
            out.push(ch);
        }
    }
    out.push('`');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_read_and_written_as_decimals() {
        for (text, milli) in [
            ("20", 20_000),
            ("12.5", 12_500),
            ("-0.25", -250),
            ("0.001", 1),
        ] {
            assert_eq!(parse_points(text), Some(milli), "{text}");
            assert_eq!(show_points(milli), text);
        }
        assert_eq!(parse_points("20.0"), Some(20_000));
        for bad in ["", "-", "1.", ".5", "1.2345", "1e3", "x", "0x10"] {
            assert_eq!(parse_points(bad), None, "{bad}");
        }
    }

    #[test]
    fn shown_values_are_bounded_and_escaped() {
        assert_eq!(shown(""), "blank");
        assert_eq!(shown("a\u{1b}[2J"), "`a\\u{1b}[2J`");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 63);
    }
}
