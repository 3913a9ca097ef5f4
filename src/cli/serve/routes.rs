//! The URLs of the workbench and their handlers. Every route is behind the token check
//! ([`super::auth::require_token`]). Long work (loading a large scenario, a run, a what-if, a
//! sweep) runs on blocking threads; a handler only starts it and redirects to the job's page.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | home: open a scenario, what is open |
//! | `POST /open` (`path`) · `POST /upload` (multipart `files`) | open a scenario |
//! | `GET /s/{id}` · `POST /s/{id}/run` · `/whatif` · `/sweep` | a scenario and its jobs |
//! | `GET /jobs/{id}` · `GET /jobs/{id}/status` · `POST /jobs/{id}/cancel` | a job |
//! | `GET /runs/{id}`, `/whatifs/{id}` (+ `/district/{d}`, `/school/{s}`, `/child/{c}`, `/child/{c}/print`, `/child?id=`) | results and drill-down |
//! | `GET /sweeps/{id}` | a sweep's points |
//! | `GET /{runs,whatifs,sweeps}/{id}/files/{path}` | downloads |

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use seatplan::domain::{ChildIdx, DistrictIdx, SchoolIdx};
use seatplan::{
    changes_csv, input_hashes, load, load_from_memory, load_sweep_on, load_whatif_on, render,
    render_sweep, run_and_write, scenario_folder, solve, what_if, write_dir, Mechanism, NoReporter,
    PointStatus, RunSettings, SchoolTallies, SolverOptions, WhatIfBase, WhatIfFile,
};

use super::i18n::Ctx;
use super::jobs::{self, Job};
use super::pages::{self, run::View};
use super::state::{lock, App, Finished, Folder, RunResult, SweepResult, WhatIfResult, Workspace};
use super::whatif::{sweep_file, whatif_file, SweepForm, WhatIfForm};
use super::{assets, auth, uploads};

/// The most an upload may weigh (a city's children file is tens of megabytes).
const MAX_UPLOAD: usize = 1 << 30;

/// The longest a download waits for its result's files to be written.
const WAIT_FOR_FILES: Duration = Duration::from_secs(300);

/// Every route, behind the token check.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .route("/open", post(open_path))
        .route(
            "/upload",
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/s/{sid}", get(scenario))
        .route("/s/{sid}/run", post(start_run))
        .route("/s/{sid}/whatif", post(start_whatif))
        .route("/s/{sid}/sweep", post(start_sweep))
        .route("/jobs/{jid}", get(job_page))
        .route("/jobs/{jid}/status", get(job_status))
        .route("/jobs/{jid}/cancel", post(job_cancel))
        .route("/sweeps/{id}", get(sweep_page))
        .route("/{kind}/{id}", get(result_page))
        .route("/{kind}/{id}/district/{d}", get(district_page))
        .route("/{kind}/{id}/school/{s}", get(school_page))
        .route("/{kind}/{id}/child", get(find_child))
        .route("/{kind}/{id}/child/{c}", get(child_page))
        .route("/{kind}/{id}/child/{c}/print", get(child_print))
        .route("/{kind}/{id}/files/{*path}", get(download))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::require_token,
        ))
        .with_state(app)
}

