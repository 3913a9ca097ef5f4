//! Hostile inputs: files that are not files, files too large, input shaped to make the work
//! quadratic, messages that would flood or drive the terminal, and nonsense that looks like
//! data. Each test names the guarantee of `docs/reliability.md` ("Hostile inputs") it checks.
//!
//! A test that could hang on a regression (a FIFO read blocks until a writer comes) runs its
//! work on a thread of its own and fails if no answer comes within a few seconds.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::util::{assert_no_panic, copy_scenario, seatplan};

/// A fresh copy of the tiny two-school scenario.
fn tiny() -> TempDir {
    copy_scenario("tiny/two-schools")
}

fn scenario(dir: &TempDir) -> PathBuf {
    dir.path().join("scenario.toml")
}

/// Runs `f` on its own thread and returns its answer, or fails the test if it takes longer
/// than `secs` (the thread is left behind, blocked: the test process ends anyway).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer within {secs} s (it blocks)"),
    }
}

/// Makes a FIFO (named pipe) at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// Every error of a scenario that must be refused, as text.
fn refusal(path: &Path) -> Vec<String> {
    match seatplan::load(path) {
        Ok(_) => panic!("{} was accepted", path.display()),
        Err(e) => e.errors.iter().map(|e| e.to_string()).collect(),
    }
}

/// The errors' messages, with the temp folder cut off the paths.
fn relative(dir: &TempDir, errors: Vec<String>) -> Vec<String> {
    let prefix = format!("{}/", dir.path().display());
    errors.iter().map(|e| e.replace(&prefix, "")).collect()
}

