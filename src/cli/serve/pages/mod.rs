//! The pages, rendered on the server as plain HTML: one layout, and one file per group of pages
//! — [`home`] (open a scenario, what is open, problems found), [`scenario`] (a scenario with its
//! run, what-if and sweep forms), [`job`] (a job's progress), [`run`] (a run's figures and the
//! drill-down district → school → child), [`compare`] (a what-if against its base, a sweep).

pub mod compare;
pub mod home;
pub mod job;
pub mod run;
pub mod scenario;

use std::fmt::Write;

use seatplan::{Outcome, Scenario, UnplacedReason};

use super::i18n::Ctx;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A whole page: the header with the home link and the language switch, then `body`.
pub fn layout(ctx: &Ctx, title: &str, body: &str) -> String {
    let mut h = String::new();
    let lang = ctx.t("zh-CN", "en");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} — {}</title><link rel=\"stylesheet\" href=\"{}\"></head><body>\n\
<header><a class=\"brand\" href=\"{}\">{}</a><a href=\"{}\">{}</a>\
<a class=\"lang\" id=\"lang\" href=\"{}\">{}</a></header>\n<main>\n<h1>{}</h1>\n{body}\n</main>\n\
<script src=\"{}\"></script>\n</body></html>\n",
        esc(title),
        ctx.t("入学学位工作台", "seatplan workbench"),
        ctx.url("/assets/style.css"),
        ctx.url("/"),
        ctx.t("入学学位工作台", "seatplan workbench"),
        ctx.url("/"),
        ctx.t("首页", "Home"),
        esc(&ctx.switch_url()),
        ctx.t("English", "中文"),
        esc(title),
        ctx.url("/assets/app.js"),
    );
    h
}

/// A list of problems (validation errors, refused forms) under a heading.
pub fn problems(ctx: &Ctx, title: &str, lines: &[String], back: &str) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<section><p>{}</p><ul class=\"problems\" id=\"problems\">",
        ctx.t(
            "发现以下问题（文件、行或字段）；未写入任何内容。",
            "These problems were found (file, line, field); nothing was written."
        )
    );
    for l in lines {
        let _ = writeln!(b, "<li>{}</li>", esc(l));
    }
    let _ = writeln!(
        b,
        "</ul><p><a href=\"{}\">{}</a></p></section>",
        esc(back),
        ctx.t("返回", "Back")
    );
    layout(ctx, title, &b)
}

/// An outcome in a few words, in the page's language.
pub fn outcome_words(ctx: &Ctx, sc: &Scenario, o: Outcome) -> String {
    match o {
        Outcome::Choice { school, rank } => format!(
            "{} {} ({} {rank})",
            ctx.t("公办", "public"),
            sc.school(school).id,
            ctx.t("志愿", "choice")
        ),
        Outcome::Coordinated { school } => format!(
            "{} {} ({})",
            ctx.t("公办", "public"),
            sc.school(school).id,
            ctx.t("统筹", "coordinated")
        ),
        Outcome::Purchased { school } => format!(
            "{} {}",
            ctx.t("政府购买民办学位", "purchased place"),
            sc.private_school(school).id
        ),
        Outcome::Unplaced { reason } => {
            format!(
                "{}{}{}",
                ctx.t("未安置（", "unplaced ("),
                reason_words(ctx, reason),
                ctx.t("）", ")")
            )
        }
    }
}

/// Why a child has no place, in the page's language.
pub fn reason_words(ctx: &Ctx, reason: UnplacedReason) -> &'static str {
    match reason {
        UnplacedReason::NoPrivateInReach => ctx.t(
            "附近没有可购买学位的民办学校",
            "no private school with places to buy within reach",
        ),
        UnplacedReason::PrivateSeatsFull => ctx.t(
            "附近可购买的民办学位已被优先级更高的儿童用完",
            "the places to buy within reach went to children of higher priority",
        ),
        UnplacedReason::BudgetExhausted => ctx.t(
            "购买学位的预算已不足",
            "the purchase budget left could not pay for a place",
        ),
    }
}

/// A priority tier's name in the page's language: the built-in tiers translated, a tier the
/// policy defines under the name the policy gives it.
pub fn tier_label<'a>(ctx: &Ctx, name: &'a str) -> &'a str {
    match name {
        "catchment_hukou" => ctx.t(
            "本区户籍并在本区居住",
            "local hukou, living in the district",
        ),
        "sibling" => ctx.t("兄弟姐妹在该校", "sibling at the school"),
        "hukou" => ctx.t("本地户籍", "local hukou"),
        "migrant" => ctx.t("随迁子女", "migrant child"),
        other => other,
    }
}

/// A tie rule in the page's language, with its code (what the sweep file says).
pub fn tie_rule_label(ctx: &Ctx, code: &str) -> String {
    let words = match code {
        "lottery" => ctx.t("电脑随机摇号", "seeded lottery"),
        "keep_ties" => ctx.t("同分并列（不摇号）", "ties kept (no lottery)"),
        "admit_all_tied" => ctx.t(
            "同分全部录取（可超额）",
            "admit every tied child (over capacity)",
        ),
        _ => "",
    };
    if words.is_empty() {
        code.to_string()
    } else {
        format!("{words} ({code})")
    }
}

/// A number with thousands separators.
pub fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal.
pub fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

/// The downloads of a result folder: one link per file, `path` being the folder's route.
pub fn downloads(ctx: &Ctx, base: &str, files: &[String]) -> String {
    let mut b = format!(
        "<section id=\"downloads\"><h2>{}</h2><ul>",
        ctx.t("下载", "Downloads")
    );
    for f in files {
        let _ = write!(
            b,
            "<li><a href=\"{}\">{}</a></li>",
            esc(&ctx.url(&format!("{base}/{f}"))),
            esc(f)
        );
    }
    b.push_str("</ul></section>");
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_text_escaped() {
        assert_eq!(num(0), "0");
        assert_eq!(num(1234), "1,234");
        assert_eq!(num(80147500), "80,147,500");
        assert_eq!(pct(1, 3), "33.3%");
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
