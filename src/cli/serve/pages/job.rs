//! A job's page: its progress, polled by the page's script, and a cancel button.

use std::fmt::Write;

use super::{esc, layout};
use crate::cli::serve::i18n::Ctx;
use crate::cli::serve::jobs::{Job, JobState, Progress};

/// The state of a job in words.
pub fn state_text(ctx: &Ctx, p: &Progress) -> String {
    match &p.state {
        JobState::Running => format!("{} {:.1} s", ctx.t("运行中…", "running…"), p.seconds),
        JobState::Done(_) => ctx.t("完成", "done").to_string(),
        JobState::Failed(e) => format!("{}: {e}", ctx.t("失败", "failed")),
        JobState::Cancelled => ctx.t("已取消", "cancelled").to_string(),
    }
}

/// The job's page.
pub fn job(ctx: &Ctx, job: &Job) -> String {
    let p = job.progress();
    let mut b = String::new();
    let class = match p.state {
        JobState::Failed(_) | JobState::Cancelled => "error",
        _ => "",
    };
    let _ = write!(
        b,
        "<section id=\"job\" data-status=\"{status}\"><p id=\"state\" class=\"{class}\">{state}</p>\
<div class=\"bar\"><div id=\"bar\"></div></div><pre id=\"log\">{log}</pre>\
<form method=\"post\" action=\"{cancel}\" class=\"inline\"><button id=\"cancel\" class=\"secondary\" type=\"submit\"{hide}>{cancel_text}</button></form>",
        status = esc(&ctx.url(&format!("/jobs/{}/status", job.id))),
        state = esc(&state_text(ctx, &p)),
        log = esc(&p.log.join("\n")),
        cancel = esc(&ctx.url(&format!("/jobs/{}/cancel", job.id))),
        hide = if p.state == JobState::Running { "" } else { " style=\"display:none\"" },
        cancel_text = ctx.t("取消", "Cancel"),
    );
    if let JobState::Done(url) = &p.state {
        let _ = write!(
            b,
            " <a id=\"result\" href=\"{}\">{}</a>",
            esc(&ctx.url(url)),
            ctx.t("查看结果", "See the result")
        );
    }
    let _ = write!(
        b,
        "<p><a href=\"{}\">{}</a></p></section>",
        esc(&ctx.url(&format!("/s/{}", job.workspace))),
        ctx.t("返回情景", "Back to the scenario")
    );
    layout(ctx, &job.title, &b)
}

/// What the page's script polls, as JSON.
pub fn status_json(ctx: &Ctx, job: &Job) -> String {
    let p = job.progress();
    let (state, result) = match &p.state {
        JobState::Running => ("running", String::new()),
        JobState::Done(url) => ("done", ctx.url(url)),
        JobState::Failed(_) => ("failed", String::new()),
        JobState::Cancelled => ("cancelled", String::new()),
    };
    let error = match &p.state {
        JobState::Failed(e) => e.clone(),
        _ => String::new(),
    };
    serde_json::json!({
        "state": state,
        "state_text": state_text(ctx, &p),
        "done": p.done,
        "total": p.total,
        "log": p.log,
        "result": result,
        "error": error,
        "seconds": p.seconds,
    })
    .to_string()
}
