//! Rendering an [`Explanation`]: plain text with Chinese and English labels, JSON, and a
//! printable HTML page (self-contained, no scripts, no network).

use std::fmt::Write as _;

use super::{ChoiceLine, Explanation, Verdict};
use crate::metrics::{RANK_LABEL, RANK_MEANING};

/// A school or district as a parent reads it: its name, then its id in brackets.
fn named(name: &str, id: &str) -> String {
    format!("{name} ({id})")
}

/// The verdict in words, English then Chinese.
pub fn verdict_text(line: &ChoiceLine) -> String {
    let cut = line
        .cutoff
        .as_ref()
        .map(|c| {
            format!(
                "last seat 最后录取: {} ({}, {} points 分)",
                c.holder, c.tier_words, c.points
            )
        })
        .unwrap_or_default();
    match &line.verdict {
        Verdict::Admitted => "admitted 录取".into(),
        Verdict::HigherChoiceAdmitted => "not needed: a higher choice admitted the child 已被更优先志愿录取".into(),
        Verdict::Ineligible { reason } => format!("not admitted: did not pass the eligibility gates 未通过准入条件 ({reason})"),
        Verdict::NoTier => "not admitted: the policy gives the child no priority tier at this school 该校招生类别不含本儿童".into(),
        Verdict::NoSeats => "not admitted: the school has no seats at this grade 无学位".into(),
        Verdict::HigherTier { cutoff_tier } => {
            let words = line
                .cutoff
                .as_ref()
                .map_or(cutoff_tier.as_str(), |c| c.tier_words.as_str());
            format!(
                "not admitted: every seat went to children of a higher priority tier 学位已由更高优先类别录满 ({words}); points cannot change this 积分无法改变; {cut}"
            )
        }
        Verdict::FewerPoints { needed } => format!(
            "not admitted: fewer points 积分不足; {needed} points below the last admitted 比最后录取者少 {needed} 分 (with more she would have ranked above that child here, with as many the tie-break decides; others' places could then change too 其他儿童的录取也可能随之变化); {cut}"
        ),
        Verdict::TieBreak { key_words, your_value, .. } => format!(
            "not admitted: equal points, decided by the tie-break 同分排序: {key_words}; the child's value 本人: {your_value}; {cut}"
        ),
        Verdict::Lottery => format!("not admitted: equal on points and every tie-break, decided by the seeded lottery 同分同序，电脑摇号; {cut}"),
        Verdict::Unexplained => "not explained: a child of lower priority holds the seat, which the rules forbid; the independent check reports this placement 录取结果未通过校验".into(),
        Verdict::ReservedSeats { reserved } => format!(
            "not admitted: the open seats went to children of higher priority; {reserved} of the school's seats are reserved for migrant children 随迁子女专项学位, and the child is not one; {cut}"
        ),
        Verdict::JointApplication { children } => format!(
            "not admitted: applied jointly with siblings 多孩联合申请; the {children} children need {children} seats together and compete with the priority of the lowest-ranked of them; {cut}"
        ),
        Verdict::TiedKept => format!(
            "not admitted: tied with the last admitted; the tied seats went where they let the most children be placed 同分，按最大录取人数分配; {cut}"
        ),
    }
}

/// The outcome with the school named.
fn outcome_words(e: &Explanation) -> String {
    match (&e.outcome_school_name, &e.outcome_school) {
        (Some(name), Some(id)) => format!("{} — {}", e.outcome, named(name, id)),
        _ => e.outcome.clone(),
    }
}

/// The explanation as plain text.
pub fn text(e: &Explanation) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Child 儿童: {}    District 居住区: {}",
        e.child,
        named(&e.district_name, &e.district)
    );
    match &e.gate_failure {
        None => {
            let _ = writeln!(t, "Eligibility 准入条件: passed 通过");
        }
        Some(r) => {
            let _ = writeln!(t, "Eligibility 准入条件: not passed 未通过 — {r}");
        }
    }
    let _ = writeln!(
        t,
        "Points 积分: {}    Tier 类别: {}    {}: {}",
        e.points,
        e.tier_words,
        RANK_LABEL,
        e.rank.words()
    );
    let _ = writeln!(t, "  ({RANK_LABEL}: {RANK_MEANING})");
    for l in &e.statement {
        let note = if l.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", l.note)
        };
        let _ = writeln!(
            t,
            "  [{}] {}: {} → {} points 分{}",
            l.layer_words, l.item, l.value, l.points, note
        );
    }
    let _ = writeln!(t, "Outcome 结果: {}", outcome_words(e));
    if e.choices.is_empty() {
        let _ = writeln!(t, "Choices 志愿: none listed 未填报");
    } else {
        let _ = writeln!(t, "Choices 志愿:");
    }
    for c in &e.choices {
        let _ = writeln!(
            t,
            "  {}. {} (seats 学位 {}, admitted by choice 志愿录取 {}) — {}",
            c.rank,
            named(&c.name, &c.school),
            c.seats,
            c.admitted_by_choice,
            verdict_text(c)
        );
    }
    if !e.suggestions.is_empty() {
        let _ = writeln!(t, "Had the family listed 若填报以下学校，本可录取:");
        for s in &e.suggestions {
            let _ = writeln!(
                t,
                "  {} ({} km): {}",
                named(&s.name, &s.school),
                s.distance_km,
                s.why
            );
        }
    }
    waitlists_text(&mut t, e);
    t
}

