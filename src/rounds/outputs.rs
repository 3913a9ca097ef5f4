//! A round's outputs: the first round's tables for the state after the round (`placements.csv`,
//! `schools.csv`, `districts.csv`, `summary.json`, `waitlists.csv`, in the same formats), and
//! `moves.csv` (who declined, moved, was newly placed or arrived late: from where to where, and
//! why), `round.json` (the round's counts and its checker's verdict) and `report.html` with a
//! section on the round.

use serde::Serialize;

use super::Round;
use crate::report::REPORT;

/// Name of the moves table.
pub const MOVES: &str = "moves.csv";
/// Name of the round's summary.
pub const ROUND_JSON: &str = "round.json";

#[derive(Serialize)]
struct MoveRow<'a> {
    child: &'a str,
    from: &'a str,
    to: &'a str,
    kind: &'static str,
    why: &'a str,
}

/// The round's counts, as `round.json` holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    /// The round's number.
    pub round: u32,
    /// Whether the fewest moves were chosen (else the child-optimal reallocation).
    pub fewest_moves: bool,
    /// Children who declined.
    pub declined: usize,
    /// Late applicants.
    pub late_applicants: usize,
    /// Late applicants placed in a public school.
    pub late_placed_public: usize,
    /// Schools whose seats changed.
    pub seat_changes: usize,
    /// Children who held a place and moved to one they ranked higher.
    pub moved_up: usize,
    /// Children without a place before who have one now.
    pub newly_placed: usize,
    /// Whether the round's independent check passed.
    pub check_passed: bool,
    /// The check's violations, in words.
    pub violations: Vec<String>,
}

/// The round's counts.
pub fn summary(round: &Round) -> RoundSummary {
    let outcomes = &round.solved.assignment.outcomes;
    RoundSummary {
        round: round.number,
        fewest_moves: round.fewest_moves,
        declined: round.declined,
        late_applicants: round.late,
        late_placed_public: round
            .previous
            .iter()
            .zip(outcomes)
            .filter(|(p, o)| p.is_none() && o.public_school().is_some())
            .count(),
        seat_changes: round.seat_changes,
        moved_up: round.moved(),
        newly_placed: round
            .moves
            .iter()
            .filter(|m| m.kind == super::MoveKind::Placed)
            .count(),
        check_passed: round.solved.check.passed(),
        violations: round
            .solved
            .check
            .violations
            .iter()
            .map(|v| format!("{}: {}", v.rule, v.message))
            .collect(),
    }
}

/// Renders `moves.csv`, by child id (a header even when nothing moved).
pub fn moves_csv(round: &Round) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(["child", "from", "to", "kind", "why"])
        .expect("writing to memory");
    for m in &round.moves {
        w.serialize(MoveRow {
            child: &m.child,
            from: &m.from,
            to: &m.to,
            kind: m.kind.as_str(),
            why: &m.why,
        })
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A school of the round by its name and id (`First Primary (S1)`), as a family reads it; empty
/// stays empty.
fn named(round: &Round, id: &str) -> String {
    let sc = &round.scenario;
    let name = sc
        .schools
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.as_str())
        .or_else(|| {
            sc.private_schools
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.name.as_str())
        });
    match name {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    }
}

/// The report's section on the round: its counts and the table of moves.
pub fn report_section(round: &Round) -> String {
    let s = summary(round);
    let mut h = format!(
        "<section id=\"round\">\n<h2>Round {} (later round 补录)</h2>\n<p>{} declined, {} late applicant(s) ({} placed in a public school), {} seat change(s); {} child(ren) moved up, {} newly placed; nobody placed earlier lost a place or moved to a school she likes less{}.</p>\n",
        s.round,
        s.declined,
        s.late_applicants,
        s.late_placed_public,
        s.seat_changes,
        s.moved_up,
        s.newly_placed,
        if s.fewest_moves {
            " (the fewest moves were chosen)"
        } else {
            ""
        }
    );
    h.push_str(if s.check_passed {
        "<p>Independent check of the round: passed.</p>\n"
    } else {
        "<p><strong>Independent check of the round: FAILED</strong> (see round.json).</p>\n"
    });
    h.push_str("<table>\n<thead><tr><th>child</th><th>from</th><th>to</th><th>what</th><th>why</th></tr></thead>\n<tbody>\n");
    for m in &round.moves {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&m.child),
            escape(&named(round, &m.from)),
            escape(&named(round, &m.to)),
            m.kind.as_str(),
            escape(&m.why)
        ));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    h
}

/// Every output file of a round, rendered (the manifest is added by the writer).
pub fn render(round: &Round) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = crate::run_outputs::render_run(&round.scenario, &round.solved, false);
    for (name, bytes) in &mut files {
        if *name == REPORT {
            let page = String::from_utf8(std::mem::take(bytes)).expect("the report is UTF-8");
            let at = page.rfind("</body>").unwrap_or(page.len());
            *bytes =
                format!("{}{}{}", &page[..at], report_section(round), &page[at..]).into_bytes();
        }
    }
    files.push((MOVES, moves_csv(round)));
    let mut json = serde_json::to_vec_pretty(&summary(round)).expect("serialising");
    json.push(b'\n');
    files.push((ROUND_JSON, json));
    files
}
