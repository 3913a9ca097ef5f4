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

/// Every problem found while loading a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "the scenario has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, e) in self.0.iter().enumerate() {
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
    #[error("cannot write output folder {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Replacing an output folder failed at `step`; the folder was left as it was (absent if it
    /// did not exist). The operating system's reason is the `source`.
    #[error("{step}; the output folder {dir} is left as it was")]
    Folder {
        dir: PathBuf,
        step: String,
        #[source]
        source: std::io::Error,
    },
    /// Replacing a single output file failed at `step`; the file was left as it was.
    #[error("{step}; {path} is left as it was")]
    File {
        path: PathBuf,
        step: String,
        #[source]
        source: std::io::Error,
    },
    /// The new contents could not be moved in, nor the old ones back: they are kept in `kept`.
    #[error("cannot move the new results into {dir}; its previous contents are kept in {kept}")]
    Moved {
        dir: PathBuf,
        kept: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write CSV {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

/// Any error of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] InputErrors),
    #[error(transparent)]
    Solve(#[from] SolveError),
    #[error(transparent)]
    Output(#[from] OutputError),
}