/// The waitlist positions and, after a later round, whether and why the child moved.
fn waitlists_text(t: &mut String, e: &Explanation) {
    if !e.waitlists.is_empty() {
        let _ = writeln!(t, "Waitlists 候补名单:");
        for w in &e.waitlists {
            let _ = writeln!(
                t,
                "  choice {} {} ({}): position {} of {} 第 {} 位",
                w.rank, w.school_name, w.school, w.position, w.of, w.position
            );
        }
    }
    if let Some(r) = &e.round {
        let _ = writeln!(
            t,
            "Round {} 第 {} 轮: before 此前: {}; {} — {}",
            r.round,
            r.round,
            r.before,
            if r.moved {
                "moved 已调整"
            } else {
                "not moved 未调整"
            },
            r.why
        );
    }
}

/// The explanation as pretty JSON: the data of [`Explanation`], codes as the policy file
/// writes them each beside its words.
pub fn json(e: &Explanation) -> String {
    serde_json::to_string_pretty(e).expect("serialising") + "\n"
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The explanation as a printable HTML page.
pub fn html(e: &Explanation) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Placement explanation 入学结果说明 — {}</title>\
<style>body{{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.4}}table{{border-collapse:collapse;width:100%}}\
td,th{{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}}th{{background:#eee}}@media print{{body{{margin:0}}}}</style></head><body>\n",
        esc(&e.child)
    );
    let _ = writeln!(h, "<h1>Placement explanation 入学结果说明</h1>");
    let _ = writeln!(
        h,
        "<p>Child 儿童: <b>{}</b> · District 居住区: {} · Eligibility 准入条件: {}</p>",
        esc(&e.child),
        esc(&named(&e.district_name, &e.district)),
        esc(e.gate_failure.as_deref().unwrap_or("passed 通过"))
    );
    let _ = writeln!(h, "<p>Outcome 结果: <b>{}</b></p>", esc(&outcome_words(e)));
    let _ = writeln!(
        h,
        "<h2>Points 积分: {}</h2>\n<p>Tier 类别: {} · {}: {}<br><small>{}: {}</small></p>",
        esc(&e.points),
        esc(&e.tier_words),
        RANK_LABEL,
        esc(&e.rank.words()),
        RANK_LABEL,
        esc(RANK_MEANING)
    );
    let _ = writeln!(h, "<table><tr><th>Layer 层级</th><th>Indicator 指标</th><th>Value 数值</th><th>Points 分值</th><th>Note 说明</th></tr>");
    for l in &e.statement {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&l.layer_words),
            esc(&l.item),
            esc(&l.value),
            esc(&l.points),
            esc(&l.note)
        );
    }
    let _ = writeln!(h, "</table>\n<h2>Choices 志愿</h2>");
    let _ = writeln!(
        h,
        "<table><tr><th>#</th><th>School 学校</th><th>Seats 学位</th><th>Result 结果</th></tr>"
    );
    for c in &e.choices {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td></tr>",
            c.rank,
            esc(&named(&c.name, &c.school)),
            c.admitted_by_choice,
            c.seats,
            esc(&verdict_text(c))
        );
    }
    let _ = writeln!(h, "</table>");
    if !e.suggestions.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Had the family listed 若填报以下学校，本可录取</h2><ul>"
        );
        for s in &e.suggestions {
            let _ = writeln!(
                h,
                "<li>{} ({} km): {}</li>",
                esc(&named(&s.name, &s.school)),
                esc(&s.distance_km),
                esc(&s.why)
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "<p><small>Other children appear only by pseudonym, tier and points. 其他儿童仅以化名、类别和积分显示。</small></p>\n</body></html>");
    h
}
