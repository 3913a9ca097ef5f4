//! Rendering an [`Explanation`]: plain text, JSON, and a printable HTML page (self-contained,
//! no scripts, no network), their labels in the explanation's language ([`Explanation::lang`]):
//! English, Chinese, or each English label followed by its Chinese.

use std::fmt::Write as _;

use super::words::{colon, rank, rank_label, rank_meaning, say};
use super::{ChoiceLine, Explanation, Verdict};
use crate::lang::Lang;
use crate::metrics::waitlist::{Movement, WaitlistLine};

/// A school or district as a parent reads it: its name, then its id in brackets.
fn named(name: &str, id: &str) -> String {
    format!("{name} ({id})")
}

/// The verdict in words in `lang` (side by side: [`verdict_text`]).
pub fn verdict_text_in(line: &ChoiceLine, lang: Lang) -> String {
    match lang {
        Lang::Both => verdict_text(line),
        Lang::En => verdict_en(line),
        Lang::Zh => verdict_zh(line),
    }
}

/// The verdict in English.
fn verdict_en(line: &ChoiceLine) -> String {
    let cut = line
        .cutoff
        .as_ref()
        .map(|c| {
            format!(
                "last seat: {} ({}, {} points)",
                c.holder, c.tier_words, c.points
            )
        })
        .unwrap_or_default();
    match &line.verdict {
        Verdict::Admitted => "admitted".into(),
        Verdict::HigherChoiceAdmitted => "not needed: a higher choice admitted the child".into(),
        Verdict::Ineligible { reason } => format!("not admitted: did not pass the eligibility gates ({reason})"),
        Verdict::NoTier => "not admitted: the policy gives the child no priority tier at this school".into(),
        Verdict::NoSeats => "not admitted: the school has no seats at this grade".into(),
        Verdict::HigherTier { cutoff_tier } => {
            let words = line
                .cutoff
                .as_ref()
                .map_or(cutoff_tier.as_str(), |c| c.tier_words.as_str());
            format!(
                "not admitted: every seat went to children of a higher priority tier ({words}); points cannot change this; {cut}"
            )
        }
        Verdict::FewerPoints { needed } => format!(
            "not admitted: fewer points; {needed} points below the last admitted (with more she would have ranked above that child here, with as many the tie-break decides; others' places could then change too); {cut}"
        ),
        Verdict::TieBreak { key_words, your_value, .. } => format!(
            "not admitted: equal points, decided by the tie-break: {key_words}; the child's value: {your_value}; {cut}"
        ),
        Verdict::Lottery => format!("not admitted: equal on points and every tie-break, decided by the seeded lottery; {cut}"),
        Verdict::Unexplained => "not explained: a child of lower priority holds the seat, which the rules forbid; the independent check reports this placement".into(),
        Verdict::ReservedSeats { reserved } => format!(
            "not admitted: the open seats went to children of higher priority; {reserved} of the school's seats are reserved for migrant children, and the child is not one; {cut}"
        ),
        Verdict::JointApplication { children } => format!(
            "not admitted: applied jointly with siblings; the {children} children need {children} seats together and compete with the priority of the lowest-ranked of them; {cut}"
        ),
        Verdict::TiedKept => format!(
            "not admitted: tied with the last admitted; the tied seats went where they let the most children be placed; {cut}"
        ),
    }
}

