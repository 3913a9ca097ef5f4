//! Appeal letters: the explanations a bureau hands to the families an appeal concerns, one
//! after another in one printable text file, each beginning on a page of its own.

use crate::assign::Outcome;
use crate::domain::ChildIdx;
use crate::lang::Lang;
use crate::metrics::SchoolTallies;
use crate::ranking::Ranking;
use crate::scenario::Scenario;

/// The explanation ([`super::explain_in`], as text) of each of `children`, in the order given,
/// in `lang`; each after the first follows a line holding only a form feed, so that it prints
/// on a new page.
pub fn letters(
    scenario: &Scenario,
    ranking: &Ranking,
    outcomes: &[Outcome],
    children: &[ChildIdx],
    lang: Lang,
) -> String {
    let tallies = SchoolTallies::compute(scenario, ranking, outcomes);
    children
        .iter()
        .map(|&c| {
            let e = super::explain_in(scenario, ranking, outcomes, &tallies, c, lang);
            super::render::text(&e)
        })
        .collect::<Vec<_>>()
        .join("\u{c}\n")
}
