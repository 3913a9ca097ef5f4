//! The HTML reports: what a run's report says, that text from the inputs is escaped, that the
//! sweep report survives odd sweeps (no parameter, one point, a thousand points, failures,
//! categories), and that a real headless Chromium loads each report without a console message,
//! an error or a network request and lays out every chart with visible content.
//!
//! The browser tests need Chromium (`apt-get install -y chromium`; `.ci/run` installs it).
//! When it is missing they run `tests/install-chromium.sh` (which installs Debian's chromium when
//! run as root); if there is still none they fail, saying so, unless `SEATPLAN_SKIP_BROWSER=1` is set;
//! `SEATPLAN_CHROMIUM` names another binary, and `SEATPLAN_KEEP_REPORTS=DIR` keeps the reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seatplan::Mechanism;
use seatplan::Scenario;
use seatplan::{run_report, sweep_report};
use seatplan::{ParameterInfo, PointKpis, PointResult, PointStatus, SweepResults};

use super::util::{copy_scenario, load, scenario_dir, solve_checked};

fn two_schools() -> Scenario {
    load(&scenario_dir("tiny/two-schools/scenario.toml"))
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// Every URL in the page: only the SVG namespace is allowed (nothing is fetched).
fn assert_self_contained(html: &str) {
    let stripped = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!stripped.contains(bad), "the report refers to `{bad}`");
    }
}

#[test]
fn run_report_shows_the_headline_figures_and_three_charts() {
    let sc = two_schools();
    let solved = solve_checked(&sc, Mechanism::Optimal);
    let html = run_report(&sc, &solved);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    assert_self_contained(&html);
    assert!(!html.contains("<script"), "a run report needs no script");
    assert_eq!(count(&html, "<svg "), 4, "three charts and the map");
    for text in [
        "Supply and demand by district",
        "Outcomes by district",
        "Cut-off points per school",
        // 6 children, 3 by choice (50.0%), 2 at first choice (33.3%), 1 bought for all 6000 yuan.
        "<div class=\"v \">6</div><div class=\"l\">children applying</div>",
        "public school by choice (50.0% of children)",
        "<div class=\"v \">33.3%</div>",
        "bought private places: 6,000 of 6,000 yuan (100.0%)",
        "unplaced: 2 budget exhausted, 0 private places full, 0 no private school in reach",
        "proven optimal",
        "check passed",
        // S1's cut-off (a migrant with 70 points) as a dot and in the table.
        "S1 First Primary: last admitted migrant with 70 points (2 seats, 5 applicants)",
        "<td>migrant</td><td class=\"n\">70</td>",
    ] {
        assert!(html.contains(text), "missing: {text}");
    }
    assert_eq!(html, run_report(&sc, &solved), "same inputs, same bytes");
}