type Shared = State<Arc<App>>;

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn redirect(to: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

fn problem(ctx: &Ctx, status: StatusCode, title: &str, lines: Vec<String>) -> Response {
    html(status, pages::problems(ctx, title, &lines, &ctx.url("/")))
}

fn not_found(ctx: &Ctx, what: &str) -> Response {
    problem(
        ctx,
        StatusCode::NOT_FOUND,
        ctx.t("未找到", "Not found"),
        vec![what.to_string()],
    )
}

fn gone_scenario(ctx: &Ctx) -> Response {
    not_found(
        ctx,
        ctx.t(
            "该情景不在内存中（可能已被移出）：请重新打开。",
            "This scenario is not loaded (it may have been evicted): open it again.",
        ),
    )
}

async fn home(State(app): Shared, ctx: Ctx) -> Response {
    html(StatusCode::OK, pages::home::home(&ctx, &app))
}

async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        assets::STYLE,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        assets::SCRIPT,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct OpenForm {
    path: String,
}

/// Every problem of an input, one per line, with `strip` (an upload's folder) cut from paths.
fn problem_lines(errors: &seatplan::InputErrors, strip: Option<&Path>) -> Vec<String> {
    errors
        .errors
        .iter()
        .map(|e| {
            let line = e.to_string();
            match strip {
                Some(dir) => line.replace(&format!("{}/", dir.display()), ""),
                None => line,
            }
        })
        .collect()
}

/// Keeps a loaded scenario and sends the browser to its page.
fn opened(app: &App, ctx: &Ctx, id: u64, source: PathBuf, loaded: seatplan::Loaded) -> Response {
    let hashes = match input_hashes(&loaded) {
        Ok(h) => h,
        Err(e) => {
            return problem(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.t("情景有问题", "The scenario has problems"),
                problem_lines(&e, None),
            )
        }
    };
    let ws = Arc::new(Workspace {
        id,
        source,
        loaded,
        hashes,
        base: Default::default(),
    });
    app.add_scenario(ws.clone());
    // The base is solved while the analyst reads the scenario's page, so that a what-if costs
    // one solve of the changed scenario, even the first. A failure is met again, and shown, by
    // the first run or what-if.
    tokio::task::spawn_blocking(move || {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| base_of(&ws)));
    });
    redirect(ctx.url(&format!("/s/{id}")))
}

async fn open_path(State(app): Shared, ctx: Ctx, Form(form): Form<OpenForm>) -> Response {
    let path = PathBuf::from(form.path.trim());
    let read = path.clone();
    let loaded = tokio::task::spawn_blocking(move || load(&read)).await;
    match loaded {
        Ok(Ok(loaded)) => {
            let source = path.canonicalize().unwrap_or(path);
            opened(&app, &ctx, app.next_id(), source, loaded)
        }
        Ok(Err(errors)) => problem(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t("情景有问题", "The scenario has problems"),
            std::iter::once(errors.to_string().lines().next().unwrap_or("").to_string())
                .chain(problem_lines(&errors, None))
                .collect(),
        ),
        Err(e) => problem(
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            vec![e.to_string()],
        ),
    }
}

async fn upload(State(app): Shared, ctx: Ctx, mut form: Multipart) -> Response {
    let bad = |ctx: &Ctx, msg: String| {
        problem(
            ctx,
            StatusCode::BAD_REQUEST,
            ctx.t("上传被拒绝", "The upload is refused"),
            vec![msg],
        )
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(bytes) if name.is_empty() && bytes.is_empty() => {}
                    Ok(bytes) => files.push((name, bytes.to_vec())),
                    Err(e) => return bad(&ctx, e.body_text()),
                }
            }
            Ok(None) => break,
            Err(e) => return bad(&ctx, e.body_text()),
        }
    }
    let scenario_name = match uploads::check(&files) {
        Ok(n) => n,
        Err(refused) => return bad(&ctx, refused.message()),
    };
    let id = app.next_id();
    let dir = app.session.root.join("uploads").join(id.to_string());
    let memory = uploads::in_folder(&dir, &files);
    let path = dir.join(&scenario_name);
    let p = path.clone();
    let loaded = tokio::task::spawn_blocking(move || load_from_memory(&p, memory)).await;
    match loaded {
        Ok(Ok(loaded)) => {
            let written = std::fs::create_dir(&dir).and_then(|()| uploads::write_all(&dir, &files));
            if let Err(e) = written {
                return problem(
                    &ctx,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ctx.t("无法保存上传的文件", "Cannot keep the uploaded files"),
                    vec![format!("{}: {e}", dir.display())],
                );
            }
            opened(&app, &ctx, id, path, loaded)
        }
        Ok(Err(errors)) => problem(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t("上传的情景有问题", "The uploaded scenario has problems"),
            problem_lines(&errors, Some(&dir)),
        ),
        Err(e) => problem(
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            vec![e.to_string()],
        ),
    }
}

