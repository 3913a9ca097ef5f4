//! The home page: open a scenario by its path on this machine or by uploading its files, and
//! what is open — scenarios in memory, jobs, result folders of this session.

use std::fmt::Write;

use super::{esc, layout};
use crate::cli::serve::i18n::Ctx;
use crate::cli::serve::jobs::JobState;
use crate::cli::serve::state::App;

/// The home page.
pub fn home(ctx: &Ctx, app: &App) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<section><h2>{open}</h2>\
<form method=\"post\" action=\"{path_action}\" id=\"open-path\">\
<label>{path_label} <input type=\"text\" name=\"path\" size=\"60\" placeholder=\"scenarios/tiny/two-schools/scenario.toml\"></label>\
<button type=\"submit\">{open_btn}</button></form>\
<form method=\"post\" action=\"{upload_action}\" enctype=\"multipart/form-data\" id=\"open-upload\">\
<label>{upload_label} <input type=\"file\" name=\"files\" multiple accept=\".toml,.csv,.txt,.tsv,.xlsx,.xlsm,.xlsb,.xls,.ods\"></label>\
<button type=\"submit\">{upload_btn}</button></form>\
<p class=\"muted\">{upload_note}</p></section>",
        open = ctx.t("打开情景", "Open a scenario"),
        path_action = esc(&ctx.url("/open")),
        path_label = ctx.t("本机上的情景文件路径", "Path of a scenario file on this machine"),
        open_btn = ctx.t("打开", "Open"),
        upload_action = esc(&ctx.url("/upload")),
        upload_label = ctx.t(
            "或上传情景的全部文件（scenario.toml、policy.toml 与各表：CSV 文件或 Excel/WPS 工作簿）",
            "or upload all of its files (scenario.toml, policy.toml and the tables: CSV files or Excel/WPS workbooks)"
        ),
        upload_btn = ctx.t("上传并校验", "Upload and validate"),
        upload_note = ctx.t(
            "上传的文件只保存在工作台自己的数据文件夹中；情景文件只能引用一同上传的文件。",
            "Uploaded files are kept only in the workbench's own data folder; the scenario file can name only files uploaded with it."
        ),
    );
    let scenarios = app.scenarios();
    let _ = write!(
        b,
        "<section><h2>{}</h2>",
        ctx.t("已打开的情景", "Open scenarios")
    );
    if scenarios.is_empty() {
        let _ = write!(b, "<p class=\"muted\">{}</p>", ctx.t("尚无", "None yet"));
    } else {
        b.push_str("<ul id=\"scenarios\">");
        for ws in scenarios {
            let sc = &ws.loaded.scenario;
            let _ = write!(
                b,
                "<li><a href=\"{}\">{}</a> <span class=\"muted\">{} — {} {}</span></li>",
                esc(&ctx.url(&format!("/s/{}", ws.id))),
                esc(sc.name()),
                esc(&ws.source.display().to_string()),
                sc.children().len(),
                ctx.t("名儿童", "children"),
            );
        }
        b.push_str("</ul>");
    }
    b.push_str("</section>");
    let jobs = app.jobs();
    if !jobs.is_empty() {
        let _ = write!(
            b,
            "<section><h2>{}</h2><table><tr><th>#</th><th>{}</th><th>{}</th></tr>",
            ctx.t("任务", "Jobs"),
            ctx.t("内容", "What"),
            ctx.t("状态", "State")
        );
        for j in jobs {
            let state = match j.state() {
                JobState::Running => ctx.t("运行中", "running").to_string(),
                JobState::Done(_) => ctx.t("完成", "done").to_string(),
                JobState::Failed(_) => ctx.t("失败", "failed").to_string(),
                JobState::Cancelled => ctx.t("已取消", "cancelled").to_string(),
            };
            let _ = write!(
                b,
                "<tr><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td></tr>",
                j.id,
                esc(&ctx.url(&format!("/jobs/{}", j.id))),
                esc(&j.title),
                state
            );
        }
        b.push_str("</table></section>");
    }
    let folders = app.folders();
    if !folders.is_empty() {
        let _ = write!(
            b,
            "<section><h2>{}</h2><ul>",
            ctx.t("本次的结果", "Results of this session")
        );
        for (id, f) in folders {
            let _ = write!(
                b,
                "<li><a href=\"{}\">{}</a> <span class=\"muted\">{}</span></li>",
                esc(&ctx.url(&format!("/{}/{id}", f.kind))),
                esc(&f.title),
                esc(&f.dir.display().to_string())
            );
        }
        b.push_str("</ul></section>");
    }
    let _ = write!(
        b,
        "<p class=\"muted\">{} {}</p>",
        ctx.t("数据文件夹：", "Data folder:"),
        esc(&app.session.root.display().to_string())
    );
    layout(ctx, ctx.t("入学学位工作台", "Workbench"), &b)
}