#[test]
fn run_report_escapes_names_from_the_inputs() {
    let tmp = copy_scenario("tiny/two-schools");
    let edit = |file: &str, from: &str, to: &str| {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit(
        "schools.csv",
        "First Primary",
        "<script>alert(1)</script> & 第一小学",
    );
    edit("districts.csv", "Riverside", "西湖 <b>\"'");
    let sc = load(&tmp.path().join("scenario.toml"));
    let html = run_report(&sc, &solve_checked(&sc, Mechanism::Optimal));
    assert!(
        !html.contains("<script"),
        "markup from an input got through"
    );
    assert!(!html.contains("<b>"), "markup from an input got through");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 第一小学"));
    assert!(html.contains("西湖 &lt;b&gt;&quot;&#39;"));
}

/// A sweep over two-schools: budget × seat multiplier, solved for real, plus one failed point.
fn small_sweep() -> SweepResults {
    let base = two_schools();
    let budgets = ["0", "6000", "12000"];
    let scales = ["1", "2"];
    let mut points = Vec::new();
    for b in budgets {
        for k in scales {
            let mut sc = base.to_parts();
            sc.budget_yuan = b.parse().unwrap();
            for s in &mut sc.schools {
                s.seats *= k.parse::<u32>().unwrap();
            }
            let sc = Scenario::new(sc).unwrap();
            let solved = solve_checked(&sc, Mechanism::Optimal);
            points.push(PointResult {
                index: points.len(),
                key: format!("budget={b};seats={k}"),
                values: vec![b.to_string(), k.to_string()],
                seed: 7,
                status: PointStatus::Solved {
                    kpis: Box::new(PointKpis::compute(&sc, &solved)),
                },
            });
        }
    }
    points.push(PointResult {
        index: points.len(),
        key: "budget=-1;seats=1".into(),
        values: vec!["-1".into(), "1".into()],
        seed: 7,
        status: PointStatus::Failed {
            error: "budget_yuan: must be >= 0 <not a number>".into(),
        },
    });
    SweepResults {
        name: "budget × seats <test>".into(),
        scenario: base.name().to_string(),
        fingerprint: "ab".repeat(32),
        parameters: vec![
            ParameterInfo {
                id: "budget".into(),
                kind: "budget_yuan".into(),
                target: String::new(),
                values: budgets.iter().map(|s| s.to_string()).collect(),
            },
            ParameterInfo {
                id: "seats".into(),
                kind: "seats_scale".into(),
                target: String::new(),
                values: scales.iter().map(|s| s.to_string()).collect(),
            },
        ],
        total_points: 7,
        shard: None,
        points,
    }
}

#[test]
fn sweep_report_charts_each_parameter_pair_district_and_school() {
    let results = small_sweep();
    let html = sweep_report(&results);
    assert_self_contained(&html);
    assert!(!html.contains("<script"));
    // 7 KPI curves for each of the 2 parameters, 2 heatmaps for the pair, the districts' range,
    // the schools' cut-off ranges.
    assert_eq!(count(&html, "<svg "), 7 * 2 + 2 + 1 + 1, "{html}");
    for text in [
        "Sweep report: budget × seats &lt;test&gt;",
        "unplaced children by budget",
        "One line per value of seats",
        "unplaced children over budget × seats",
        "Public share by district",
        "Cut-off points per school across the points",
        "failed: budget_yuan: must be &gt;= 0 &lt;not a number&gt;",
        "<td class=\"n\">6</td><td>-1</td><td>1</td>",
    ] {
        assert!(html.contains(text), "missing: {text}");
    }
    // Budget 0 and one seat each: 3 public, 3 unplaced; the row of point 0.
    assert!(html.contains(
        "<tr><td class=\"n\">0</td><td>0</td><td>1</td><td class=\"n\">3</td><td class=\"n\">50.0%</td>"
    ));
    assert_eq!(html, sweep_report(&results), "same results, same bytes");
}

#[test]
fn sweep_report_copes_with_no_parameter_one_point_and_only_failures() {
    let mut one = small_sweep();
    one.parameters.clear();
    one.points.truncate(1);
    one.points[0].values.clear();
    one.total_points = 1;
    let html = sweep_report(&one);
    assert!(html.contains("The sweep varies no parameter"));
    // No curves or heatmaps, but the districts and the schools are still shown.
    assert_eq!(count(&html, "<svg "), 2);

    let mut failed = small_sweep();
    failed.points.retain(|p| p.kpis().is_none());
    failed.shard = Some((2, 3));
    let html = sweep_report(&failed);
    assert!(html.contains("No point was solved"));
    assert!(html.contains("shard 2 of 3"));
    assert_eq!(count(&html, "<svg "), 0);

    let mut empty = small_sweep();
    empty.points.clear();
    assert!(sweep_report(&empty).contains("No points."));
}

#[test]
fn sweep_report_of_a_thousand_points_folds_its_table() {
    let results = thousand_point_sweep();
    assert_eq!(results.points.len(), 1080);
    let t = Instant::now();
    let html = sweep_report(&results);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(html.contains("<details><summary>All 1080 point(s)"));
    assert!(html.contains("&lt;odd &amp; name&gt;"));
    // Curves for 3 parameters, heatmaps for 3 pairs, districts and schools.
    assert_eq!(count(&html, "<svg "), 7 * 3 + 2 * 3 + 1 + 1);
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
}

/// 40 numbers × 3 categories × 9 numbers, every 97th point failed.
fn thousand_point_sweep() -> SweepResults {
    let base = small_sweep();
    let template = base.points[0].clone();
    let values_a: Vec<String> = (0..40).map(|i| format!("{}", i * 500)).collect();
    let values_b: Vec<String> = ["lottery", "keep_ties", "<odd & name>"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut points = Vec::new();
    for a in &values_a {
        for b in &values_b {
            for c in 0..9 {
                let mut p = template.clone();
                p.index = points.len();
                p.key = format!("a={a};b={b};c={c}");
                p.values = vec![a.clone(), b.clone(), c.to_string()];
                if let PointStatus::Solved { kpis } = &mut p.status {
                    kpis.unplaced = (p.index % 17) as u64;
                }
                if p.index.is_multiple_of(97) {
                    p.status = PointStatus::Failed {
                        error: "solver failed".into(),
                    };
                }
                points.push(p);
            }
        }
    }
    let info = |id: &str, values: Vec<String>| ParameterInfo {
        id: id.into(),
        kind: "x".into(),
        target: String::new(),
        values,
    };
    SweepResults {
        parameters: vec![
            info("a", values_a),
            info("b", values_b),
            info("c", (0..9).map(|c| c.to_string()).collect()),
        ],
        total_points: points.len(),
        points,
        ..base
    }
}

#[test]
fn sweep_report_of_listed_points_with_a_value_each_skips_the_huge_heatmap() {
    // Points listed one by one: two parameters with 1000 values each, never crossed.
    let base = small_sweep();
    let template = base.points[0].clone();
    let a: Vec<String> = (0..1000).map(|i| format!("{}", i * 10)).collect();
    let c: Vec<String> = (0..1000).map(|i| format!("v{i}")).collect();
    let points: Vec<PointResult> = (0..1000)
        .map(|i| PointResult {
            index: i,
            key: format!("a={};c={}", a[i], c[i]),
            values: vec![a[i].clone(), c[i].clone()],
            ..template.clone()
        })
        .collect();
    let info = |id: &str, values: &[String]| ParameterInfo {
        id: id.into(),
        kind: "x".into(),
        target: String::new(),
        values: values.to_vec(),
    };
    let results = SweepResults {
        parameters: vec![info("a", &a), info("c", &c)],
        total_points: 1000,
        points,
        ..base
    };
    let t = Instant::now();
    let html = sweep_report(&results);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(html.contains("1 pair(s) with more than 2500 combinations of values are not drawn"));
    // Curves for both parameters (one line each), districts and schools; no heatmap.
    assert_eq!(count(&html, "<svg "), 7 * 2 + 1 + 1);
}

// ---- The browser ----

/// Headless Chromium, or `None` when it is missing and `SEATPLAN_SKIP_BROWSER=1` is set.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SEATPLAN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let search = || {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        ["chromium", "chromium-browser", "google-chrome", "chrome"]
            .iter()
            .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
            .find(|p| p.is_file())
    };
    let mut found = search();
    if found.is_none() && std::env::var("SEATPLAN_SKIP_BROWSER").as_deref() != Ok("1") {
        // The project installs what its tests need: Debian's chromium, when run as root.
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/install-chromium.sh");
            let _ = Command::new("bash").arg(script).status();
        });
        found = search();
    }
    if found.is_none() {
        if std::env::var("SEATPLAN_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("SEATPLAN_SKIP_BROWSER=1: not testing the reports in a browser");
            return None;
        }
        panic!(
            "headless Chromium is needed to test the HTML reports and was not found on PATH: \
             install it (`tests/install-chromium.sh` as root, or `apt-get install -y chromium`), point \
             SEATPLAN_CHROMIUM at it, or set SEATPLAN_SKIP_BROWSER=1 to skip these tests"
        );
    }
    found
}