async fn scenario(State(app): Shared, ctx: Ctx, UrlPath(sid): UrlPath<u64>) -> Response {
    match app.scenario(sid) {
        Some(ws) => html(StatusCode::OK, pages::scenario::scenario(&ctx, &ws)),
        None => gone_scenario(&ctx),
    }
}

/// The base run of a scenario with its key figures, solved once and kept (a caller arriving
/// while it is being solved waits for it rather than solving it again).
fn base_of(ws: &Workspace) -> anyhow::Result<Arc<WhatIfBase>> {
    let mut kept = lock(&ws.base);
    if let Some(b) = kept.clone() {
        return Ok(b);
    }
    let solved = solve(
        &ws.loaded.scenario,
        Mechanism::default(),
        &SolverOptions::default(),
    )?;
    let base = Arc::new(WhatIfBase::new(&ws.loaded.scenario, solved));
    *kept = Some(base.clone());
    Ok(base)
}

/// What a job that saved its file into a new result folder works with.
struct Saved {
    /// The workbench.
    app: Arc<App>,
    /// The scenario it works on.
    ws: Arc<Workspace>,
    /// The result's id.
    id: u64,
    /// The result's new folder.
    dir: PathBuf,
    /// The file saved in it, which the job runs.
    file: PathBuf,
    /// The job's title.
    title: String,
}

