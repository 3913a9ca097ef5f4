//! The words of an explanation in its language: the policy's codes, the outcome and the rank as
//! a parent reads them, in English, in Chinese, or side by side.
//!
//! Side by side ([`Lang::Both`]) is the form explanations have always had — each English label
//! followed by its Chinese — and its words are those of [`crate::metrics::wording`] and
//! [`crate::metrics::rank`], written once there. English alone and Chinese alone are the two
//! halves of those words ([`halves`]), except where the side-by-side form interleaves the
//! languages (the outcome, a shared rank), whose one-language forms are written here. Tiers and
//! tie-break keys a policy defines keep the words the policy file gives them in every language.

use crate::assign::{Outcome, UnplacedReason};
use crate::lang::Lang;
use crate::metrics::wording;
use crate::metrics::{Rank, RANK_LABEL, RANK_MEANING};
use crate::policy::{Layer, TieKey, Tier};

/// A text in `lang` from its English and Chinese forms, the English first when side by side
/// (`Child 儿童`).
pub(crate) fn say(lang: Lang, en: &str, zh: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
        Lang::Both => format!("{en} {zh}"),
    }
}

/// The label's colon: `：` in Chinese, `: ` otherwise.
pub(super) fn colon(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "："
    } else {
        ": "
    }
}

/// Whether `c` starts the Chinese half of a side-by-side text (CJK ideographs and punctuation,
/// full-width forms).
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// The English and Chinese halves of a side-by-side text written `english 中文` (the English
/// holds no Chinese character); the whole text for both when it has no Chinese half.
pub(super) fn halves(both: &str) -> (&str, &str) {
    match both.char_indices().find(|&(_, c)| is_chinese(c)) {
        Some((i, _)) if i > 0 => (both[..i].trim_end(), &both[i..]),
        _ => (both, both),
    }
}

/// A side-by-side text of [`crate::metrics::wording`] in `lang`.
fn pick(lang: Lang, both: &str) -> String {
    let (en, zh) = halves(both);
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
        Lang::Both => both.to_string(),
    }
}

/// A priority tier in words ([`wording::tier_words`]); a tier the policy defines keeps its
/// description.
pub(super) fn tier(lang: Lang, tier: Tier) -> String {
    match tier {
        Tier::Defined(_) => wording::tier_words(tier).to_string(),
        _ => pick(lang, wording::tier_words(tier)),
    }
}

/// The tier in her own district in words ([`wording::home_tier_words`]).
pub(super) fn home_tier(lang: Lang, words: &str, defined: bool) -> String {
    if defined {
        words.to_string()
    } else {
        pick(lang, words)
    }
}

/// A tie-break key in words ([`wording::tie_key_words`]); a key the policy defines keeps its
/// words.
pub(super) fn tie_key(lang: Lang, key: TieKey) -> String {
    match key {
        TieKey::Custom(_) => wording::tie_key_words(key).to_string(),
        _ => pick(lang, wording::tie_key_words(key)),
    }
}

/// A points layer in words ([`wording::layer_words`]).
pub(super) fn layer(lang: Lang, layer: Layer) -> String {
    pick(lang, wording::layer_words(layer))
}

/// A side-by-side text written in this module's callers (`layer total 层级合计`) in `lang`.
pub(super) fn text(lang: Lang, both: &str) -> String {
    pick(lang, both)
}

/// Why a child could not be given a bought place, in Chinese.
fn unplaced_zh(reason: UnplacedReason) -> &'static str {
    match reason {
        UnplacedReason::NoPrivateInReach => "可达范围内没有可购买学位的民办学校",
        UnplacedReason::PrivateSeatsFull => "可达范围内的可购买学位已由优先顺序更高的儿童占满",
        UnplacedReason::BudgetExhausted => "剩余购买预算不足以支付可达范围内的学位",
    }
}

/// The outcome in a sentence ([`wording::outcome_sentence`] side by side).
pub(crate) fn outcome(lang: Lang, outcome: Outcome) -> String {
    match (lang, outcome) {
        (Lang::Both, _) => wording::outcome_sentence(outcome),
        (Lang::En, Outcome::Choice { rank, .. }) => format!("admitted to choice {rank}"),
        (Lang::Zh, Outcome::Choice { rank, .. }) => format!("第 {rank} 志愿录取"),
        (Lang::En, Outcome::Coordinated { .. }) => {
            "coordinated placement in the nearest public school of the district with a spare seat"
                .into()
        }
        (Lang::Zh, Outcome::Coordinated { .. }) => "统筹安排至本区最近的有空余学位的公办学校".into(),
        (Lang::En, Outcome::Purchased { .. }) => "a government-purchased private place (highest priority first; then least total cost and distance)".into(),
        (Lang::Zh, Outcome::Purchased { .. }) => {
            "政府购买民办学位（按优先顺序；其次总费用与距离最小）".into()
        }
        (Lang::En, Outcome::Unplaced { reason }) => {
            format!("no place: {}", wording::unplaced_words(reason))
        }
        (Lang::Zh, Outcome::Unplaced { reason }) => {
            format!("未安排学位：{}", unplaced_zh(reason))
        }
    }
}

/// The rank's label ([`RANK_LABEL`] side by side).
pub(super) fn rank_label(lang: Lang) -> String {
    pick(lang, RANK_LABEL)
}

/// What the rank means ([`RANK_MEANING`] side by side).
pub(super) fn rank_meaning(lang: Lang) -> String {
    pick(lang, RANK_MEANING)
}

/// The rank in words ([`Rank::words`] side by side, the words of `statements.csv`).
pub(super) fn rank(lang: Lang, r: &Rank) -> String {
    let others = if r.tied_with == 1 { "other" } else { "others" };
    match (lang, r.tied_with) {
        (Lang::Both, _) => r.words(),
        (Lang::En, 0) => format!("{} of {}", r.place, r.of),
        (Lang::En, k) => format!("{} of {}, tied with {k} {others}", r.place, r.of),
        (Lang::Zh, 0) => format!("第 {} 名（共 {} 人）", r.place, r.of),
        (Lang::Zh, k) => format!("第 {} 名（共 {} 人），与 {k} 人并列", r.place, r.of),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_words_split_into_their_halves() {
        for both in [
            wording::tier_words(Tier::Migrant),
            wording::tier_words(Tier::CatchmentHukou),
            wording::tie_key_words(TieKey::InsuranceMonths),
            wording::layer_words(Layer::City),
            RANK_LABEL,
            RANK_MEANING,
        ] {
            let (en, zh) = halves(both);
            assert!(!en.chars().any(is_chinese), "{en}");
            assert!(zh.chars().next().is_some_and(is_chinese), "{zh}");
            assert_eq!(format!("{en} {zh}"), both);
        }
        assert_eq!(
            halves("migrant child 随迁子女"),
            ("migrant child", "随迁子女")
        );
        assert_eq!(halves("本地户籍"), ("本地户籍", "本地户籍"));
        assert_eq!(halves("local"), ("local", "local"));
    }

    #[test]
    fn a_rank_reads_alike_in_each_language() {
        let r = Rank {
            place: 3,
            of: 6,
            tied_with: 1,
        };
        assert_eq!(rank(Lang::Both, &r), r.words());
        assert_eq!(rank(Lang::En, &r), "3 of 6, tied with 1 other");
        assert_eq!(rank(Lang::Zh, &r), "第 3 名（共 6 人），与 1 人并列");
        assert_eq!(
            rank(Lang::Both, &r),
            format!("{} 与 1 人并列", rank(Lang::En, &r))
        );
    }
}
