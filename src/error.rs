//! Library error types.
//!
//! Input problems are collected, not thrown one at a time: loading a scenario gathers every bad
//! row it can find into [`InputErrors`], each naming the file, the line and the field, so an analyst
//! can fix a spreadsheet in one pass. Solver trouble and output trouble have their own enums.

use std::fmt;
use std::path::PathBuf;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line number, when the problem belongs to a line.
    pub line: Option<u64>,
    /// The column or key, when the problem belongs to one.
    pub field: Option<String>,
    /// What is wrong, in words an analyst understands.
    pub message: String,
}

impl InputError {
    /// A problem with a whole file (missing, unreadable, empty).
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem at one line and field of a file.
    pub fn at(
        file: impl Into<PathBuf>,
        line: u64,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.into(),
            line: Some(line),
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", shorten_quoted(&self.message))
    }
}

/// Values quoted in backticks longer than this are cut when shown (a pasted blob in a cell
/// must not flood the terminal).
const MAX_QUOTED_CHARS: usize = 80;

/// The message with every over-long backticked value cut to its start, a `…` and its size.
fn shorten_quoted(message: &str) -> std::borrow::Cow<'_, str> {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() < 3
        || !parts
            .iter()
            .skip(1)
            .step_by(2)
            .any(|q| q.chars().count() > MAX_QUOTED_CHARS)
    {
        return message.into();
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are quoted, unless the last backtick is unmatched.
        let quoted = i % 2 == 1 && i + 1 < parts.len();
        if quoted && part.chars().count() > MAX_QUOTED_CHARS {
            let start: String = part.chars().take(MAX_QUOTED_CHARS / 2).collect();
            out.push_str(&format!("{start}… ({} bytes)", part.len()));
        } else {
            out.push_str(part);
        }
    }
    out.into()
}

/// What kind of input file a set of problems was found in; it names the file in the headline
/// of [`InputErrors`] ("the sweep file has 2 problems:").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputKind {
    /// A scenario: its TOML file, its policy and its tables.
    Scenario,
    /// A sweep file (`seatplan sweep`).
    Sweep,
    /// An appeal file (`seatplan appeal`).
    Appeal,
    /// A placements file read back for checking (`seatplan check`).
    Placements,
    /// A candidate expansions file (`seatplan plan`).
    Candidates,
    /// A census file of district populations (`seatplan generate`).
    Census,
    /// A run's `manifest.json` (`seatplan verify`).
    Manifest,
    /// A later round's files: declines, late applicants, seat changes (`seatplan round`).
    Round,
}

impl InputKind {
    /// The words naming this kind of input in a sentence ("sweep file").
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Scenario => "scenario",
            InputKind::Sweep => "sweep file",
            InputKind::Appeal => "appeal file",
            InputKind::Placements => "placements file",
            InputKind::Candidates => "candidates file",
            InputKind::Census => "census file",
            InputKind::Manifest => "manifest",
            InputKind::Round => "round input",
        }
    }
}

/// Every problem found while reading one input (a scenario, a sweep file, an appeal, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors {
    /// What was being read.
    pub input: InputKind,
    /// Every problem found, in the order found.
    pub errors: Vec<InputError>,
}

impl InputErrors {
    /// The problems `errors` found in an input of kind `input`.
    pub fn new(input: InputKind, errors: Vec<InputError>) -> Self {
        InputErrors { input, errors }
    }

    /// The problems found in a scenario.
    pub fn scenario(errors: Vec<InputError>) -> Self {
        InputErrors::new(InputKind::Scenario, errors)
    }