/// Writes `text` as `name` into a new `kind/ID` folder of the session and starts a job of
/// `steps` steps titled by `title` (given the id) that runs it with `work`; answers with the
/// job's page, or with the problem if the folder or file cannot be made.
fn start_saved_job(
    app: &Arc<App>,
    ctx: &Ctx,
    ws: Arc<Workspace>,
    (kind, name, text): (&'static str, &str, &str),
    title: impl FnOnce(u64) -> String,
    steps: usize,
    work: impl FnOnce(&Job, Saved) -> anyhow::Result<String> + Send + 'static,
) -> Response {
    let id = app.next_id();
    let saved = app.session.new_folder(kind, id).and_then(|dir| {
        let file = dir.join(name);
        seatplan::write_file(
            &file,
            text.as_bytes(),
            &ws.inputs(),
            seatplan::Existing::Refuse,
        )
        .map_err(std::io::Error::other)?;
        Ok((dir, file))
    });
    let (dir, file) = match saved {
        Ok(d) => d,
        Err(e) => {
            return problem(
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                ctx.t("无法保存文件", "Cannot save the file"),
                vec![e.to_string()],
            )
        }
    };
    let title = title(id);
    let job = Arc::new(Job::new(app.next_id(), title.clone(), ws.id, steps));
    let saved = Saved {
        app: app.clone(),
        ws,
        id,
        dir,
        file,
        title,
    };
    jobs::spawn(app, job.clone(), move |job| work(job, saved));
    redirect(ctx.url(&format!("/jobs/{}", job.id)))
}

async fn start_run(State(app): Shared, ctx: Ctx, UrlPath(sid): UrlPath<u64>) -> Response {
    let Some(ws) = app.scenario(sid) else {
        return gone_scenario(&ctx);
    };
    let id = app.next_id();
    let title = format!(
        "{} — {} #{id}",
        ws.loaded.scenario.name(),
        ctx.t("运行", "run")
    );
    let job = Arc::new(Job::new(app.next_id(), title.clone(), sid, 3));
    let a = app.clone();
    jobs::spawn(&app, job.clone(), move |job| {
        let out = a.session.root.join("runs").join(id.to_string());
        let run = run_and_write(&ws.source, &out, &RunSettings::default(), job)?;
        let sc = &ws.loaded.scenario;
        let base = Arc::new(WhatIfBase::new(sc, run.solved));
        *lock(&ws.base) = Some(base.clone());
        let result = RunResult {
            id,
            tallies: SchoolTallies::compute(
                sc,
                &base.solved.ranking,
                &base.solved.assignment.outcomes,
            ),
            workspace: ws.clone(),
            base,
        };
        a.add_result(
            id,
            Finished::Run(result),
            Folder::written("runs", out, title),
        );
        Ok(format!("/runs/{id}"))
    });
    redirect(ctx.url(&format!("/jobs/{}", job.id)))
}

fn scenario_file_text(ws: &Workspace) -> String {
    ws.source.display().to_string()
}

fn refused(ctx: &Ctx, title: &str, msg: String) -> Response {
    problem(ctx, StatusCode::BAD_REQUEST, title, vec![msg])
}

async fn start_whatif(
    State(app): Shared,
    ctx: Ctx,
    UrlPath(sid): UrlPath<u64>,
    Form(form): Form<WhatIfForm>,
) -> Response {
    let Some(ws) = app.scenario(sid) else {
        return gone_scenario(&ctx);
    };
    let (text, label) = match whatif_file(&form, &scenario_file_text(&ws)) {
        Ok(t) => t,
        Err(msg) => {
            return refused(
                &ctx,
                ctx.t("假设分析有问题", "The what-if has problems"),
                msg,
            )
        }
    };
    let title = format!(
        "{} — {}: {label}",
        ws.loaded.scenario.name(),
        ctx.t("假设", "what-if")
    );
    start_saved_job(
        &app,
        &ctx,
        ws,
        ("whatifs", "whatif.toml", &text),
        move |_| title,
        3,
        move |job, s| run_whatif(job, s, label),
    )
}

/// The what-if job: the answer (key figures and changed children) first, then the files for
/// download — the sweep's, the run's and the scenario folder.
fn run_whatif(job: &Job, s: Saved, label: String) -> anyhow::Result<String> {
    let Saved {
        app,
        ws,
        id,
        dir,
        file,
        title,
    } = s;
    let checked = load_whatif_on(&file, &ws.loaded, &ws.hashes).map_err(seatplan::Error::from)?;
    job.step(format!(
        "{} {}",
        "what-if file checked 已校验",
        file.display()
    ));
    let base = base_of(&ws)?;
    job.step("base solved 基准已求解".to_string());
    let (mechanism, options) = (Mechanism::default(), SolverOptions::default());
    let wi = what_if(
        &checked,
        0,
        &ws.loaded.scenario,
        &base,
        mechanism,
        &options,
        job,
    )?;
    job.step(format!(
        "what-if solved 假设已求解: {} children changed 名儿童结果改变",
        wi.changes.len()
    ));
    let folder = Folder {
        kind: "whatifs",
        dir: dir.clone(),
        title,
        written: Default::default(),
    };
    let written = folder.written.clone();
    let result = Arc::new(Finished::WhatIf(Box::new(WhatIfResult {
        id,
        workspace: ws.clone(),
        base,
        label,
        whatif: wi,
        tallies: Default::default(),
        saved_scenario: Default::default(),
    })));
    app.add_result_arc(id, result.clone(), folder);
    job.publish(format!("/whatifs/{id}"));
    // The page is answered; the files follow (a download waits for them).
    let Finished::WhatIf(w) = &*result else {
        unreachable!("a what-if was just made")
    };
    let outcome = whatif_files(&ws, w, &checked, &dir);
    let _ = written.set(outcome.map_err(|e| format!("{e:#}")));
    Ok(format!("/whatifs/{id}"))
}

/// Writes a what-if's files into `dir`: `sweep/` (what `seatplan sweep whatif.toml` writes),
/// `run/` (the run's files and `changes.csv`) and, if its changes can be written into the
/// scenario's files, `scenario/` (recorded in the result either way).
fn whatif_files(
    ws: &Workspace,
    w: &WhatIfResult,
    checked: &WhatIfFile,
    dir: &Path,
) -> anyhow::Result<()> {
    let wi = &w.whatif;
    let (mechanism, options) = (Mechanism::default(), SolverOptions::default());
    let sweep = checked.clone().into_sweep(&ws.loaded);
    let results = sweep.run_with(mechanism, &options, None, &NoReporter, &|i| {
        let mut r = sweep.failed_point(i, String::new());
        r.status = PointStatus::Solved {
            kpis: Box::new(wi.kpis.clone()),
        };
        r
    })?;
    drop(sweep);
    let by = seatplan::Provenance::new("serve", ws.inputs());
    write_dir(&dir.join("sweep"), &render_sweep(&results), &by)?;
    let mut files = render(&wi.scenario, &wi.solved);
    files.push(("changes.csv", changes_csv(&wi.changes)));
    let run = write_dir(&dir.join("run"), &files, &by);
    let folder = dir.join("scenario");
    let note = format!(
        "{} — what-if: {}\nWritten by the seatplan workbench (`seatplan serve`): `seatplan run` on \
         this file reproduces the what-if's run/ files.",
        wi.scenario.name(),
        w.label
    );
    let saved = scenario_folder(&ws.loaded, &wi.scenario, &folder, &note)
        .map_err(|e| e.to_string())
        .and_then(|files| write_dir(&folder, &files, &by).map_err(|e| e.to_string()));
    let _ = w.saved_scenario.set(saved);
    run?;
    Ok(())
}

async fn start_sweep(
    State(app): Shared,
    ctx: Ctx,
    UrlPath(sid): UrlPath<u64>,
    Form(form): Form<SweepForm>,
) -> Response {
    let Some(ws) = app.scenario(sid) else {
        return gone_scenario(&ctx);
    };
    let text = match sweep_file(&form, &ws.loaded.scenario, &scenario_file_text(&ws)) {
        Ok(t) => t,
        Err(msg) => return refused(&ctx, ctx.t("参数扫描有问题", "The sweep has problems"), msg),
    };
    let name = ws.loaded.scenario.name().to_string();
    let what = ctx.t("参数扫描", "sweep");
    let title = |id| format!("{name} — {what} #{id}");
    start_saved_job(
        &app,
        &ctx,
        ws,
        ("sweeps", "sweep.toml", &text),
        title,
        0,
        run_sweep,
    )
}

/// The sweep job: every point, then the sweep's files.
fn run_sweep(job: &Job, s: Saved) -> anyhow::Result<String> {
    let Saved {
        app,
        ws,
        id,
        dir,
        file,
        title,
    } = s;
    let sweep = load_sweep_on(&file, &ws.loaded, &ws.hashes).map_err(seatplan::Error::from)?;
    let results = sweep
        .run(Mechanism::default(), &SolverOptions::default(), None, job)
        .map_err(seatplan::Error::from)?;
    let mut read = ws.inputs();
    read.push(file.clone());
    let by = seatplan::Provenance::new("serve", &read);
    write_dir(&dir.join("out"), &render_sweep(&results), &by)?;
    app.add_result(
        id,
        Finished::Sweep(SweepResult {
            id,
            workspace: ws.id,
            results,
        }),
        Folder::written("sweeps", dir, title),
    );
    Ok(format!("/sweeps/{id}"))
}

async fn job_page(State(app): Shared, ctx: Ctx, UrlPath(jid): UrlPath<u64>) -> Response {
    match app.job(jid) {
        Some(job) => html(StatusCode::OK, pages::job::job(&ctx, &job)),
        None => not_found(&ctx, ctx.t("没有这个任务", "No such job")),
    }
}

async fn job_status(State(app): Shared, ctx: Ctx, UrlPath(jid): UrlPath<u64>) -> Response {
    match app.job(jid) {
        Some(job) => (
            [(header::CONTENT_TYPE, "application/json")],
            pages::job::status_json(&ctx, &job),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "{\"state\":\"unknown\"}").into_response(),
    }
}

async fn job_cancel(State(app): Shared, ctx: Ctx, UrlPath(jid): UrlPath<u64>) -> Response {
    match app.job(jid) {
        Some(job) => {
            job.cancel();
            redirect(ctx.url(&format!("/jobs/{jid}")))
        }
        None => not_found(&ctx, ctx.t("没有这个任务", "No such job")),
    }
}

/// Every file of a result folder, as paths relative to it (one level of sub-folders).
fn files_of(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let walk = |d: &Path, prefix: &str, out: &mut Vec<String>| {
        let Ok(entries) = std::fs::read_dir(d) else {
            return Vec::new();
        };
        let mut subdirs = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !uploads::plain_name(&name) {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_file() => out.push(format!("{prefix}{name}")),
                Ok(t) if t.is_dir() => subdirs.push(name),
                _ => {}
            }
        }
        subdirs
    };
    for sub in walk(dir, "", &mut out) {
        walk(&dir.join(&sub), &format!("{sub}/"), &mut out);
    }
    out.sort();
    out
}

