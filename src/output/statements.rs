//! `statements.csv`: each child's points itemised, her tier, her rank (`metrics::rank`)
//! and her tie-break values (written when a run asks for statements).

use serde::Serialize;

use crate::metrics::wording::home_tier;
use crate::metrics::{Ranks, RANK_LABEL, RANK_MEANING};
use crate::policy::format_points;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

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
/// caps; the total — then her tier, her rank (`metrics::rank`) and the tie-break
/// values.
pub fn statements_csv(scenario: &Scenario, ranking: &Ranking) -> Vec<u8> {
    let policy = &scenario.policy;
    let ranks = Ranks::compute(scenario, ranking);
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
            let section = ind.layer().name();
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
        let tier = home_tier(scenario, ranking, c);
        row(
            &child.id,
            "rank",
            "tier in own district",
            tier.into(),
            None,
            None,
            String::new(),
        );
        row(
            &child.id,
            "rank",
            RANK_LABEL,
            ranks.of(c).words(),
            None,
            None,
            RANK_MEANING.into(),
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
                match child.lottery {
                    Some(n) => n.to_string(),
                    None => format!("{:016x}", ranking.lottery[c.ix()]),
                },
                None,
                None,
                match child.lottery {
                    Some(_) => {
                        "smaller numbers first; her number in the notarised draw (column `lottery`)"
                    }
                    None => "smaller draws first; a hash of the seed and the child id",
                }
                .into(),
            );
        }
    }
    w.into_inner().expect("writing to memory")
}