/// The verdict in Chinese.
fn verdict_zh(line: &ChoiceLine) -> String {
    let cut = line
        .cutoff
        .as_ref()
        .map(|c| {
            format!(
                "最后录取：{}（{}，{} 分）",
                c.holder, c.tier_words, c.points
            )
        })
        .unwrap_or_default();
    match &line.verdict {
        Verdict::Admitted => "录取".into(),
        Verdict::HigherChoiceAdmitted => "无需：已被更优先志愿录取".into(),
        Verdict::Ineligible { reason } => format!("未录取：未通过准入条件（{reason}）"),
        Verdict::NoTier => "未录取：该校招生类别不含本儿童".into(),
        Verdict::NoSeats => "未录取：该校本年级无学位".into(),
        Verdict::HigherTier { cutoff_tier } => {
            let words = line
                .cutoff
                .as_ref()
                .map_or(cutoff_tier.as_str(), |c| c.tier_words.as_str());
            format!("未录取：学位已由更高优先类别录满（{words}），积分无法改变；{cut}")
        }
        Verdict::FewerPoints { needed } => format!(
            "未录取：积分不足，比最后录取者少 {needed} 分（积分更高则在该校排在其前，积分相同则按同分排序；其他儿童的录取也可能随之变化）；{cut}"
        ),
        Verdict::TieBreak { key_words, your_value, .. } => format!(
            "未录取：同分，按同分排序决定：{key_words}；本人：{your_value}；{cut}"
        ),
        Verdict::Lottery => format!("未录取：同分同序，电脑摇号决定；{cut}"),
        Verdict::Unexplained => "无法说明：优先顺序更低的儿童占有该学位，违反规则；录取结果未通过校验".into(),
        Verdict::ReservedSeats { reserved } => format!(
            "未录取：普通学位已由优先顺序更高的儿童录取；该校 {reserved} 个学位为随迁子女专项学位，本儿童不属于随迁子女；{cut}"
        ),
        Verdict::JointApplication { children } => format!(
            "未录取：多孩联合申请；{children} 名儿童共需 {children} 个学位，并按其中优先顺序最低者参与录取；{cut}"
        ),
        Verdict::TiedKept => format!(
            "未录取：与最后录取者同分；同分学位按最大录取人数分配；{cut}"
        ),
    }
}

/// The verdict in words, each English phrase followed by its Chinese.
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

/// A label and its colon (`Child 儿童: `, `儿童：`).
fn label(lang: Lang, en: &str, zh: &str) -> String {
    say(lang, en, zh) + colon(lang)
}

/// A label that ends its line (`Choices 志愿:`, `志愿：`).
fn heading(lang: Lang, en: &str, zh: &str) -> String {
    say(lang, en, zh) + if lang == Lang::Zh { "：" } else { ":" }
}

/// `text` in brackets: full-width in Chinese, with a leading space otherwise.
fn bracket(lang: Lang, text: &str) -> String {
    if lang == Lang::Zh {
        format!("（{text}）")
    } else {
        format!(" ({text})")
    }
}