/// The result `id` of route kind `kind`, if it is in memory.
fn finished(app: &App, kind: &str, id: u64) -> Option<Arc<Finished>> {
    let f = app.result(id)?;
    let fits = matches!(
        (&*f, kind),
        (Finished::Run(_), "runs")
            | (Finished::WhatIf(_), "whatifs")
            | (Finished::Sweep(_), "sweeps")
    );
    fits.then_some(f)
}

fn view<'a>(ctx: &Ctx, f: &'a Finished) -> Option<View<'a>> {
    match f {
        Finished::Run(r) => Some(View {
            scenario: &r.workspace.loaded.scenario,
            solved: &r.base.solved,
            kpis: &r.base.kpis,
            tallies: &r.tallies,
            base: format!("/runs/{}", r.id),
            title: format!(
                "{} — {} #{}",
                r.workspace.loaded.scenario.name(),
                ctx.t("运行", "run"),
                r.id
            ),
        }),
        Finished::WhatIf(w) => Some(View {
            scenario: &w.whatif.scenario,
            solved: &w.whatif.solved,
            kpis: &w.whatif.kpis,
            tallies: w.tallies(),
            base: format!("/whatifs/{}", w.id),
            title: format!("{}: {}", ctx.t("假设分析", "What-if"), w.label),
        }),
        Finished::Sweep(_) => None,
    }
}