#[cfg(unix)]
#[test]
fn a_fifo_as_a_table_is_refused_at_once() {
    let dir = tiny();
    let children = dir.path().join("children.csv");
    std::fs::remove_file(&children).unwrap();
    mkfifo(&children);
    let path = scenario(&dir);
    let errors = within(10, "a FIFO as the children table", move || refusal(&path));
    assert_eq!(
        relative(&dir, errors),
        ["children.csv: cannot read the file: it is a FIFO (named pipe), not a regular file"]
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_scenario_is_refused_at_once_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    mkfifo(&path);
    let arg = path.to_str().unwrap().to_string();
    let o = within(20, "a FIFO as the scenario", move || {
        seatplan(&["validate", &arg])
    });
    assert_no_panic("validate a FIFO", &o);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "cannot read the scenario file: it is a FIFO (named pipe), not a regular file"
        ),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_by_a_manifest_is_refused_at_once() {
    let dir = tiny();
    let out = dir.path().join("out");
    let o = seatplan(&[
        "run",
        scenario(&dir).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // An input of the run replaced by a FIFO: verify must answer, not wait for a writer.
    let choices = dir.path().join("choices.csv");
    std::fs::remove_file(&choices).unwrap();
    mkfifo(&choices);
    let (record, _) = seatplan::Manifest::read(&out).unwrap();
    let problems = within(10, "a FIFO named by a manifest", move || {
        seatplan::verify_run(&record, &out).unwrap()
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("choices.csv (it is a FIFO (named pipe), not a regular file)"),
        "{problems:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_without_reading_it() {
    let dir = tiny();
    let text = std::fs::read_to_string(scenario(&dir))
        .unwrap()
        .replace("children = \"children.csv\"", "children = \"/dev/zero\"");
    std::fs::write(scenario(&dir), text).unwrap();
    let path = scenario(&dir);
    let errors = within(10, "/dev/zero as a table", move || refusal(&path));
    assert_eq!(
        errors,
        ["/dev/zero: cannot read the file: it is a character device, not a regular file"]
    );
    // The same for the policy (a text file) and a folder.
    let text = std::fs::read_to_string(scenario(&dir))
        .unwrap()
        .replace("children = \"/dev/zero\"", "children = \"children.csv\"")
        .replace("policy = \"policy.toml\"", "policy = \"/dev/urandom\"");
    std::fs::write(scenario(&dir), &text).unwrap();
    let path = scenario(&dir);
    let errors = within(10, "/dev/urandom as the policy", move || refusal(&path));
    assert_eq!(
        errors,
        ["/dev/urandom: cannot read the policy file: it is a character device, not a regular file"]
    );
    std::fs::write(scenario(&dir), text.replace("\"/dev/urandom\"", "\".\"")).unwrap();
    assert_eq!(
        relative(&dir, refusal(&scenario(&dir))),
        [".: cannot read the policy file: it is a folder, not a regular file"]
    );
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = tiny();
    // One MiB and a little of valid rows, under a scenario limit of one MiB.
    let mut children = std::fs::read_to_string(dir.path().join("children.csv")).unwrap();
    let row = "\nZ,2017-01-10,D1,0.5,0,D1,0,0,60,owned,bachelor,";
    while children.len() <= 1 << 20 {
        children.push_str(row);
    }
    let size = children.len();
    std::fs::write(dir.path().join("children.csv"), &children).unwrap();
    let text = std::fs::read_to_string(scenario(&dir)).unwrap();
    std::fs::write(scenario(&dir), format!("{text}\n[limits]\ntable_mib = 1\n")).unwrap();
    let errors = relative(&dir, refusal(&scenario(&dir)));
    assert_eq!(
        errors,
        [format!(
            "children.csv: cannot read the file: it is {:.1} MiB ({size} bytes), over the limit of 1 MiB for a table (raise it with `--max-table-mib` or `[limits] table_mib`)",
            size as f64 / (1 << 20) as f64
        )]
    );
    // The command line wins over the scenario file: the file is read again (and its
    // duplicate ids found) with a larger limit.
    let o = seatplan(&[
        "validate",
        scenario(&dir).to_str().unwrap(),
        "--max-table-mib",
        "2",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("duplicate id `Z`"), "{stderr}");
    // And a limit on the command line refuses a text file over it.
    let o = seatplan(&[
        "validate",
        scenario(&dir).to_str().unwrap(),
        "--max-text-mib",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// A children file with `columns` extra fact columns (all valid): checking the header must be
/// linear in its width.
#[test]
fn a_header_of_100k_columns_is_checked_in_linear_time() {
    let dir = tiny();
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let n = 100_000;
    let mut header = lines.next().unwrap().to_string();
    for i in 0..n {
        header.push_str(&format!(",fact_f{i}"));
    }
    let mut out = header + "\n";
    for line in lines {
        out.push_str(line);
        out.push_str(&",0".repeat(n));
        out.push('\n');
    }
    std::fs::write(&path, out).unwrap();
    let start = Instant::now();
    let loaded = seatplan::load(&scenario(&dir)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.scenario.extra_facts().len(), n);
    // Unknown columns: every one reported, the report bounded.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(",fact_f", ",other_");
    std::fs::write(&path, text).unwrap();
    let e = seatplan::load(&scenario(&dir)).unwrap_err();
    assert_eq!(e.errors.len(), n);
    let shown = e.to_string();
    // One line for the 100,000 problems of one kind, naming the first 20 fields.
    assert_eq!(shown.lines().count(), 1 + 1, "{shown}");
    let fields: Vec<String> = (0..20).map(|i| format!("`other_{i}`")).collect();
    assert_eq!(
        shown.lines().last().unwrap(),
        format!(
            "  {}:1: 100,000 problems like the one in field `other_0`: unknown column (expected: {}); fields {} and 99,980 more",
            path.display(),
            "id, birth_date, residence_district, permit_months, insurance_months, residence_months, housing, education, x_km, y_km, lat, lon, hukou_district, sibling_school, insurance_months_elsewhere, residence_months_elsewhere, insurance_back_paid, sibling_group, community, hukou_community, primary_school, lottery, fact_*",
            fields.join(", ")
        ),
    );
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn a_policy_of_100k_indicators_is_checked_in_linear_time() {
    let mut text = String::from("name = \"many\"\n");
    let n = 100_000;
    for i in 0..n {
        text.push_str(&format!(
            "[[indicators]]\nname = \"i{i}\"\nfact = \"insurance_months\"\npoints_per_unit = 0.001\n"
        ));
    }
    // One bad indicator at the very end, reported at its line.
    text.push_str("[[indicators]]\nname = \"last\"\nfact = \"Bad\"\npoints_per_unit = 1\n");
    let start = Instant::now();
    let errors = seatplan::policy::file::parse_policy(Path::new("p.toml"), &text).unwrap_err();
    let took = start.elapsed();
    assert_eq!(
        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        [format!(
            "p.toml:{}: field `fact`: `Bad` is not a fact name (lower-case letters, digits and `_`)",
            2 + 4 * n + 2
        )]
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn a_1_mib_cell_is_cut_in_the_message() {
    let dir = tiny();
    let blob = "x".repeat(1 << 20);
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "A,2017-01-10,D1,0.5,0,D1,0,0,60,owned,",
        &format!("A,2017-01-10,D1,0.5,0,D1,0,0,60,{blob},"),
    );
    std::fs::write(&path, text).unwrap();
    let errors = relative(&dir, refusal(&scenario(&dir)));
    assert_eq!(
        errors,
        [format!(
            "children.csv:2: field `housing`: `{}… ({} bytes)` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)",
            "x".repeat(40),
            1 << 20
        )]
    );
    // A file that is not CSV: its whole first line is one "column name", cut when shown.
    std::fs::write(
        dir.path().join("choices.csv"),
        format!("{}\n", "lorem ipsum dolor sit amet ".repeat(10_000)),
    )
    .unwrap();
    let errors = relative(&dir, refusal(&scenario(&dir)));
    assert!(errors.iter().all(|e| e.len() < 400), "{errors:?}");
}

#[test]
fn a_thousand_bad_dates_give_a_bounded_report() {
    let dir = tiny();
    let path = dir.path().join("children.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for i in 0..1000 {
        text.push_str(&format!(
            "X{i:04},2017-13-01,D1,0.5,0,D1,0,0,60,owned,bachelor,\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    let e = seatplan::load(&scenario(&dir)).unwrap_err();
    assert_eq!(e.errors.len(), 1000);
    let shown = e.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 1 + 1, "{shown}");
    assert_eq!(lines[0], "the scenario has 1000 problems:");
    let first20: Vec<String> = (8..28).map(|l| l.to_string()).collect();
    assert_eq!(
        lines[1],
        format!(
            "  {}: field `birth_date`: 1,000 problems like the one at line 8: `2017-13-01` is not a real date (months run from 01 to 12); lines {} and 980 more",
            path.display(),
            first20.join(", ")
        )
    );
}

/// The city's 142,947 children with day-first dates, as a generated table: one line for them
/// all, between the problems of other kinds, each of which is still listed on its own line.
#[test]
fn many_bad_rows_of_one_kind_are_one_line_among_the_others() {
    let dir = tiny();
    let path = dir.path().join("children.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let n = 142_947;
    // A bad count, two rows with a bad housing word, then the bad dates.
    text.push_str("M1,2017-01-10,D1,0.5,0,D1,\"1,00\",0,60,owned,bachelor,\n");
    text.push_str("H1,2017-01-10,D1,0.5,0,D1,0,0,60,dorm,bachelor,\n");
    text.push_str("H2,2017-01-10,D1,0.5,0,D1,0,0,60,tent,bachelor,\n");
    for i in 0..n {
        let (day, month) = (1 + i % 28, 1 + i % 12);
        text.push_str(&format!(
            "X{i:06},{day}/{month}/2017,D1,0.5,0,D1,0,0,60,owned,bachelor,\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    let e = seatplan::load(&scenario(&dir)).unwrap_err();
    assert_eq!(e.errors.len(), n + 3);
    let shown = relative(&dir, vec![e.to_string()]).remove(0);
    let lines: Vec<&str> = shown.lines().collect();
    let first20: Vec<String> = (11..31).map(|l| l.to_string()).collect();
    let hint = "write dates year first, as YYYY-MM-DD (2017-01-10), 2017/1/10 or 2017年1月10日";
    assert_eq!(
        lines,
        [
            format!("the scenario has {} problems:", n + 3).as_str(),
            "  children.csv:8: field `permit_months`: `1,00` is not a whole number: thousands are grouped by `,` in threes (`1,000`, `12,345,678`)",
            "  children.csv:9: field `housing`: `dorm` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)",
            "  children.csv:10: field `housing`: `tent` is not one of: owned (自有住房), rented (租房), none (无住房) (see docs/dictionary.md)",
            &format!("  children.csv: field `birth_date`: 142,947 problems like the one at line 11: `1/1/2017` is written day-first or month-first, which cannot be told apart; {hint}; lines {} and 142,927 more", first20.join(", ")),
        ]
    );
}

#[test]
fn control_characters_in_an_id_are_refused_and_escaped_on_stderr() {
    let dir = tiny();
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\nF,", "\nF\u{1b}]0;pwned\u{7},");
    std::fs::write(&path, text).unwrap();
    let o = seatplan(&["validate", scenario(&dir).to_str().unwrap()]);
    assert_no_panic("an ESC in an id", &o);
    assert_eq!(o.status.code(), Some(2));
    assert!(!o.stderr.contains(&0x1b), "a raw ESC reached stderr");
    assert!(!o.stderr.contains(&0x07), "a raw BEL reached stderr");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("children.csv:7: field `id`: `F\\u{1b}]0;pwned\\u{7}` holds a control character (U+001B, character 2): ids may hold no control, zero-width or format characters"),
        "{stderr}"
    );
    // A control character in a path given on the command line is escaped too.
    let o = seatplan(&["validate", "no\u{1b}[2Jsuch.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!o.stderr.contains(&0x1b), "a raw ESC reached stderr");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no\\u{1b}[2Jsuch.toml"));
}

#[test]
fn zero_width_and_full_width_ids_are_refused_or_duplicates() {
    let dir = tiny();
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    // A zero-width space inside an id, a BOM inside another, and a NUL.
    let zw = text
        .replace("\nE,", "\nE\u{200b}1,")
        .replace("\nF,", "\nF\u{feff},")
        .replace("\nD,", "\nD\u{0},");
    std::fs::write(&path, zw).unwrap();
    let errors = relative(&dir, refusal(&scenario(&dir)));
    let ids: Vec<&String> = errors.iter().filter(|e| e.contains("field `id`")).collect();
    assert_eq!(ids.len(), 3, "{errors:?}");
    assert!(
        ids[0]
            .starts_with("children.csv:5: field `id`: `D\\u{0}` holds a control character (U+0000"),
        "{}",
        ids[0]
    );
    assert!(
        ids[1].starts_with(
            "children.csv:6: field `id`: `E\\u{200b}1` holds an invisible format character (U+200B"
        ),
        "{}",
        ids[1]
    );
    assert!(
        ids[2].starts_with(
            "children.csv:7: field `id`: `F\\u{feff}` holds an invisible format character (U+FEFF"
        ),
        "{}",
        ids[2]
    );
    // A full-width letter: the same id as `A` after compatibility folding.
    let full = format!("{text}Ａ,2017-01-10,D1,0.5,0,D1,0,0,60,owned,bachelor,\n");
    std::fs::write(&path, full).unwrap();
    let errors = relative(&dir, refusal(&scenario(&dir)));
    assert_eq!(
        errors,
        ["children.csv:8: field `id`: duplicate id `Ａ`: the same as `A` (line 2) after Unicode compatibility folding (full-width and other variant forms of a character count as the same)"]
    );
}

#[test]
fn hexadecimal_and_other_number_forms_are_refused() {
    let dir = tiny();
    let path = dir.path().join("schools.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "S1,First Primary,D1,1,2,0,0",
            "S1,First Primary,D1,1,0x10,0,0",
        )
        .replace(
            "S2,Second Primary,D1,1,1,2,0",
            "S2,Second Primary,D1,1,+1,inf,1e3",
        );
    std::fs::write(&path, text).unwrap();
    let errors = relative(&dir, refusal(&scenario(&dir)));
    assert_eq!(
        errors[..2],
        [
            "schools.csv:2: field `seats`: `0x10` is not a whole number",
            "schools.csv:3: field `seats`: `+1` is not a whole number",
        ]
    );
}

#[test]
fn year_0000_is_refused() {
    let dir = tiny();
    let path = dir.path().join("children.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("A,2017-01-10,", "A,0000-01-10,")
        .replace("B,2017-02-10,", "B,2190-02-10,");
    std::fs::write(&path, text).unwrap();
    assert_eq!(
        relative(&dir, refusal(&scenario(&dir))),
        [
            "children.csv:2: field `birth_date`: `0000-01-10` is not a plausible date (years run from 1900 to 2100)",
            "children.csv:3: field `birth_date`: `2190-02-10` is not a plausible date (years run from 1900 to 2100)",
        ]
    );
}

#[test]
fn an_appeal_that_corrects_one_fact_twice_is_refused() {
    let dir = tiny();
    let appeal = dir.path().join("appeal.toml");
    std::fs::write(
        &appeal,
        "scenario = \"scenario.toml\"\n\n[[child]]\nid = \"D\"\ninsurance_months = 65\n\n[[child]]\nid = \"C\"\nhousing = \"owned\"\n\n[[child]]\nid = \"D\"\ninsurance_months = 30\n",
    )
    .unwrap();
    let e = seatplan::load_appeal(&appeal).unwrap_err();
    assert_eq!(
        relative(&dir, e.errors.iter().map(|e| e.to_string()).collect()),
        ["appeal.toml:13: field `insurance_months`: child `D`'s `insurance_months` is already corrected at line 5: an appeal corrects each fact once"]
    );
}

/// A placements file read back takes a choice rank in the documented decimal form only: `+1`
/// (which Rust's own parsing takes) is refused as invalid input.
#[test]
fn a_placements_choice_rank_takes_only_the_decimal_form() {
    let dir = tiny();
    let out = dir.path().join("out");
    let o = seatplan(&[
        "run",
        scenario(&dir).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let placements = out.join("placements.csv");
    let text = std::fs::read_to_string(&placements).unwrap();
    // Child A is admitted to her first choice: write her rank as `+1`.
    let line = text
        .lines()
        .find(|l| l.starts_with("A,"))
        .unwrap()
        .to_string();
    let mut cells: Vec<&str> = line.split(',').collect();
    let rank = cells.iter().position(|c| *c == "1").unwrap();
    cells[rank] = "+1";
    std::fs::write(&placements, text.replace(&line, &cells.join(","))).unwrap();
    let o = seatplan(&[
        "check",
        scenario(&dir).to_str().unwrap(),
        "--placements",
        placements.to_str().unwrap(),
    ]);
    assert_no_panic("seatplan check", &o);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("`+1` is not a choice rank"), "{stderr}");
}

/// TOML's other number forms (`0x10`, `0o20`, `+5`, `nan`) are refused in every TOML file the
/// tool reads, with the line and key: scenario, policy, sweep and appeal files.
#[test]
fn toml_numbers_take_only_the_decimal_form() {
    let dir = tiny();
    let scenario_text = std::fs::read_to_string(scenario(&dir)).unwrap();
    std::fs::write(
        scenario(&dir),
        scenario_text.replace("budget_yuan = 6000", "budget_yuan = 0x1770"),
    )
    .unwrap();
    assert_eq!(
        relative(&dir, refusal(&scenario(&dir))),
        ["scenario.toml:6: field `budget_yuan`: `0x1770` is not a number in decimal form: numbers are read in decimal only (no hexadecimal, octal or binary)"]
    );
    std::fs::write(scenario(&dir), &scenario_text).unwrap();

    let policy = dir.path().join("policy.toml");
    let policy_text = std::fs::read_to_string(&policy).unwrap();
    for (from, to, error) in [
        (
            "min_permit_months = 12",
            "min_permit_months = +12",
            "policy.toml:4: field `gates.min_permit_months`: `+12` is not a number in decimal form: a number takes no `+` sign",
        ),
        (
            "cap = 60",
            "cap = 0o74",
            "policy.toml:11: field `indicators[1].cap`: `0o74` is not a number in decimal form: numbers are read in decimal only (no hexadecimal, octal or binary)",
        ),
        (
            "owned = 20,",
            "owned = nan,",
            "policy.toml:16: field `indicators[2].points.owned`: `nan` is not a number in decimal form: a number must be finite (no `inf` or `nan`)",
        ),
    ] {
        std::fs::write(&policy, policy_text.replace(from, to)).unwrap();
        assert_eq!(relative(&dir, refusal(&scenario(&dir))), [error], "{to}");
    }
    std::fs::write(&policy, &policy_text).unwrap();
    // The decimal forms TOML allows stay allowed: `_` between digits, a fraction, an exponent.
    std::fs::write(
        &policy,
        policy_text
            .replace("cap = 60", "cap = 6_0")
            .replace("points_per_unit = 1", "points_per_unit = 1.0e0"),
    )
    .unwrap();
    assert!(seatplan::load(&scenario(&dir)).is_ok());
    std::fs::write(&policy, &policy_text).unwrap();

    let sweep = dir.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        "name = \"budgets\"\nscenario = \"scenario.toml\"\n\n[[parameter]]\nid = \"budget\"\nkind = \"budget_yuan\"\nvalues = [0, 0x10]\n",
    )
    .unwrap();
    let Err(e) = seatplan::load_sweep(&sweep) else {
        panic!("a sweep with `0x10` was accepted")
    };
    assert_eq!(
        relative(&dir, e.errors.iter().map(|e| e.to_string()).collect()),
        ["sweep.toml:7: field `parameter[1].values[2]`: `0x10` is not a number in decimal form: numbers are read in decimal only (no hexadecimal, octal or binary)"]
    );

    let appeal = dir.path().join("appeal.toml");
    std::fs::write(
        &appeal,
        "scenario = \"scenario.toml\"\n\n[[child]]\nid = \"D\"\ninsurance_months = +65\n",
    )
    .unwrap();
    let e = seatplan::load_appeal(&appeal).unwrap_err();
    assert_eq!(
        relative(&dir, e.errors.iter().map(|e| e.to_string()).collect()),
        ["appeal.toml:5: field `child[1].insurance_months`: `+65` is not a number in decimal form: a number takes no `+` sign"]
    );
}

/// The candidates file of `seatplan plan` reads its numbers and ids by the tables' rules: no
/// `+`, hexadecimal or exponent, no hidden characters in an id, ids equal after compatibility
/// folding are duplicates.
#[test]
fn the_candidates_file_takes_the_tables_forms() {
    let dir = copy_scenario("tiny/planning");
    let loaded = seatplan::load(&dir.path().join("scenario.toml")).unwrap();
    let path = dir.path().join("candidates.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = text
        .replace(",45,2000000,0,1,2,,", ",0x2d,+2000000,0,1,2,,")
        .replace(",90,1000000,10000000,1,3,1,1", ",90,1e6,10000000,1,3,inf,1")
        + "Ｃ3,D2,S2,Another class,45,500000,0,1,1,,\n"
        + "C\u{200b}4,D2,S2,Another class,45,500000,0,1,1,,\n";
    std::fs::write(&path, bad).unwrap();
    let e = seatplan::read_candidates(&path, &loaded.scenario).unwrap_err();
    assert_eq!(
        relative(&dir, e.errors.iter().map(|e| e.to_string()).collect()),
        [
            "candidates.csv:2: field `seats_per_unit`: `0x2d` is not a whole number",
            "candidates.csv:3: field `cost_per_unit_yuan`: `1e6` is not a whole number",
            "candidates.csv:5: field `id`: duplicate id `Ｃ3` (first defined at line 4)",
            "candidates.csv:6: field `id`: `C\\u{200b}4` holds an invisible format character (U+200B, character 2): ids may hold no control, zero-width or format characters",
        ]
    );
}
