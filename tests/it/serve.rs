//! `seatplan serve`, the workbench, over HTTP: the built binary is started on a free port, its
//! first line read, and every route driven with a small HTTP client — the token refused, bad
//! uploads and names with `../`, a run on a tiny scenario with its drill-down and downloads, a
//! what-if whose changed children are those two CLI runs differ in (and whose saved sweep file
//! the CLI reproduces byte for byte), sweeps with cancellation, a crashing job, eviction.
//! The browser end-to-end test is in `serve_browser.rs`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::util::{scenario_dir, seatplan};

/// A running workbench, stopped when dropped.
pub struct Workbench {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The token of this start.
    pub token: String,
    /// The data folder (a temporary folder).
    pub data: tempfile::TempDir,
    /// Where its standard error goes.
    stderr: tempfile::NamedTempFile,
    agent: ureq::Agent,
}

/// An HTTP answer: status, `Location` header, body.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Drop for Workbench {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Workbench {
    /// Starts the built binary with `args` after `serve --data TMP`, and `env`.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Workbench {
        let data = tempfile::tempdir().unwrap();
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_seatplan"));
        cmd.args(["serve", "--data"])
            .arg(data.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim_end()
            .strip_prefix("workbench: ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_string();
        let (base, token) = url.split_once("/?token=").expect("…/?token=…");
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        assert_eq!(token.len(), 32);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Workbench {
            child,
            base: base.to_string(),
            token: token.to_string(),
            data,
            stderr,
            agent,
        }
    }

    /// What it wrote on standard error once it says where it writes (the line that follows
    /// every warning at start).
    pub fn stderr_at_start(&self) -> String {
        let t = Instant::now();
        loop {
            let text = std::fs::read_to_string(self.stderr.path()).unwrap();
            if text.contains("writing into") || t.elapsed() > Duration::from_secs(30) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `path` with the token.
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}token={}", self.base, self.token)
    }

    fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut r = r.unwrap();
        let header = |name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        Answer {
            status: r.status().as_u16(),
            location,
            content_type,
            body: r
                .body_mut()
                .with_config()
                .limit(1 << 30)
                .read_to_vec()
                .unwrap(),
        }
    }

    /// GET of a full URL.
    pub fn get_raw(&self, url: &str) -> Answer {
        Self::answer(self.agent.get(url).call())
    }

    /// GET of `path` with the token.
    pub fn get(&self, path: &str) -> Answer {
        self.get_raw(&self.url(path))
    }

    /// POST of a form to a full URL.
    pub fn post_raw(&self, url: &str, form: &[(&str, &str)]) -> Answer {
        Self::answer(self.agent.post(url).send_form(form.iter().copied()))
    }

    /// POST of a form to `path` with the token.
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.post_raw(&self.url(path), form)
    }

    /// POST of files as `multipart/form-data` (field `files`) to `/upload`.
    pub fn upload(&self, files: &[(&str, &[u8])]) -> Answer {
        let boundary = "----seatplan-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Self::answer(
            self.agent
                .post(&self.url("/upload"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .send(&body[..]),
        )
    }

    /// The path part of a `Location` (without the query).
    pub fn path_of(location: &str) -> String {
        location.split('?').next().unwrap().to_string()
    }

    /// Opens a scenario by path; the scenario's page path (`/s/N`).
    pub fn open(&self, scenario: &Path) -> String {
        let a = self.post("/open", &[("path", scenario.to_str().unwrap())]);
        assert_eq!(a.status, 303, "{}", a.text());
        Self::path_of(&a.location.unwrap())
    }

    /// Waits for the job a POST answer redirected to; its final state and result path.
    pub fn wait(&self, started: &Answer) -> (String, String, serde_json::Value) {
        assert_eq!(started.status, 303, "{}", started.text());
        let job = Self::path_of(started.location.as_ref().unwrap());
        assert!(job.starts_with("/jobs/"), "{job}");
        let t = Instant::now();
        loop {
            let s: serde_json::Value =
                serde_json::from_slice(&self.get(&format!("{job}/status")).body).unwrap();
            let state = s["state"].as_str().unwrap().to_string();
            if state != "running" {
                let result = Self::path_of(s["result"].as_str().unwrap_or(""));
                return (state, result, s);
            }
            assert!(
                t.elapsed() < Duration::from_secs(180),
                "job {job} never ended"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The session folder inside the data folder.
    pub fn session(&self) -> PathBuf {
        let mut sessions: Vec<PathBuf> = std::fs::read_dir(self.data.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(sessions.len(), 1, "{sessions:?}");
        sessions.pop().unwrap()
    }
}

fn two_schools() -> PathBuf {
    scenario_dir("tiny/two-schools/scenario.toml")
}

/// Every file of the two-schools scenario as (name, bytes).
fn two_schools_files() -> Vec<(String, Vec<u8>)> {
    let dir = scenario_dir("tiny/two-schools");
    [
        "scenario.toml",
        "policy.toml",
        "districts.csv",
        "schools.csv",
        "private_schools.csv",
        "children.csv",
        "choices.csv",
    ]
    .iter()
    .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap()))
    .collect()
}

fn as_refs(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect()
}

/// The links of a page to downloads under `prefix`, as paths.
fn links(page: &str, prefix: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .filter(|s| s.starts_with(prefix))
        .map(|s| Workbench::path_of(&s))
        .fold(Vec::new(), |mut v, s| {
            if !v.contains(&s) {
                v.push(s);
            }
            v
        })
}

#[test]
fn the_first_line_names_the_address_and_every_route_needs_the_token() {
    let wb = Workbench::start(&[], &[]);
    let gets = [
        "/",
        "/assets/style.css",
        "/assets/app.js",
        "/s/1",
        "/jobs/1",
        "/jobs/1/status",
        "/runs/1",
        "/runs/1/district/0",
        "/runs/1/child/0",
        "/runs/1/files/placements.csv",
        "/sweeps/1",
    ];
    for path in gets {
        let none = wb.get_raw(&format!("{}{path}", wb.base));
        assert_eq!(none.status, 401, "GET {path} without the token");
        let wrong = wb.get_raw(&format!("{}{path}?token={}", wb.base, "0".repeat(32)));
        assert_eq!(wrong.status, 401, "GET {path} with another token");
    }
    for path in [
        "/open",
        "/upload",
        "/s/1/run",
        "/s/1/whatif",
        "/s/1/sweep",
        "/jobs/1/cancel",
    ] {
        let a = wb.post_raw(&format!("{}{path}", wb.base), &[("path", "x")]);
        assert_eq!(a.status, 401, "POST {path} without the token");
    }
    let home = wb.get("/");
    assert_eq!(home.status, 200);
    let page = home.text();
    assert!(
        page.contains("打开情景") && page.contains("lang=en"),
        "{page}"
    );
    // Nothing is fetched from anywhere else: no absolute URL in the page.
    assert!(!page.contains("http://") && !page.contains("https://"));
    let en = wb.get("/?lang=en").text();
    assert!(en.contains("Open a scenario") && en.contains("lang=\"en\""));
    let css = wb.get("/assets/style.css");
    assert_eq!(
        (css.status, css.content_type.as_str()),
        (200, "text/css; charset=utf-8")
    );
    assert!(wb.get("/assets/app.js").text().contains("fetch("));
}

#[test]
fn uploads_are_checked_and_names_cannot_escape_the_data_folder() {
    let wb = Workbench::start(&[], &[]);
    let session = wb.session();
    let uploads = session.join("uploads");
    let files = two_schools_files();
    // Nothing uploaded.
    let a = wb.upload(&[]);
    assert_eq!(a.status, 400, "{}", a.text());
    // Names that would leave the folder, hide a file or name a sub-folder.
    for bad in [
        "../schools.csv",
        "..\\schools.csv",
        "sub/schools.csv",
        ".schools.csv",
        "..",
    ] {
        let mut v = as_refs(&files);
        v[3].0 = bad;
        let a = wb.upload(&v);
        assert_eq!(a.status, 400, "{bad}: {}", a.text());
        assert!(a.text().contains("is refused"), "{bad}: {}", a.text());
    }
    // No scenario file.
    let a = wb.upload(&as_refs(&files[1..]));
    assert_eq!(a.status, 400);
    assert!(a.text().contains("no scenario file"));
    // A scenario file naming a file outside the upload finds nothing there.
    let scenario = String::from_utf8(files[0].1.clone()).unwrap().replace(
        "children = \"children.csv\"",
        "children = \"../../children.csv\"",
    );
    let mut v = as_refs(&files);
    v[0].1 = scenario.as_bytes();
    let a = wb.upload(&v);
    assert_eq!(a.status, 422, "{}", a.text());
    assert!(a.text().contains("children.csv"), "{}", a.text());
    // A bad row: the problem names the file, the line and the field.
    let children = String::from_utf8(files[5].1.clone()).unwrap();
    let mut lines: Vec<&str> = children.lines().collect();
    let broken = lines[2].replacen(",D1,", ",NOWHERE,", 1);
    lines[2] = &broken;
    let children = lines.join("\n") + "\n";
    let mut v = as_refs(&files);
    v[5].1 = children.as_bytes();
    let a = wb.upload(&v);
    assert_eq!(a.status, 422, "{}", a.text());
    let page = a.text();
    assert!(
        page.contains("children.csv:3: field `residence_district`"),
        "{page}"
    );
    assert!(
        !page.contains(&session.display().to_string()),
        "paths are shown without the data folder"
    );
    // Nothing was written by any refused upload, inside or outside the data folder.
    assert_eq!(std::fs::read_dir(&uploads).unwrap().count(), 0);
    assert!(!wb.data.path().join("schools.csv").exists());
    assert!(!session.join("schools.csv").exists());
    // A valid upload is kept in its own folder and opens.
    let a = wb.upload(&as_refs(&files));
    assert_eq!(a.status, 303, "{}", a.text());
    let s = Workbench::path_of(&a.location.unwrap());
    let page = wb.get(&s).text();
    assert!(
        page.contains("1 个区，2 所公办学校，1 所民办学校，6 名儿童"),
        "{page}"
    );
    let page = wb.get(&format!("{s}?lang=en")).text();
    assert!(
        page.contains("1 district, 2 public schools, 1 private school, 6 children"),
        "{page}"
    );
    let kept: Vec<_> = std::fs::read_dir(&uploads).unwrap().collect();
    assert_eq!(kept.len(), 1);
    let folder = kept[0].as_ref().unwrap().path();
    for (name, bytes) in &files {
        assert_eq!(&std::fs::read(folder.join(name)).unwrap(), bytes, "{name}");
    }
    // And runs like the same scenario read from its path.
    let (state, result, _) = wb.wait(&wb.post(&format!("{s}/run"), &[]));
    assert_eq!(state, "done");
    let placements = wb.get(&format!("{result}/files/placements.csv"));
    let expected = std::fs::read(scenario_dir("tiny/two-schools/expected/placements.csv")).unwrap();
    assert_eq!(placements.body, expected);
}

/// Uploads `files`, runs the scenario they make and returns its `placements.csv`.
fn upload_and_run(wb: &Workbench, files: &[(&str, &[u8])]) -> Vec<u8> {
    let a = wb.upload(files);
    assert_eq!(a.status, 303, "{}", a.text());
    let s = Workbench::path_of(&a.location.unwrap());
    let (state, result, status) = wb.wait(&wb.post(&format!("{s}/run"), &[]));
    assert_eq!(state, "done", "{status}");
    wb.get(&format!("{result}/files/placements.csv")).body
}

#[test]
fn workbooks_upload_as_one_workbook_or_a_workbook_per_table() {
    let wb = Workbench::start(&[], &[]);
    let expected = std::fs::read(scenario_dir("tiny/two-schools/expected/placements.csv")).unwrap();
    // One workbook with a sheet per table, as the shipped scenario keeps it.
    let dir = scenario_dir("tiny/workbook");
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let (scenario, policy, book) = (
        read("scenario.toml"),
        read("policy.toml"),
        read("intake.xlsx"),
    );
    let one = [
        ("scenario.toml", &scenario[..]),
        ("policy.toml", &policy[..]),
        ("intake.xlsx", &book[..]),
    ];
    assert_eq!(upload_and_run(&wb, &one), expected);
    // A workbook per table: each table names its own file (its only sheet is read).
    let tmp = tempfile::tempdir().unwrap();
    let mut per_table: Vec<(String, Vec<u8>)> = Vec::new();
    let mut tables = String::new();
    for (key, sheet) in [
        ("districts", "区县"),
        ("schools", "公办学校"),
        ("private_schools", "民办学校"),
        ("children", "儿童"),
        ("choices", "志愿"),
    ] {
        let name = format!("{key}.xlsx");
        let csv =
            std::fs::read_to_string(scenario_dir(&format!("tiny/two-schools/{key}.csv"))).unwrap();
        let mut w = rust_xlsxwriter::Workbook::new();
        let ws = w.add_worksheet().set_name(sheet).unwrap();
        for (r, line) in csv.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        let path = tmp.path().join(&name);
        w.save(&path).unwrap();
        per_table.push((name.clone(), std::fs::read(&path).unwrap()));
        tables.push_str(&format!("{key} = \"{name}\"\n"));
    }
    let scenario = String::from_utf8(read("scenario.toml"))
        .unwrap()
        .replace("workbook = \"intake.xlsx\"\n", &tables);
    assert!(
        scenario.contains("children = \"children.xlsx\""),
        "{scenario}"
    );
    let mut files = vec![
        ("scenario.toml".to_string(), scenario.into_bytes()),
        ("policy.toml".to_string(), policy.clone()),
    ];
    files.extend(per_table);
    assert_eq!(upload_and_run(&wb, &as_refs(&files)), expected);
    // A workbook with a bad cell is refused, naming the workbook, the sheet, the cell and the
    // field, and nothing is kept.
    let mut w = rust_xlsxwriter::Workbook::new();
    let ws = w.add_worksheet().set_name("儿童").unwrap();
    let csv = std::fs::read_to_string(scenario_dir("tiny/two-schools/children.csv")).unwrap();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let cell = if r == 2 && c == 0 { "" } else { cell };
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let path = tmp.path().join("bad.xlsx");
    w.save(&path).unwrap();
    let bad = std::fs::read(&path).unwrap();
    let kept = std::fs::read_dir(wb.session().join("uploads"))
        .unwrap()
        .count();
    let mut v = as_refs(&files);
    let i = v.iter().position(|(n, _)| *n == "children.xlsx").unwrap();
    v[i].1 = &bad;
    let a = wb.upload(&v);
    assert_eq!(a.status, 422, "{}", a.text());
    let page = a.text();
    assert!(
        page.contains("children.xlsx: [儿童] A3: field `id`"),
        "{page}"
    );
    assert_eq!(
        std::fs::read_dir(wb.session().join("uploads"))
            .unwrap()
            .count(),
        kept
    );
}

#[test]
fn a_run_on_a_tiny_scenario_drills_down_to_a_childs_explanation_and_downloads() {
    let wb = Workbench::start(&[], &[]);
    // A path that is not a valid scenario lists its problems.
    let bad = wb.post("/open", &[("path", "scenarios/no-such/scenario.toml")]);
    assert_eq!(bad.status, 422);
    assert!(
        bad.text().contains("cannot read the scenario file"),
        "{}",
        bad.text()
    );
    let s = wb.open(&two_schools());
    let page = wb.get(&s).text();
    assert!(page.contains("Tiny: two schools, one bought place"));
    let (state, run, status) = wb.wait(&wb.post(&format!("{s}/run"), &[]));
    assert_eq!(state, "done", "{status}");
    assert_eq!(status["done"], 3, "three stages reported: {status}");
    assert!(run.starts_with("/runs/"), "{run}");
    let page = wb.get(&run).text();
    for text in [
        "申请儿童",
        "6,000 / 6,000",
        "D1 Riverside",
        "placements.csv",
        "manifest.json",
    ] {
        assert!(page.contains(text), "{text} missing from the run page");
    }
    // Every output downloads, byte-identical to the hand-checked expected outputs.
    let downloads = links(&page, &format!("{run}/files/"));
    assert_eq!(downloads.len(), 8, "{downloads:?}");
    for d in &downloads {
        let a = wb.get(d);
        assert_eq!(a.status, 200, "{d}");
        let name = d.rsplit('/').next().unwrap();
        let expected = scenario_dir("tiny/two-schools/expected").join(name);
        if expected.exists() && name != "report.html" {
            assert_eq!(a.body, std::fs::read(&expected).unwrap(), "{name}");
        }
    }
    assert!(wb
        .get(&format!("{run}/files/placements.csv"))
        .content_type
        .starts_with("text/csv"));
    // Nothing outside the run's folder can be downloaded.
    for bad in [
        "../manifest.json",
        "..%2Fmanifest.json",
        ".hidden",
        "nope.csv",
        "a/b/c.csv",
    ] {
        assert_eq!(wb.get(&format!("{run}/files/{bad}")).status, 404, "{bad}");
    }
    // District → schools → admitted children (pseudonyms) → a child's explanation.
    let district = wb.get(&format!("{run}/district/0")).text();
    assert!(district.contains("S1") && district.contains("S2"));
    let schools = links(&district, &format!("{run}/school/"));
    assert_eq!(schools.len(), 2);
    let s2 = wb.get(&schools[1]).text();
    assert!(s2.contains("id=\"admitted\"") && s2.contains("id=\"waitlist\""));
    assert!(s2.contains("id=\"cutoff\""), "the school's cut-off");
    assert!(s2.contains("P-"), "children appear by pseudonym");
    let children = links(&s2, &format!("{run}/child/"));
    assert!(!children.is_empty());
    let child = wb.get(&children[0]).text();
    assert!(child.contains("入学结果说明") && child.contains("Placement explanation"));
    // Find a child by id: D got the bought place.
    let found = wb.get(&format!("{run}/child?id=D"));
    assert_eq!(found.status, 303);
    let d = Workbench::path_of(&found.location.unwrap());
    assert_eq!(d, format!("{run}/child/3"));
    let page = wb.get(&d).text();
    assert!(
        page.contains("a government-purchased private place"),
        "{page}"
    );
    let print = wb.get(&format!("{d}/print")).text();
    assert!(print.starts_with("<!DOCTYPE html>") && print.contains("Choices 志愿"));
    assert_eq!(wb.get(&format!("{run}/child?id=NOBODY")).status, 404);
    assert_eq!(wb.get(&format!("{run}/child/99")).status, 404);
    assert_eq!(wb.get(&format!("{run}/school/99")).status, 404);
    assert!(wb
        .get(&format!("{run}?lang=en"))
        .text()
        .contains("children applying"));
    // The run's folder is inside the session folder, and holds a manifest `verify` accepts.
    let folder = wb
        .session()
        .join("runs")
        .join(run.rsplit('/').next().unwrap());
    let o = seatplan(&["verify", folder.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Children whose row in `placements.csv` differs between two runs (by id).
fn moved(before: &str, after: &str) -> Vec<String> {
    let rows = |t: &str| -> Vec<(String, String)> {
        t.lines()
            .skip(1)
            .map(|l| {
                let (id, rest) = l.split_once(',').unwrap();
                (id.to_string(), rest.to_string())
            })
            .collect()
    };
    let (b, a) = (rows(before), rows(after));
    assert_eq!(b.len(), a.len());
    b.iter()
        .zip(&a)
        .filter(|(x, y)| {
            assert_eq!(x.0, y.0, "the same children in the same order");
            x.1 != y.1
        })
        .map(|(x, _)| x.0.clone())
        .collect()
}

#[test]
fn a_whatif_lists_the_children_two_cli_runs_differ_in_and_the_cli_reproduces_its_file() {
    let wb = Workbench::start(&[], &[]);
    let s = wb.open(&two_schools());
    // A field that is not a number, or nothing changed, is refused before anything runs.
    assert_eq!(
        wb.post(&format!("{s}/whatif"), &[("budget", "lots")])
            .status,
        400
    );
    assert_eq!(
        wb.post(&format!("{s}/whatif"), &[("school", "")]).status,
        400
    );
    let (state, w, status) = wb.wait(&wb.post(
        &format!("{s}/whatif"),
        &[("school", "S2"), ("seats", "2"), ("budget", "")],
    ));
    assert_eq!(state, "done", "{status}");
    let page = wb.get(&w).text();
    assert!(page.contains("id=\"side-by-side\"") && page.contains("id=\"changes\""));
    let changes = wb.get(&format!("{w}/files/run/changes.csv")).text();
    assert!(changes.starts_with("child,before,after\n"), "{changes}");
    let listed: Vec<String> = changes
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(listed, ["D", "F"], "{changes}");
    for id in &listed {
        assert!(
            page.contains(&format!(">{id}</a>")),
            "{id} not listed in the page"
        );
    }
    // The same change made by hand to the scenario's files and run twice by the CLI moves the
    // same children.
    let tmp = tempfile::tempdir().unwrap();
    let edited = tmp.path().join("edited");
    std::fs::create_dir(&edited).unwrap();
    let src = scenario_dir("tiny/two-schools");
    for (name, bytes) in two_schools_files() {
        std::fs::write(edited.join(&name), bytes).unwrap();
    }
    let schools = std::fs::read_to_string(src.join("schools.csv")).unwrap();
    let header: Vec<&str> = schools.lines().next().unwrap().split(',').collect();
    let seats_col = header.iter().position(|h| *h == "seats").unwrap();
    let schools: String = schools
        .lines()
        .map(|l| {
            let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
            if cells[0] == "S2" {
                cells[seats_col] = "2".into();
            }
            cells.join(",") + "\n"
        })
        .collect();
    std::fs::write(edited.join("schools.csv"), schools).unwrap();
    let (base_out, edited_out) = (tmp.path().join("base-out"), tmp.path().join("edited-out"));
    for (scenario, out) in [
        (two_schools(), &base_out),
        (edited.join("scenario.toml"), &edited_out),
    ] {
        let o = seatplan(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let read = |p: &Path| std::fs::read_to_string(p.join("placements.csv")).unwrap();
    assert_eq!(moved(&read(&base_out), &read(&edited_out)), listed);
    // The what-if run's placements are those of the edited scenario.
    assert_eq!(
        wb.get(&format!("{w}/files/run/placements.csv")).text(),
        read(&edited_out)
    );
    // The saved what-if is a sweep file: the CLI reproduces the workbench's sweep files.
    let file = wb.get(&format!("{w}/files/whatif.toml"));
    assert_eq!(file.status, 200);
    let saved = tmp.path().join("whatif.toml");
    std::fs::write(&saved, &file.body).unwrap();
    let cli_out = tmp.path().join("cli-sweep");
    let o = seatplan(&[
        "sweep",
        saved.to_str().unwrap(),
        "--out",
        cli_out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in [
        "points.csv",
        "districts.csv",
        "cutoffs.csv",
        "sweep.json",
        "report.html",
    ] {
        assert_eq!(
            wb.get(&format!("{w}/files/sweep/{name}")).body,
            std::fs::read(cli_out.join(name)).unwrap(),
            "{name}"
        );
    }
    // A what-if naming a school the scenario lacks fails with the sweep file's words; the
    // server goes on.
    let (state, _, status) = wb.wait(&wb.post(
        &format!("{s}/whatif"),
        &[("school", "NOPE"), ("seats", "3")],
    ));
    assert_eq!(state, "failed");
    assert!(
        status["error"].as_str().unwrap().contains("NOPE"),
        "{status}"
    );
    assert_eq!(wb.get("/").status, 200);
}

/// Runs the what-if `form` on the scenario page `s` and checks that its saved scenario folder,
/// downloaded and run by `seatplan run`, gives the bytes of the what-if's run files.
fn saved_folder_reproduces(wb: &Workbench, s: &str, form: &[(&str, &str)]) {
    let (state, w, status) = wb.wait(&wb.post(&format!("{s}/whatif"), form));
    assert_eq!(state, "done", "{status}");
    // A download waits for the run's files; the page then lists the folder.
    assert_eq!(wb.get(&format!("{w}/files/run/placements.csv")).status, 200);
    let page = wb.get(&w).text();
    assert!(
        page.contains("seatplan run scenario/scenario.toml"),
        "{page}"
    );
    let files = links(&page, &format!("{w}/files/scenario/"));
    assert!(
        files.iter().any(|f| f.ends_with("/scenario.toml")),
        "{files:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("saved");
    std::fs::create_dir(&folder).unwrap();
    for f in &files {
        let name = f.rsplit('/').next().unwrap();
        std::fs::write(folder.join(name), wb.get(f).body).unwrap();
    }
    let out = tmp.path().join("out");
    let o = seatplan(&[
        "run",
        folder.join("scenario.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in [
        "placements.csv",
        "schools.csv",
        "districts.csv",
        "summary.json",
        "report.html",
    ] {
        assert_eq!(
            wb.get(&format!("{w}/files/run/{name}")).body,
            std::fs::read(out.join(name)).unwrap(),
            "{name} of {form:?}"
        );
    }
}

#[test]
fn a_whatif_saved_as_a_scenario_folder_is_reproduced_by_seatplan_run() {
    let wb = Workbench::start(&[], &[]);
    // CSV tables: seats, budget, subsidy and the tie rule written into the folder's files.
    let s = wb.open(&two_schools());
    saved_folder_reproduces(
        &wb,
        &s,
        &[
            ("school", "S2"),
            ("seats", "2"),
            ("budget", "12000"),
            ("subsidy", "4000"),
            ("tie_rule", "keep_ties"),
        ],
    );
    saved_folder_reproduces(&wb, &s, &[("district", "D1"), ("district_scale", "1.5")]);
    // A workbook's sheets: the changed table is written as a CSV file, the others copied.
    let book = wb.open(&scenario_dir("tiny/workbook/scenario.toml"));
    saved_folder_reproduces(&wb, &book, &[("school", "S1"), ("seats", "3")]);
    // An indicator's weight cannot be written into a policy file: the page says so and points
    // to the sweep file, and no folder is offered.
    let (state, w, _) = wb.wait(&wb.post(
        &format!("{s}/whatif"),
        &[
            ("indicator", "Social insurance, 1 point per month"),
            ("weight", "2"),
        ],
    ));
    assert_eq!(state, "done");
    assert_eq!(wb.get(&format!("{w}/files/run/placements.csv")).status, 200);
    let page = wb.get(&format!("{w}?lang=en")).text();
    assert!(page.contains("Not saved as a scenario folder"), "{page}");
    assert!(page.contains("whatif.toml"), "{page}");
    assert!(links(&page, &format!("{w}/files/scenario/")).is_empty());
}

#[test]
fn a_sweep_runs_with_progress_reproduces_on_the_cli_and_can_be_cancelled() {
    let wb = Workbench::start(&[], &[]);
    let s = wb.open(&two_schools());
    assert_eq!(wb.post(&format!("{s}/sweep"), &[("kind1", "")]).status, 400);
    let (state, sweep, status) = wb.wait(&wb.post(
        &format!("{s}/sweep"),
        &[
            ("name", "budget and S1"),
            ("kind1", "budget_yuan"),
            ("values1", "0, 6000, 12000"),
            ("kind2", "seats"),
            ("target2", "S1"),
            ("values2", "1 2"),
        ],
    ));
    assert_eq!(state, "done", "{status}");
    assert_eq!(
        (status["done"].as_u64(), status["total"].as_u64()),
        (Some(6), Some(6))
    );
    let page = wb.get(&sweep).text();
    assert_eq!(page.matches("<tr><td>").count(), 6, "six points listed");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("sweep.toml");
    std::fs::write(&file, wb.get(&format!("{sweep}/files/sweep.toml")).body).unwrap();
    let out = tmp.path().join("out");
    let o = seatplan(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        wb.get(&format!("{sweep}/files/out/points.csv")).body,
        std::fs::read(out.join("points.csv")).unwrap()
    );
    // A long sweep of the county, cancelled at once, stops.
    let county = wb.open(&scenario_dir("county/scenario.toml"));
    let values: Vec<String> = (0..60)
        .map(|i| format!("{}", 1.0 + i as f64 / 100.0))
        .collect();
    let started = wb.post(
        &format!("{county}/sweep"),
        &[("kind1", "seats_scale"), ("values1", &values.join(","))],
    );
    let job = Workbench::path_of(started.location.as_ref().unwrap());
    assert_eq!(wb.post(&format!("{job}/cancel"), &[]).status, 303);
    let (state, _, status) = wb.wait(&started);
    assert_eq!(state, "cancelled", "{status}");
    assert!(wb.get(&job).text().contains("已取消"));
}

#[test]
fn a_crashed_job_shows_its_error_and_the_server_keeps_serving() {
    // Runs (titled "… — 运行 #N") panic; what-ifs do not.
    let wb = Workbench::start(&[], &[("SEATPLAN_FAILPOINT_PANIC_JOB", "运行 #")]);
    let s = wb.open(&two_schools());
    let started = wb.post(&format!("{s}/run"), &[]);
    let (state, _, status) = wb.wait(&started);
    assert_eq!(state, "failed");
    assert!(
        status["error"].as_str().unwrap().contains("panicked"),
        "{status}"
    );
    let job = Workbench::path_of(started.location.as_ref().unwrap());
    assert!(wb.get(&job).text().contains("panicked"));
    let (state, _, _) = wb.wait(&wb.post(&format!("{s}/whatif"), &[("budget", "12000")]));
    assert_eq!(state, "done");
}

#[test]
fn scenarios_beyond_the_limit_are_evicted_least_recently_used_first() {
    let wb = Workbench::start(&["--keep-scenarios", "1"], &[]);
    let first = wb.open(&two_schools());
    let second = wb.open(&scenario_dir("tiny/coordinated/scenario.toml"));
    assert_eq!(wb.get(&second).status, 200);
    let gone = wb.get(&first);
    assert_eq!(gone.status, 404);
    assert!(gone.text().contains("open it again") || gone.text().contains("重新打开"));
}

#[test]
fn several_tabs_run_jobs_at_once_each_to_its_own_result() {
    let wb = Workbench::start(&[], &[]);
    let (a, b) = (wb.open(&two_schools()), wb.open(&two_schools()));
    assert_ne!(a, b, "each opening is its own scenario");
    // Started together, as from four tabs, without waiting for one another.
    let started = [
        wb.post(&format!("{a}/run"), &[]),
        wb.post(&format!("{a}/whatif"), &[("school", "S2"), ("seats", "2")]),
        wb.post(&format!("{b}/whatif"), &[("budget", "12000")]),
        wb.post(
            &format!("{b}/sweep"),
            &[("kind1", "budget_yuan"), ("values1", "0, 6000")],
        ),
    ];
    let mut results = Vec::new();
    for s in &started {
        let (state, result, status) = wb.wait(s);
        assert_eq!(state, "done", "{status}");
        results.push(result);
    }
    let mut distinct = results.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{results:?}");
    for r in &results {
        assert_eq!(wb.get(r).status, 200, "{r}");
    }
    let expected = std::fs::read(scenario_dir("tiny/two-schools/expected/placements.csv")).unwrap();
    assert_eq!(
        wb.get(&format!("{}/files/placements.csv", results[0])).body,
        expected
    );
    let changes = wb
        .get(&format!("{}/files/run/changes.csv", results[1]))
        .text();
    assert!(
        changes.lines().skip(1).any(|l| l.starts_with("D,")),
        "{changes}"
    );
}

/// Every address a page (or a style sheet) makes the browser load or follow — `src`, `href`,
/// `action`, `data-status`, CSS `url(…)` and `@import` — is one of the workbench's own paths or
/// an anchor, never another host: nothing leaves the machine.
fn assert_offline(what: &str, page: &str) {
    // An SVG chart's namespace names, it is not fetched.
    let page = &page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for attr in [
        "src=",
        "href=",
        "action=",
        "data-status=",
        "url(",
        "@import",
        "srcset=",
    ] {
        for rest in page.split(attr).skip(1) {
            let value = rest.trim_start_matches(['"', '\'', ' ']);
            assert!(
                value.starts_with('/') || value.starts_with('#') || value.starts_with('?'),
                "{what}: {attr}{} points elsewhere",
                &value[..value.len().min(60)]
            );
        }
    }
    for scheme in ["//", "http:", "https:", "ws:", "wss:"] {
        for quote in ['"', '\''] {
            assert!(
                !page.contains(&format!("{quote}{scheme}")),
                "{what}: an address starting {scheme}"
            );
        }
    }
}

#[test]
fn no_page_style_sheet_or_script_refers_outside_the_machine() {
    let wb = Workbench::start(&[], &[]);
    let s = wb.open(&two_schools());
    let (state, run, _) = wb.wait(&wb.post(&format!("{s}/run"), &[]));
    assert_eq!(state, "done");
    let (state, w, _) =
        wb.wait(&wb.post(&format!("{s}/whatif"), &[("school", "S2"), ("seats", "2")]));
    assert_eq!(state, "done");
    let started = wb.post(
        &format!("{s}/sweep"),
        &[("kind1", "budget_yuan"), ("values1", "0, 6000")],
    );
    let job = Workbench::path_of(started.location.as_ref().unwrap());
    let (state, sweep, _) = wb.wait(&started);
    assert_eq!(state, "done");
    let mut pages = vec![
        "/".to_string(),
        "/assets/style.css".to_string(),
        "/assets/app.js".to_string(),
        s.clone(),
        job,
        sweep.clone(),
        "/runs/999".to_string(),
    ];
    for r in [&run, &w] {
        pages.extend(
            ["", "/district/0", "/school/1", "/child/3", "/child/3/print"]
                .map(|p| format!("{r}{p}")),
        );
    }
    // The reports a page links to open in the same browser.
    pages.push(format!("{run}/files/report.html"));
    pages.push(format!("{w}/files/run/report.html"));
    pages.push(format!("{sweep}/files/out/report.html"));
    for lang in ["", "?lang=en"] {
        for p in &pages {
            let a = wb.get(&format!("{p}{lang}"));
            assert!(a.status == 200 || a.status == 404, "{p}: {}", a.status);
            assert_offline(p, &a.text());
        }
    }
}

#[test]
fn a_bind_address_other_than_loopback_is_warned_about_and_the_port_is_kept() {
    // The default: loopback, no warning.
    let wb = Workbench::start(&[], &[]);
    assert!(!wb.stderr_at_start().contains("warning"));
    drop(wb);
    // A port asked for is the one listened on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let wb = Workbench::start(&["--port", &port.to_string()], &[]);
    assert_eq!(wb.base, format!("http://127.0.0.1:{port}"));
    assert_eq!(wb.get("/").status, 200);
    drop(wb);
    // Every address of the machine: a warning, and still the token.
    let wb = Workbench::start(&["--bind", "0.0.0.0"], &[]);
    let stderr = wb.stderr_at_start();
    assert!(
        stderr.contains("warning: listening on 0.0.0.0:")
            && stderr.contains("reachable from other machines"),
        "{stderr}"
    );
    assert_eq!(wb.get_raw(&format!("{}/", wb.base)).status, 401);
    assert_eq!(wb.get("/").status, 200);
}

#[test]
fn a_scenarios_page_shows_the_loaders_warnings() {
    let wb = Workbench::start(&[], &[]);
    // Overlapping catchment polygons: valid, with the warning `seatplan validate` prints.
    let s = wb.open(&scenario_dir("tiny/catchment-polygons/scenario.toml"));
    let page = wb.get(&s).text();
    let list = page
        .split("<ul class=\"warnings\" id=\"warnings\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no warnings list: {page}"));
    let items: Vec<&str> = list
        .split("</ul>")
        .next()
        .unwrap()
        .split("<li>")
        .skip(1)
        .collect();
    assert_eq!(items.len(), 1, "{list}");
    assert!(
        items[0].contains("the catchment of `S1` overlaps that of `S2` (features[1])")
            && items[0].contains("多校划片")
            && items[0].starts_with("catchments.geojson: "),
        "{}",
        items[0]
    );
    // A scenario without warnings has no such section.
    let s = wb.open(&two_schools());
    assert!(!wb.get(&s).text().contains("id=\"warnings\""));
}

/// Waits until the job a POST answer redirected to has logged `steps` lines; its path.
fn wait_for_steps(wb: &Workbench, started: &Answer, steps: usize) -> String {
    assert_eq!(started.status, 303, "{}", started.text());
    let job = Workbench::path_of(started.location.as_ref().unwrap());
    let t = Instant::now();
    loop {
        let s: serde_json::Value =
            serde_json::from_slice(&wb.get(&format!("{job}/status")).body).unwrap();
        assert_eq!(s["state"], "running", "{s}");
        if s["log"].as_array().unwrap().len() >= steps {
            return job;
        }
        assert!(t.elapsed() < Duration::from_secs(120), "{job}: {s}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_run_and_a_whatif_are_cancelled_between_their_steps() {
    // Every job (titled "… — …") waits after each step until it is cancelled.
    let wb = Workbench::start(&[], &[("SEATPLAN_FAILPOINT_HOLD_JOB", " — ")]);
    let s = wb.open(&two_schools());
    // A run, held once its scenario is loaded, stops before solving: nothing is written.
    let started = wb.post(&format!("{s}/run"), &[]);
    let job = wait_for_steps(&wb, &started, 1);
    assert!(wb.get(&job).text().contains("id=\"cancel\""));
    assert_eq!(wb.post(&format!("{job}/cancel"), &[]).status, 303);
    let (state, _, status) = wb.wait(&started);
    assert_eq!(state, "cancelled", "{status}");
    assert_eq!(status["log"].as_array().unwrap().len(), 1, "{status}");
    assert!(wb.get(&job).text().contains("已取消"));
    assert!(wb
        .get(&format!("{job}?lang=en"))
        .text()
        .contains("cancelled"));
    let runs = wb.session().join("runs");
    assert_eq!(std::fs::read_dir(&runs).unwrap().count(), 0);
    // A what-if, held once its file is checked, stops before it is solved: no result.
    let started = wb.post(&format!("{s}/whatif"), &[("school", "S2"), ("seats", "2")]);
    let job = wait_for_steps(&wb, &started, 1);
    assert_eq!(wb.post(&format!("{job}/cancel"), &[]).status, 303);
    let (state, _, status) = wb.wait(&started);
    assert_eq!(state, "cancelled", "{status}");
    let folders: Vec<PathBuf> = std::fs::read_dir(wb.session().join("whatifs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folders.len(), 1);
    assert!(!folders[0].join("run").exists() && !folders[0].join("sweep").exists());
    let id = folders[0]
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(wb.get(&format!("/whatifs/{id}")).status, 404);
    // Cancelling a job that is over changes nothing; an unknown job is not found.
    assert_eq!(wb.post(&format!("{job}/cancel"), &[]).status, 303);
    assert_eq!(wb.wait(&started).0, "cancelled");
    assert_eq!(wb.post("/jobs/999/cancel", &[]).status, 404);
    assert_eq!(wb.get("/").status, 200);
}

#[test]
fn results_beyond_the_limit_leave_memory_and_keep_their_files() {
    let wb = Workbench::start(&["--keep-results", "1"], &[]);
    let s = wb.open(&two_schools());
    let (state, first, _) = wb.wait(&wb.post(&format!("{s}/run"), &[]));
    assert_eq!(state, "done");
    assert!(wb.get(&first).text().contains("id=\"figures\""));
    let (state, second, _) = wb.wait(&wb.post(&format!("{s}/whatif"), &[("budget", "0")]));
    assert_eq!(state, "done");
    // The newest is in memory; the first only on disk: its page offers its files.
    assert!(wb.get(&second).text().contains("id=\"side-by-side\""));
    for page in [
        first.clone(),
        format!("{first}/district/0"),
        format!("{first}/child/3"),
    ] {
        let a = wb.get(&format!("{page}?lang=en"));
        assert_eq!(a.status, 200, "{page}");
        let text = a.text();
        assert!(
            text.contains("evicted from memory") && !text.contains("id=\"figures\""),
            "{text}"
        );
    }
    let expected = std::fs::read(scenario_dir("tiny/two-schools/expected/placements.csv")).unwrap();
    assert_eq!(
        wb.get(&format!("{first}/files/placements.csv")).body,
        expected
    );
    // The scenario itself stays open: a new run of it is solved and kept.
    let (state, third, _) = wb.wait(&wb.post(&format!("{s}/run"), &[]));
    assert_eq!(state, "done");
    assert!(wb.get(&third).text().contains("id=\"figures\""));
    assert!(wb.get(&second).text().contains("移出内存"));
}

#[test]
fn a_whatifs_changed_children_are_those_of_the_cli_appeal_that_makes_the_same_change() {
    // Two schools, with D's facts such that housing decides S2 between C and D: C (40 months,
    // rented: 50 points) outranks D (45 months, no housing: 45 points); without the housing
    // indicator D (45) outranks C (40).
    let tmp = super::util::copy_scenario("tiny/two-schools");
    let children = tmp.path().join("children.csv");
    let text = std::fs::read_to_string(&children).unwrap();
    let text = text.replace(
        "D,2017-05-01,D1,2,0.5,,24,40,30,rented,senior,",
        "D,2017-05-01,D1,2,0.5,,24,45,30,none,senior,",
    );
    assert!(text.contains(",45,30,none,"));
    std::fs::write(&children, text).unwrap();
    // The what-if: the housing indicator's weight × 0.
    let wb = Workbench::start(&[], &[]);
    let s = wb.open(&tmp.path().join("scenario.toml"));
    let (state, w, status) = wb.wait(&wb.post(
        &format!("{s}/whatif"),
        &[("indicator", "Housing"), ("weight", "0")],
    ));
    assert_eq!(state, "done", "{status}");
    let ours = wb.get(&format!("{w}/files/run/changes.csv")).body;
    // The appeal: every child with housing points corrected to none, which gives each child
    // the points of the what-if (no rule of the policy reads housing otherwise).
    let mut appeal = String::from("scenario = \"scenario.toml\"\n");
    for id in ["A", "B", "C", "E"] {
        appeal.push_str(&format!("\n[[child]]\nid = \"{id}\"\nhousing = \"none\"\n"));
    }
    let file = tmp.path().join("appeal.toml");
    std::fs::write(&file, appeal).unwrap();
    let out = tmp.path().join("appeal-out");
    let o = seatplan(&[
        "appeal",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs = std::fs::read(out.join("changes.csv")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );
    let rows: Vec<&str> = std::str::from_utf8(&ours)
        .unwrap()
        .lines()
        .skip(1)
        .collect();
    let moved: Vec<&str> = rows.iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(moved, ["C", "D"], "{rows:?}");
    // And the page lists exactly them.
    let page = wb.get(&w).text();
    let listed = page.split("id=\"changes\"").nth(1).unwrap();
    for id in ["A", "B", "E", "F"] {
        assert!(!listed.contains(&format!(">{id}</a>")), "{id} listed");
    }
    for id in moved {
        assert!(listed.contains(&format!(">{id}</a>")), "{id} not listed");
    }
}