/// Run in the page after it loads: measures every chart and lists errors and fetched resources.
const PROBE: &str = r#"<script>
(function () {
  var charts = [];
  document.querySelectorAll('svg').forEach(function (s) {
    var r = s.getBoundingClientRect();
    var drawn = 0;
    s.querySelectorAll('rect, circle, polyline, line').forEach(function (e) {
      var b = e.getBBox();
      if (b.width > 0 || b.height > 0) { drawn += 1; }
    });
    charts.push({ width: r.width, height: r.height, drawn: drawn });
  });
  var p = document.createElement('pre');
  p.id = 'seatplan-probe';
  p.textContent = 'PROBE' + JSON.stringify({
    charts: charts,
    errors: window.__probeErrors,
    resources: performance.getEntriesByType('resource').length
  }) + 'END';
  document.body.appendChild(p);
})();
</script>"#;

/// Catches script and resource errors from the start of the page.
const CATCHER: &str = "<script>window.__probeErrors = []; window.addEventListener('error', \
function (e) { window.__probeErrors.push(String(e.message || 'failed to load a resource')); }, \
true);</script>";

#[derive(Debug, serde::Deserialize)]
struct Chart {
    width: f64,
    height: f64,
    drawn: usize,
}

#[derive(Debug, serde::Deserialize)]
struct Probe {
    charts: Vec<Chart>,
    errors: Vec<String>,
    resources: usize,
}

