//! `appeal_and_write`: an archived scenario re-run with an appeal's corrections.

use std::path::{Path, PathBuf};

use super::{go_on, RunSettings};
use crate::appeal::{changes, load_appeal, Appeal, Change};
use crate::atomic_dir::{check_output_dir, write_dir, Provenance};
use crate::error::Error;
use crate::progress::{Reporter, Stage};
use crate::Solved;

/// The file listing every child whose placement the appeal changes.
pub const CHANGES: &str = "changes.csv";
/// The file recording the appeal, its scenario and how many children it moved.
pub const APPEAL_JSON: &str = "appeal.json";
/// The file of letters: the explanation of each child the appeal concerns.
pub const LETTERS: &str = "letters.txt";

/// What [`appeal_and_write`] did.
#[derive(Debug, Clone)]
pub struct AppealRun {
    /// The appeal: the archived scenario and the corrected one.
    pub appeal: Appeal,
    /// The archived scenario solved as it was.
    pub before: Solved,
    /// The corrected scenario solved.
    pub after: Solved,
    /// Every child placed differently, by child id.
    pub changes: Vec<Change>,
    /// The output folder.
    pub out: PathBuf,
}

/// Loads the appeal file at `file`, solves its archived scenario as it was and with the
/// corrections, and writes the corrected run's outputs (in `settings.lang`) with `changes.csv`,
/// `letters.txt` and `appeal.json` as the complete contents of folder `out` (replaced atomically; refused, before solving, unless
/// absent, empty or an output folder seatplan wrote that holds neither the appeal file nor an
/// input of its scenario: [`crate::check_output_dir`]).
///
/// As with [`super::run_and_write`], a corrected run that fails the independent check is still
/// written; [`super::require_passed`] on `after.check` gives the verdict.
pub fn appeal_and_write(
    file: &Path,
    out: &Path,
    settings: &RunSettings,
    reporter: &dyn Reporter,
) -> Result<AppealRun, Error> {
    let (mechanism, options) = (settings.mechanism, &settings.options);
    go_on(reporter)?;
    let t = std::time::Instant::now();
    let appeal = load_appeal(file)?;
    reporter.stage_finished(
        Stage::Load,
        t.elapsed(),
        &super::describe_scenario(&appeal.corrected),
    );
    let mut inputs = vec![file.to_path_buf()];
    inputs.extend(appeal.base.files.all().into_iter().map(Path::to_path_buf));
    let by = Provenance::new("appeal", inputs);
    check_output_dir(out, &by.inputs)?;
    go_on(reporter)?;
    let t = std::time::Instant::now();
    let before = crate::solve(&appeal.base.scenario, mechanism, options)?;
    go_on(reporter)?;
    let after = crate::solve(&appeal.corrected, mechanism, options)?;
    reporter.stage_finished(Stage::Solve, t.elapsed(), "");
    go_on(reporter)?;
    let t = std::time::Instant::now();
    let moved = changes(
        &appeal.corrected,
        &before.assignment.outcomes,
        &after.assignment.outcomes,
    );
    let mut files =
        crate::run_outputs::render_run_in(&appeal.corrected, &after, false, settings.lang);
    files.push((CHANGES, changes_csv(&moved)));
    files.push((LETTERS, letters_txt(&appeal, &after, &moved, settings.lang)));
    let mut summary = serde_json::to_vec_pretty(&serde_json::json!({
        "appeal": file.display().to_string(),
        "scenario": appeal.base.files.scenario.display().to_string(),
        "note": appeal.note,
        "children_corrected": appeal.children,
        "children_moved": moved.len(),
    }))
    .expect("serialising to memory");
    summary.push(b'\n');
    files.push((APPEAL_JSON, summary));
    write_dir(out, &files, &by)?;
    reporter.stage_finished(Stage::Write, t.elapsed(), "");
    Ok(AppealRun {
        appeal,
        before,
        after,
        changes: moved,
        out: out.to_path_buf(),
    })
}

/// `letters.txt`: the explanation under the corrections of every child corrected or placed
/// differently, by child id, in `lang` ([`crate::explain::letters::letters`]).
fn letters_txt(appeal: &Appeal, after: &Solved, moved: &[Change], lang: crate::Lang) -> Vec<u8> {
    let sc = &appeal.corrected;
    let mut ids: Vec<&str> = appeal
        .children
        .iter()
        .map(String::as_str)
        .chain(moved.iter().map(|m| m.child.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let children: Vec<_> = sc
        .child_indices()
        .filter(|&c| ids.binary_search(&sc.child(c).id.as_str()).is_ok())
        .collect();
    crate::explain::letters::letters(
        sc,
        &after.ranking,
        &after.assignment.outcomes,
        &children,
        lang,
    )
    .into_bytes()
}

/// `changes.csv`: one row per child placed differently (only the header if none).
pub(crate) fn changes_csv(changes: &[Change]) -> Vec<u8> {
    if changes.is_empty() {
        return b"child,before,after\n".to_vec();
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for ch in changes {
        w.serialize(ch).expect("writing CSV to memory");
    }
    w.into_inner().expect("writing CSV to memory")
}