fn evicted(app: &App, ctx: &Ctx, kind: &str, id: u64) -> Response {
    match app.folder(id).filter(|f| f.kind == kind) {
        Some(folder) => {
            let files = files_of(&folder.dir);
            let body = format!(
                "<p>{}</p>{}",
                ctx.t(
                    "该结果已移出内存，文件仍可下载。",
                    "This result was evicted from memory; its files can still be downloaded."
                ),
                pages::downloads(ctx, &format!("/{kind}/{id}/files"), &files)
            );
            html(StatusCode::OK, pages::layout(ctx, &folder.title, &body))
        }
        None => not_found(ctx, ctx.t("没有这个结果", "No such result")),
    }
}

async fn result_page(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id)): UrlPath<(String, u64)>,
) -> Response {
    let Some(f) = finished(&app, &kind, id) else {
        return evicted(&app, &ctx, &kind, id);
    };
    let Some(v) = view(&ctx, &f) else {
        return evicted(&app, &ctx, &kind, id);
    };
    let files = app.folder(id).map(|f| files_of(&f.dir)).unwrap_or_default();
    match &*f {
        Finished::WhatIf(w) => {
            let base_run = app
                .folders()
                .into_iter()
                .find(|(rid, folder)| {
                    folder.kind == "runs"
                        && matches!(app.result(*rid).as_deref(), Some(Finished::Run(r)) if r.workspace.id == w.workspace.id)
                })
                .map(|(rid, _)| format!("/runs/{rid}"));
            html(
                StatusCode::OK,
                pages::compare::whatif(&ctx, w, &v, base_run, &files),
            )
        }
        _ => html(StatusCode::OK, pages::run::run(&ctx, &v, &files, "")),
    }
}

async fn sweep_page(State(app): Shared, ctx: Ctx, UrlPath(id): UrlPath<u64>) -> Response {
    match finished(&app, "sweeps", id).as_deref() {
        Some(Finished::Sweep(s)) => {
            let files = app.folder(id).map(|f| files_of(&f.dir)).unwrap_or_default();
            let _ = s.workspace;
            html(
                StatusCode::OK,
                pages::compare::sweep(&ctx, s.id, &s.results, &files),
            )
        }
        _ => evicted(&app, &ctx, "sweeps", id),
    }
}

