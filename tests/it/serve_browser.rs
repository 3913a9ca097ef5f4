//! The workbench end to end in a real headless Chromium, driven through WebDriver (Debian's
//! `chromium-driver`, spoken to over HTTP with the same small client as `serve.rs`): open a tiny
//! scenario by its path, run it, find a child and read her explanation, change a school's
//! seats in the what-if form and see the children whose outcome changed, switch to English.
//! Screenshots of each step are kept in `target/workbench-screenshots/` (the ones in
//! `docs/workbench.md` were taken this way).
//!
//! Needs Chromium and chromedriver: when missing, `tests/install-chromium.sh` installs Debian's
//! (as root; `.ci/run` installs them too); without them the test fails, saying so, unless
//! `SEATPLAN_SKIP_BROWSER=1` is set.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use super::serve::Workbench;
use super::util::scenario_dir;

fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, installing Debian's when missing (as root).
fn browser() -> Option<(PathBuf, PathBuf)> {
    let search = || {
        let chromium = std::env::var_os("SEATPLAN_CHROMIUM")
            .map(PathBuf::from)
            .or_else(|| find_on_path(&["chromium", "chromium-browser"]))?;
        let driver = find_on_path(&["chromedriver"])?;
        Some((chromium, driver))
    };
    let skip = std::env::var("SEATPLAN_SKIP_BROWSER").as_deref() == Ok("1");
    let mut found = search();
    if found.is_none() && !skip {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/install-chromium.sh");
        let _ = Command::new("bash").arg(script).status();
        found = search();
    }
    if found.is_none() {
        if skip {
            eprintln!("SEATPLAN_SKIP_BROWSER=1: not testing the workbench in a browser");
            return None;
        }
        panic!(
            "headless Chromium and chromedriver are needed to test the workbench in a browser: \
             run tests/install-chromium.sh as root (or apt-get install -y chromium chromium-driver), \
             or set SEATPLAN_SKIP_BROWSER=1 to skip this test"
        );
    }
    found
}

/// A chromedriver process and one browser session, both ended when dropped.
struct Browser {
    driver: Child,
    url: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let t = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_str().unwrap(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1000",
                         "--no-first-run", "--lang=zh-CN",
                         format!("--user-data-dir={}", profile.path().display())],
            }
        }}});
        let mut b = Browser {
            driver,
            url: base,
            agent,
            _profile: profile,
        };
        let session = b.call("POST", "/session", Some(caps));
        let id = session["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        b.url = format!("{}/session/{id}", b.url);
        // An element is looked for until it appears (up to 20 s): a page reached by a form's
        // submission may still be loading when the next step looks into it.
        b.call("POST", "/timeouts", Some(json!({ "implicit": 20000 })));
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url);
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or(json!({})).to_string().as_bytes()),
        };
        let text = r.unwrap().body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(
            v["value"].get("error").is_none(),
            "{method} {path}: {}",
            v["value"]
        );
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT].as_str().unwrap().to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), None);
    }

    fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn script(&self, js: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    fn current(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_string()
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Waits until the page's address contains `part` (the job page's script moves on).
    fn wait_for_url(&self, part: &str) {
        let t = Instant::now();
        while !self.current().contains(part) {
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "never reached {part}: at {}",
                self.current()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, dir: &Path, name: &str) {
        let png = self.call("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
        std::fs::write(dir.join(name), bytes).unwrap();
    }

    /// Every resource the page loaded is from the workbench.
    fn assert_local(&self, base: &str) {
        let urls = self.script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })",
        );
        for u in urls.as_array().unwrap() {
            assert!(u.as_str().unwrap().starts_with(base), "fetched {u}");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.url).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn an_analyst_opens_runs_finds_a_child_and_tries_a_whatif_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/workbench-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let wb = Workbench::start(&[], &[]);
    let b = Browser::start(&chromium, &chromedriver);
    // Open the two-schools scenario by its path.
    b.go(&wb.url("/"));
    assert!(b.text("h1").contains("入学学位工作台"));
    let scenario = scenario_dir("tiny/two-schools/scenario.toml");
    b.type_in("#open-path input[name=path]", scenario.to_str().unwrap());
    b.screenshot(&shots, "1-open.png");
    b.click("#open-path button");
    assert!(b.text("#counts").contains("6 名儿童"));
    let scenario_page = b.current();
    // Run it: the job page follows the progress and opens the run.
    b.click("#run");
    b.wait_for_url("/runs/");
    assert!(b.text("#figures").contains("6,000 / 6,000"));
    b.assert_local(&wb.base);
    let run_page = b.current();
    b.screenshot(&shots, "2-run.png");
    // Drill down to a school and its admitted children.
    b.click("#districts a");
    b.click("#schools tr:nth-child(3) a");
    assert!(b.text("#admitted").contains("P-"));
    b.screenshot(&shots, "3-school.png");
    // Find child D: the bought place, and why S2 did not admit her.
    b.go(&run_page);
    b.type_in("#find-id", "D");
    b.click("#find button");
    let explanation = b.text("#explanation");
    assert!(
        explanation.contains("入学结果说明") && explanation.contains("government-purchased"),
        "{explanation}"
    );
    b.screenshot(&shots, "4-child.png");
    // A what-if: two seats at S2 instead of one.
    b.go(&scenario_page);
    b.click("#wi-school option[value=\"S2\"]");
    b.type_in("#wi-seats", "2");
    b.click("#whatif-run");
    b.wait_for_url("/whatifs/");
    let changes = b.text("#changes");
    assert!(changes.contains("D") && changes.contains("F"), "{changes}");
    // The outcomes in the interface's language (`changes.csv` keeps the appeal's words).
    assert!(
        changes.contains("政府购买民办学位") && changes.contains("志愿"),
        "{changes}"
    );
    assert!(!changes.contains("purchased"), "{changes}");
    assert!(b.text("#side-by-side").contains("+1"));
    b.screenshot(&shots, "5-whatif.png");
    // The English switch keeps the page.
    b.click("#lang");
    assert!(b.text("#changes").contains("Before"));
    assert!(b.text("#changes").contains("purchased place"));
    assert!(b.current().contains("lang=en") && b.current().contains("/whatifs/"));
    b.screenshot(&shots, "6-whatif-en.png");
    b.assert_local(&wb.base);
}