/// Opens the page in headless Chromium and returns what the probe measured, with every console
/// message Chromium logged.
fn open_in_browser(browser: &Path, html: &str) -> (Probe, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let page = html
        .replacen("<head>", &format!("<head>\n{CATCHER}"), 1)
        .replacen("</body>", &format!("{PROBE}\n</body>"), 1);
    let file = tmp.path().join("report.html");
    std::fs::write(&file, page).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--window-size=1200,900",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ))
        .arg(format!("file://{}", file.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    // Read both pipes on threads so a full pipe cannot stall the browser.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).map(|_| s)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = out.join().unwrap().unwrap();
    let log = err.join().unwrap().unwrap();
    assert!(status.success(), "Chromium failed ({status}):\n{log}");
    let console: Vec<String> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let json = dom
        .split("PROBE")
        .last()
        .and_then(|s| s.split("END").next())
        .unwrap_or_else(|| panic!("the probe did not run; the DOM:\n{dom}\nthe log:\n{log}"));
    let probe: Probe = serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("unreadable probe output {json:?}: {e}\nthe log:\n{log}"));
    (probe, console)
}

/// Asserts the page loaded cleanly and has `charts` charts, each laid out with drawn shapes.
/// `SEATPLAN_KEEP_REPORTS=DIR` keeps a copy of each report there, to look at.
fn assert_renders(browser: &Path, what: &str, html: &str, charts: usize) {
    if let Some(dir) = std::env::var_os("SEATPLAN_KEEP_REPORTS") {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(Path::new(&dir).join(format!("{what}.html")), html);
    }
    let (probe, console) = open_in_browser(browser, html);
    assert!(console.is_empty(), "{what}: console messages: {console:#?}");
    assert!(
        probe.errors.is_empty(),
        "{what}: errors: {:#?}",
        probe.errors
    );
    assert_eq!(probe.resources, 0, "{what}: the page fetched something");
    assert_eq!(probe.charts.len(), charts, "{what}: {probe:?}");
    for (i, c) in probe.charts.iter().enumerate() {
        assert!(
            c.width > 200.0 && c.height > 40.0 && c.drawn > 2,
            "{what}: chart {i} is not laid out or empty: {c:?}"
        );
    }
}

#[test]
fn browser_probe_catches_errors_and_empty_charts() {
    // The harness itself: a page with a script error and an empty chart must not pass.
    let Some(browser) = chromium() else { return };
    let html = "<!DOCTYPE html><html><head><title>t</title></head><body>\
        <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\"></svg>\
        <script>console.log('hello'); notDefined();</script></body></html>";
    let (probe, console) = open_in_browser(&browser, html);
    assert!(
        console.iter().any(|l| l.contains("hello")),
        "console messages are not seen: {console:?}"
    );
    assert!(
        probe.errors.iter().any(|e| e.contains("notDefined")),
        "{probe:?}"
    );
    assert_eq!(probe.charts.len(), 1);
    assert_eq!(probe.charts[0].drawn, 0);
}

#[test]
fn browser_renders_run_reports_of_a_tiny_and_a_generated_city() {
    let Some(browser) = chromium() else { return };
    let sc = two_schools();
    let html = run_report(&sc, &solve_checked(&sc, Mechanism::Optimal));
    assert_renders(&browser, "two-schools", &html, 4);

    use seatplan::{generate_city, CityConfig, DistrictSpec};
    let districts = [
        ("XH", "西湖区 <West & Lake>"),
        ("BJ", "滨江区"),
        ("SC", "上城区"),
    ]
    .iter()
    .map(|(id, name)| DistrictSpec {
        id: id.to_string(),
        name: name.to_string(),
        population: 60_000,
    })
    .collect();
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in generate_city(&CityConfig::new("report city", districts, 5)) {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let city = load(&tmp.path().join("scenario.toml"));
    let html = run_report(&city, &solve_checked(&city, Mechanism::Optimal));
    assert!(html.contains("西湖区 &lt;West &amp; Lake&gt;"));
    assert_renders(&browser, "generated city", &html, 4);
}

#[test]
fn browser_renders_sweep_reports_of_seven_and_of_1080_points() {
    let Some(browser) = chromium() else { return };
    let html = sweep_report(&small_sweep());
    assert_renders(&browser, "sweep", &html, 7 * 2 + 2 + 1 + 1);
    let html = sweep_report(&thousand_point_sweep());
    assert_renders(
        &browser,
        "sweep of 1080 points",
        &html,
        7 * 3 + 2 * 3 + 1 + 1,
    );
}