/// Looks up a result for a drill-down page and calls `page` with its view.
fn drill(
    app: &App,
    ctx: &Ctx,
    kind: &str,
    id: u64,
    page: impl FnOnce(&View) -> Option<String>,
) -> Response {
    let Some(f) = finished(app, kind, id) else {
        return evicted(app, ctx, kind, id);
    };
    let Some(v) = view(ctx, &f) else {
        return not_found(ctx, ctx.t("没有这个页面", "No such page"));
    };
    match page(&v) {
        Some(body) => html(StatusCode::OK, body),
        None => not_found(
            ctx,
            ctx.t(
                "没有这个区、学校或儿童",
                "No such district, school or child",
            ),
        ),
    }
}

async fn district_page(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id, d)): UrlPath<(String, u64, usize)>,
) -> Response {
    drill(&app, &ctx, &kind, id, |v| {
        (d < v.scenario.districts().len())
            .then(|| pages::run::district(&ctx, v, DistrictIdx(d as u32)))
    })
}

async fn school_page(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id, s)): UrlPath<(String, u64, usize)>,
) -> Response {
    drill(&app, &ctx, &kind, id, |v| {
        (s < v.scenario.schools().len()).then(|| pages::run::school(&ctx, v, SchoolIdx(s as u32)))
    })
}

async fn child_page(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id, c)): UrlPath<(String, u64, usize)>,
) -> Response {
    drill(&app, &ctx, &kind, id, |v| {
        (c < v.scenario.children().len()).then(|| pages::run::child(&ctx, v, ChildIdx(c as u32)))
    })
}

async fn child_print(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id, c)): UrlPath<(String, u64, usize)>,
) -> Response {
    drill(&app, &ctx, &kind, id, |v| {
        (c < v.scenario.children().len())
            .then(|| pages::run::explanation_page(v, ChildIdx(c as u32)))
    })
}

#[derive(Debug, Deserialize)]
struct FindChild {
    id: String,
}

async fn find_child(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id)): UrlPath<(String, u64)>,
    Query(q): Query<FindChild>,
) -> Response {
    let Some(f) = finished(&app, &kind, id) else {
        return evicted(&app, &ctx, &kind, id);
    };
    let Some(v) = view(&ctx, &f) else {
        return not_found(&ctx, ctx.t("没有这个页面", "No such page"));
    };
    let wanted = q.id.trim();
    match v.scenario.children().iter().position(|c| c.id == wanted) {
        Some(c) => redirect(ctx.url(&format!("{}/child/{c}", v.base))),
        None => not_found(
            &ctx,
            &format!(
                "{} `{wanted}`",
                ctx.t("没有这个儿童编号", "No child with id")
            ),
        ),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "toml" | "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

async fn download(
    State(app): Shared,
    ctx: Ctx,
    UrlPath((kind, id, path)): UrlPath<(String, u64, String)>,
) -> Response {
    let Some(folder) = app.folder(id).filter(|f| f.kind == kind) else {
        return not_found(&ctx, ctx.t("没有这个结果", "No such result"));
    };
    // A what-if's run files are written after its page is shown: wait for them.
    let waited = Instant::now();
    while folder.written.get().is_none() && waited.elapsed() < WAIT_FOR_FILES {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 2 || !parts.iter().all(|p| uploads::plain_name(p)) {
        return not_found(&ctx, ctx.t("没有这个文件", "No such file"));
    }
    let file = parts.iter().fold(folder.dir.clone(), |d, p| d.join(p));
    let is_file = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file());
    let bytes = match is_file.then(|| std::fs::read(&file)) {
        Some(Ok(b)) => b,
        _ => return not_found(&ctx, ctx.t("没有这个文件", "No such file")),
    };
    let name = parts.last().copied().unwrap_or("file");
    let ty = content_type(name);
    let disposition = if ty.starts_with("text/html") || ty == "image/svg+xml" {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"{name}\"")
    };
    (
        [
            (header::CONTENT_TYPE, ty.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