/// The explanation as plain text.
pub fn text(e: &Explanation) -> String {
    let lang = e.lang;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{}{}    {}{}",
        label(lang, "Child", "儿童"),
        e.child,
        label(lang, "District", "居住区"),
        named(&e.district_name, &e.district)
    );
    match &e.gate_failure {
        None => {
            let _ = writeln!(
                t,
                "{}{}",
                label(lang, "Eligibility", "准入条件"),
                say(lang, "passed", "通过")
            );
        }
        Some(r) => {
            let _ = writeln!(
                t,
                "{}{} — {r}",
                label(lang, "Eligibility", "准入条件"),
                say(lang, "not passed", "未通过")
            );
        }
    }
    let _ = writeln!(
        t,
        "{}{}    {}{}    {}{}{}",
        label(lang, "Points", "积分"),
        e.points,
        label(lang, "Tier", "类别"),
        e.tier_words,
        rank_label(lang),
        colon(lang),
        rank(lang, &e.rank)
    );
    let meaning = format!("{}{}{}", rank_label(lang), colon(lang), rank_meaning(lang));
    let indent = if lang == Lang::Zh { "  " } else { " " };
    let _ = writeln!(t, "{indent}{}", bracket(lang, &meaning));
    let points = say(lang, "points", "分");
    for l in &e.statement {
        let note = if l.note.is_empty() {
            String::new()
        } else {
            bracket(lang, &l.note)
        };
        let _ = writeln!(
            t,
            "  [{}] {}{}{} → {} {points}{note}",
            l.layer_words,
            l.item,
            colon(lang),
            l.value,
            l.points
        );
    }
    let _ = writeln!(t, "{}{}", label(lang, "Outcome", "结果"), outcome_words(e));
    if e.choices.is_empty() {
        let _ = writeln!(
            t,
            "{}{}",
            label(lang, "Choices", "志愿"),
            say(lang, "none listed", "未填报")
        );
    } else {
        let _ = writeln!(t, "{}", heading(lang, "Choices", "志愿"));
    }
    for c in &e.choices {
        let figures = format!(
            "{} {}{}{} {}",
            say(lang, "seats", "学位"),
            c.seats,
            if lang == Lang::Zh { "，" } else { ", " },
            say(lang, "admitted by choice", "志愿录取"),
            c.admitted_by_choice
        );
        let _ = writeln!(
            t,
            "  {}. {}{} — {}",
            c.rank,
            named(&c.name, &c.school),
            bracket(lang, &figures),
            c.verdict_text
        );
    }
    if !e.suggestions.is_empty() {
        let _ = writeln!(
            t,
            "{}",
            heading(lang, "Had the family listed", "若填报以下学校，本可录取")
        );
        for s in &e.suggestions {
            let km = format!(
                "{} {}",
                s.distance_km,
                if lang == Lang::Zh { "公里" } else { "km" }
            );
            let _ = writeln!(
                t,
                "  {}{}{}{}",
                named(&s.name, &s.school),
                bracket(lang, &km),
                colon(lang),
                s.why
            );
        }
    }
    waitlists_text(&mut t, e);
    t
}
/// One waitlist position in words (`choice 1 Fourth Primary (S4): position 1 of 1`).
fn waitlist_words(lang: Lang, w: &WaitlistLine) -> String {
    let school = named(&w.school_name, &w.school);
    match lang {
        Lang::En => format!(
            "choice {} {school}: position {} of {}",
            w.rank, w.position, w.of
        ),
        Lang::Zh => format!(
            "第 {} 志愿 {school}：第 {} 位（共 {} 人）",
            w.rank, w.position, w.of
        ),
        Lang::Both => format!(
            "choice {} {school}: position {} of {} 第 {} 位",
            w.rank, w.position, w.of, w.position
        ),
    }
}

/// The round's number in words (`Round 1`, `第 1 轮`).
fn round_words(lang: Lang, r: &Movement) -> String {
    match lang {
        Lang::En => format!("Round {}", r.round),
        Lang::Zh => format!("第 {} 轮", r.round),
        Lang::Both => format!("Round {} 第 {} 轮", r.round, r.round),
    }
}

/// Whether the child moved in the round, in words.
fn moved_words(lang: Lang, r: &Movement) -> String {
    if r.moved {
        say(lang, "moved", "已调整")
    } else {
        say(lang, "not moved", "未调整")
    }
}

/// The waitlist positions and, after a later round, whether and why the child moved.
fn waitlists_text(t: &mut String, e: &Explanation) {
    let lang = e.lang;
    if !e.waitlists.is_empty() {
        let _ = writeln!(t, "{}", heading(lang, "Waitlists", "候补名单"));
        for w in &e.waitlists {
            let _ = writeln!(t, "  {}", waitlist_words(lang, w));
        }
    }
    if let Some(r) = &e.round {
        let sep = if lang == Lang::Zh { "；" } else { "; " };
        let _ = writeln!(
            t,
            "{}{}{}{}{sep}{} — {}",
            round_words(lang, r),
            colon(lang),
            label(lang, "before", "此前"),
            r.before,
            moved_words(lang, r),
            r.why
        );
    }
}