    /// A single problem found in an input of kind `input`.
    pub fn one(input: InputKind, error: InputError) -> Self {
        InputErrors::new(input, vec![error])
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, InputError> {
        self.errors.iter()
    }
}

impl<'a> IntoIterator for &'a InputErrors {
    type Item = &'a InputError;
    type IntoIter = std::slice::Iter<'a, InputError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        writeln!(
            f,
            "the {} has {n} problem{}:",
            self.input.name(),
            if n == 1 { "" } else { "s" }
        )?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

/// A failure of the choice stage.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// The backend proved the model of a component has no solution (a bug in the model if it
    /// happens: the empty assignment is always feasible for the public stage).
    #[error("component {component}: the solver proved the model infeasible")]
    Infeasible {
        /// Index of the component, in the order components are listed.
        component: usize,
    },
    /// The backend failed on a component of the model in another way than infeasibility (the
    /// choice stage then keeps the deferred-acceptance start there: `ComponentStatus::IpFailed`).
    #[error("component {component}: the solver failed")]
    Backend {
        /// Index of the component, in the order components are listed.
        component: usize,
        /// What the backend reported.
        #[source]
        source: BackendError,
    },
    /// The envy repair of joint applications of siblings did not reach an assignment without
    /// justified envy within its limit of moves.
    #[error(
        "joint applications: no assignment without justified envy was reached after {moves} repair moves"
    )]
    RepairLimit {
        /// The limit of repair moves that was reached.
        moves: usize,
    },
    /// The mechanism asked for does not model a feature the scenario uses.
    #[error(
        "mechanism `{mechanism}` does not handle {feature}; use `optimal` or `deferred-acceptance`"
    )]
    Unsupported {
        /// The mechanism's name, as the command line spells it.
        mechanism: &'static str,
        /// The feature, in words.
        feature: &'static str,
    },
}

/// What the integer-programming backend reported on one component, typed as the backend gave it.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// good_lp's error from building or solving the model.
    #[error(transparent)]
    Resolution(#[from] good_lp::ResolutionError),
    /// The backend refused the requested relative optimality gap.
    #[error(transparent)]
    MipGap(#[from] good_lp::solvers::MipGapError),
    /// The microlp backend was asked for but is not compiled into this build.
    #[error("this build has no microlp backend (feature `microlp`)")]
    MicrolpMissing,
    /// The HiGHS backend was asked for but is not compiled into this build.
    #[error("this build has no HiGHS backend: rebuild with `--features highs`")]
    HighsMissing,
    /// HiGHS refused an option.
    #[cfg(feature = "highs")]
    #[error("HiGHS refused the option {option}")]
    HighsOption {
        /// The option's name.
        option: &'static str,
    },
    /// HiGHS refused the starting (deferred-acceptance) solution.
    #[cfg(feature = "highs")]
    #[error("HiGHS refused the starting solution: {0:?}")]
    HighsStart(highs::HighsStatus),
    /// HiGHS returned an error while solving.
    #[cfg(feature = "highs")]
    #[error("HiGHS error while solving: {0:?}")]
    HighsRun(highs::HighsStatus),
    /// HiGHS ended with a model status that gives no usable solution.
    #[cfg(feature = "highs")]
    #[error("HiGHS ended with status {0:?}")]
    HighsStatus(highs::HighsModelStatus),
    /// HiGHS stopped (at a limit) without a feasible solution.
    #[cfg(feature = "highs")]
    #[error("HiGHS stopped without a feasible solution")]
    HighsNoSolution,
}

impl BackendError {
    /// Whether the backend proved the model infeasible.
    pub fn is_infeasible(&self) -> bool {
        match self {
            BackendError::Resolution(good_lp::ResolutionError::Infeasible) => true,
            #[cfg(feature = "highs")]
            BackendError::HighsStatus(
                highs::HighsModelStatus::Infeasible
                | highs::HighsModelStatus::UnboundedOrInfeasible,
            ) => true,
            _ => false,
        }
    }
}

/// A failure while writing outputs. Nothing is left half-written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder could not be written.
    #[error("cannot write output folder {path}: {source}")]
    Io {
        /// The folder (or file in it) that could not be written.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// Replacing an output folder failed at `step`; the folder was left as it was (absent if it
    /// did not exist). The operating system's reason is the `source`.
    #[error("{step}; the output folder {dir} is left as it was")]
    Folder {
        /// The output folder that was being replaced.
        dir: PathBuf,
        /// What was being done when it failed, in words (e.g. creating the staging folder).
        step: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// Replacing a single output file failed at `step`; the file was left as it was.
    #[error("{step}; {path} is left as it was")]
    File {
        /// The output file that was being replaced.
        path: PathBuf,
        /// What was being done when it failed, in words (e.g. writing the partial file).
        step: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The new contents could not be moved in, nor the old ones back: they are kept in `kept`.
    #[error("cannot move the new results into {dir}; its previous contents are kept in {kept}")]
    Moved {
        /// The output folder whose new contents could not be moved in.
        dir: PathBuf,
        /// Where the folder's previous contents now are (a sibling of `dir`).
        kept: PathBuf,
        /// The operating system's reason the new contents could not be moved in.
        #[source]
        source: std::io::Error,
    },
    /// A CSV output could not be written.
    #[error("cannot write CSV {path}: {source}")]
    Csv {
        /// The CSV file that could not be written.
        path: PathBuf,
        /// The CSV writer's reason.
        #[source]
        source: csv::Error,
    },
}

/// A run's `manifest.json` cannot be used by `verify`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The manifest file cannot be read.
    #[error("cannot read {}", file.display())]
    Read {
        /// The manifest file.
        file: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON of a seatplan manifest.
    #[error("{}: not a seatplan manifest", file.display())]
    Parse {
        /// The manifest file.
        file: PathBuf,
        /// What the JSON reader found wrong.
        #[source]
        source: serde_json::Error,
    },
    /// The recorded mechanism is not one this version knows.
    #[error("unknown mechanism `{name}`")]
    UnknownMechanism {
        /// The mechanism's recorded name.
        name: String,
    },
    /// The recorded backend is not one this version knows.
    #[error("unknown backend `{name}`")]
    UnknownBackend {
        /// The backend's recorded name.
        name: String,
    },
    /// The run used a backend this build was compiled without.
    #[error(
        "the run used the `{backend}` backend, which this build lacks (rebuild with `--features {backend}`)"
    )]
    BackendMissing {
        /// The backend's name (also its Cargo feature).
        backend: &'static str,
    },
}

/// The capacity-planning model of [`crate::plan::expansion::plan`] could not be solved.
#[derive(Debug, thiserror::Error)]
#[error("the planning model could not be solved: stage {stage}")]
pub struct PlanError {
    /// The stage of the lexicographic model (1 unplaced children, 2 purchase cost, 3 capital).
    pub stage: usize,
    /// The backend's reason.
    #[source]
    pub source: good_lp::ResolutionError,
}

/// The work was stopped because a [`crate::progress::Reporter`] asked for it
/// ([`crate::progress::Reporter::should_cancel`]); nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Any error of the library, and the one place an error becomes a process exit code.
///
/// | code | meaning | variants |
/// |---|---|---|
/// | 0 | success | — |
/// | 1 | any other failure (an output that cannot be written, a planning model the solver cannot solve, a cancelled run) | [`Error::Output`], [`Error::Plan`], [`Error::Cancelled`] |
/// | 2 | invalid input: a scenario, sweep, appeal, placements, candidates or census file, or a manifest | [`Error::Input`], [`Error::Manifest`] |
/// | 3 | the independent check of a result failed (the outputs are still written) | [`Error::CheckFailed`] |
/// | 4 | the solver failed (a sweep: a point failed) | [`Error::Solve`], [`Error::PointsFailed`] |
/// | 5 | `verify` found a difference: inputs changed or outputs not byte-identical | [`Error::VerifyFailed`] |
///
/// The README's table of exit codes is this one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file has problems.
    #[error(transparent)]
    Input(#[from] InputErrors),
    /// A run's manifest cannot be used.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The solver failed on the intake.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The capacity-planning model could not be solved.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Writing outputs failed; nothing was left half-written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A [`crate::progress::Reporter`] cancelled the work.
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    /// The independent checker found violations in a result.
    #[error("the independent check failed: {violations} violation(s)")]
    CheckFailed {
        /// How many violations the checker found.
        violations: usize,
    },
    /// Points of a sweep failed (their rows in `points.csv` say why).
    #[error("{failed} point(s) failed")]
    PointsFailed {
        /// How many points failed.
        failed: usize,
    },
    /// `verify` found that a recorded run does not reproduce.
    #[error("verification failed: {}", problems.join("; "))]
    VerifyFailed {
        /// Every way the run does not reproduce, one sentence each.
        problems: Vec<String>,
    },
}

impl Error {
    /// The process exit code for this error (the table above): 1 other failure, 2 invalid
    /// input, 3 the independent check failed, 4 the solver failed, 5 `verify` found a
    /// difference. Success is 0.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Manifest(_) => 2,
            Error::CheckFailed { .. } => 3,
            Error::Solve(_) | Error::PointsFailed { .. } => 4,
            Error::VerifyFailed { .. } => 5,
            Error::Output(_) | Error::Plan(_) | Error::Cancelled(_) => 1,
        }
    }
}