/// The waitlist positions and, after a later round, whether and why the child moved, as HTML.
fn waitlists_html(h: &mut String, e: &Explanation) {
    let lang = e.lang;
    if !e.waitlists.is_empty() {
        let _ = writeln!(h, "<h2>{}</h2><ul>", say(lang, "Waitlists", "候补名单"));
        for w in &e.waitlists {
            let _ = writeln!(h, "<li>{}</li>", esc(&waitlist_words(lang, w)));
        }
        let _ = writeln!(h, "</ul>");
    }
    if let Some(r) = &e.round {
        let _ = writeln!(
            h,
            "<h2>{}</h2>\n<p>{}{}<br>{}<b>{}</b> — {}</p>",
            esc(&round_words(lang, r)),
            label(lang, "before", "此前"),
            esc(&r.before),
            label(lang, "this round", "本轮"),
            esc(&moved_words(lang, r)),
            esc(&r.why)
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
    let lang = e.lang;
    let title = say(lang, "Placement explanation", "入学结果说明");
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title} — {}</title>\
<style>body{{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.4}}table{{border-collapse:collapse;width:100%}}\
td,th{{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}}th{{background:#eee}}@media print{{body{{margin:0}}}}</style></head><body>\n",
        if lang == Lang::En { "en" } else { "zh-CN" },
        esc(&e.child)
    );
    let _ = writeln!(h, "<h1>{title}</h1>");
    let dot = if lang == Lang::Zh { "；" } else { " · " };
    let passed = say(lang, "passed", "通过");
    let _ = writeln!(
        h,
        "<p>{}<b>{}</b>{dot}{}{}{dot}{}{}</p>",
        label(lang, "Child", "儿童"),
        esc(&e.child),
        label(lang, "District", "居住区"),
        esc(&named(&e.district_name, &e.district)),
        label(lang, "Eligibility", "准入条件"),
        esc(e.gate_failure.as_deref().unwrap_or(&passed))
    );
    let _ = writeln!(
        h,
        "<p>{}<b>{}</b></p>",
        label(lang, "Outcome", "结果"),
        esc(&outcome_words(e))
    );
    let _ = writeln!(
        h,
        "<h2>{}{}</h2>\n<p>{}{}{dot}{}{}{}<br><small>{}{}{}</small></p>",
        label(lang, "Points", "积分"),
        esc(&e.points),
        label(lang, "Tier", "类别"),
        esc(&e.tier_words),
        rank_label(lang),
        colon(lang),
        esc(&rank(lang, &e.rank)),
        rank_label(lang),
        colon(lang),
        esc(&rank_meaning(lang))
    );
    let th = |en: &str, zh: &str| format!("<th>{}</th>", say(lang, en, zh));
    let _ = writeln!(
        h,
        "<table><tr>{}{}{}{}{}</tr>",
        th("Layer", "层级"),
        th("Indicator", "指标"),
        th("Value", "数值"),
        th("Points", "分值"),
        th("Note", "说明")
    );
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
    let _ = writeln!(h, "</table>\n<h2>{}</h2>", say(lang, "Choices", "志愿"));
    let _ = writeln!(
        h,
        "<table><tr><th>#</th>{}{}{}</tr>",
        th("School", "学校"),
        th("Seats", "学位"),
        th("Result", "结果")
    );
    for c in &e.choices {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td></tr>",
            c.rank,
            esc(&named(&c.name, &c.school)),
            c.admitted_by_choice,
            c.seats,
            esc(&c.verdict_text)
        );
    }
    let _ = writeln!(h, "</table>");
    if !e.suggestions.is_empty() {
        let _ = writeln!(
            h,
            "<h2>{}</h2><ul>",
            say(lang, "Had the family listed", "若填报以下学校，本可录取")
        );
        for s in &e.suggestions {
            let km = format!(
                "{} {}",
                s.distance_km,
                if lang == Lang::Zh { "公里" } else { "km" }
            );
            let _ = writeln!(
                h,
                "<li>{}{}{}{}</li>",
                esc(&named(&s.name, &s.school)),
                esc(&bracket(lang, &km)),
                colon(lang),
                esc(&s.why)
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    waitlists_html(&mut h, e);
    let _ = writeln!(
        h,
        "<p><small>{}</small></p>\n</body></html>",
        say(
            lang,
            "Other children appear only by pseudonym, tier and points.",
            "其他儿童仅以化名、类别和积分显示。"
        )
    );
    h
}
