//! Library error types.
//!
//! Input problems are collected, not thrown one at a time: loading a scenario gathers every bad
//! row it can find into [`InputErrors`], each naming the file, the line and the field, so an analyst
//! can fix a spreadsheet in one pass. Solver trouble and output trouble have their own enums.

use std::borrow::Cow;
use std::collections::HashMap;
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
        write!(f, "{}", shown(&self.file.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{}`", shown(&cut(field, MAX_QUOTED_CHARS)))?;
        }
        write!(f, ": {}", shown(&bounded(&self.message)))
    }
}

/// Values quoted in backticks (and field names) longer than this many characters are cut when
/// shown: a pasted blob in a cell, or a whole line of a file that is not CSV read as a column
/// name, must not flood the terminal.
pub const MAX_QUOTED_CHARS: usize = 48;

/// Characters kept of a value that is cut.
const KEPT_CHARS: usize = 40;

/// A run of characters without spaces longer than this is cut even when not quoted (a value
/// echoed as `got …`).
const MAX_WORD_CHARS: usize = 120;

/// A message longer than this many characters is cut at its end.
const MAX_MESSAGE_CHARS: usize = 2000;

/// At most this many problems of one kind (the same file and wording, whatever the values,
/// lines and fields) are listed by [`InputErrors`] one a line; a kind found more often is one
/// line instead, with its count, its first problem and the lines of its first this many.
pub const MAX_SHOWN_PER_KIND: usize = 20;

/// `s` cut after [`KEPT_CHARS`] characters, with a `…` and its size in bytes, if it is longer
/// than `max` characters.
fn cut(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some(_) => {
            let end = s.char_indices().nth(KEPT_CHARS).map_or(s.len(), |(i, _)| i);
            format!("{}… ({} bytes)", &s[..end], s.len()).into()
        }
    }
}

/// Whether a character is escaped when shown: control characters (C0, DEL, C1: `ESC` would
/// start a terminal escape sequence), format characters (zero-width spaces and joiners, the
/// byte-order mark, bidirectional overrides that reorder what the reader sees) and the line and
/// paragraph separators.
pub fn is_hidden_char(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.is_control()
        || matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// `s` with every [`is_hidden_char`] written as a Rust escape (`\u{1b}`), so that a message
/// shows it instead of letting the terminal act on it.
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden_char) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Text of several lines as printed to a terminal: `shown` on each line (the line breaks are
/// kept). The CLI prints every error through it, so a control character in anything it echoes
/// (a path or an id given on the command line) is shown, not obeyed.
pub fn shown_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_hidden_char(c)) {
        return s.into();
    }
    let lines: Vec<Cow<'_, str>> = s.split('\n').map(shown).collect();
    lines.join("\n").into()
}

/// A path as shown in a message: [`shown`].
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    shown(&path.display().to_string()).into_owned()
}

/// The message with every over-long backticked value cut to its start, a `…` and its size, every
/// over-long run without spaces cut the same way, and the whole cut at [`MAX_MESSAGE_CHARS`].
fn bounded(message: &str) -> Cow<'_, str> {
    let quoted = shorten_quoted(message);
    let words = shorten_words(&quoted);
    match cut_long(&words, MAX_MESSAGE_CHARS) {
        Some(c) => c.into(),
        None if matches!(quoted, Cow::Borrowed(_)) && matches!(words, Cow::Borrowed(_)) => {
            message.into()
        }
        None => words.into_owned().into(),
    }
}

/// `s` cut at `max` characters with its size, or `None` if it is not longer.
fn cut_long(s: &str, max: usize) -> Option<String> {
    let (end, _) = s.char_indices().nth(max)?;
    Some(format!("{}… ({} bytes in all)", &s[..end], s.len()))
}

/// Every run of more than [`MAX_WORD_CHARS`] characters without whitespace cut.
fn shorten_words(message: &str) -> Cow<'_, str> {
    let long = message
        .split(char::is_whitespace)
        .any(|w| w.chars().nth(MAX_WORD_CHARS).is_some());
    if !long {
        return message.into();
    }
    let mut out = String::new();
    let mut rest = message;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push_str(&cut(&rest[..word_end], MAX_WORD_CHARS));
        rest = &rest[word_end..];
        let space_end = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..space_end]);
        rest = &rest[space_end..];
    }
    out.into()
}

/// The message with every over-long backticked value cut to its start, a `…` and its size.
fn shorten_quoted(message: &str) -> Cow<'_, str> {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() < 3
        || !parts
            .iter()
            .skip(1)
            .step_by(2)
            .any(|q| q.chars().nth(MAX_QUOTED_CHARS).is_some())
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
        if quoted {
            out.push_str(&cut(part, MAX_QUOTED_CHARS));
        } else {
            out.push_str(part);
        }
    }
    out.into()
}

/// The kind of a problem, to count problems of one kind: its file and its wording with every
/// backticked value and every digit left out (the field is left out too, so that 100,000
/// unknown columns are one kind).
fn kind_of(e: &InputError) -> (String, String) {
    let mut template = String::new();
    for (i, part) in e.message.split('`').enumerate() {
        if i % 2 == 0 {
            template.extend(part.chars().filter(|c| !c.is_ascii_digit()));
        } else {
            template.push_str("`…`");
        }
    }
    (e.file.display().to_string(), template)
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
    /// A run's or round's `waitlists.csv` or `moves.csv` read back for checking (`seatplan
    /// check FOLDER`).
    Archived,
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
            InputKind::Archived => "archived table",
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
    /// The headline and the problems, one a line, in the order found; a kind of problem (same
    /// file and wording, whatever the values, lines and fields) found more than
    /// `MAX_SHOWN_PER_KIND` times is one line instead, where its first problem would be: the
    /// count, the first problem, and the lines (or fields) of the first
    /// `MAX_SHOWN_PER_KIND` (`KindSummary`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "the {} has {n} problem{}:",
            self.input.name(),
            if n == 1 { "" } else { "s" }
        )?;
        let mut kinds: HashMap<(String, String), usize> = HashMap::new();
        let mut groups: Vec<KindSummary<'_>> = Vec::new();
        let group_of: Vec<usize> = self
            .errors
            .iter()
            .map(|e| {
                let g = *kinds.entry(kind_of(e)).or_insert_with(|| {
                    groups.push(KindSummary::new(e));
                    groups.len() - 1
                });
                groups[g].add(e);
                g
            })
            .collect();
        for (e, &g) in self.errors.iter().zip(&group_of) {
            let group = &groups[g];
            if group.count <= MAX_SHOWN_PER_KIND {
                write!(f, "\n  {e}")?;
            } else if std::ptr::eq(group.first, e) {
                write!(f, "\n  {group}")?;
            }
        }
        Ok(())
    }
}

/// One kind of problem found many times, shown as one line:
/// `` t/children.csv: field `birth_date`: 1,000 problems like the one at line 8: `2017/13/1` is
/// not a real date (months run from 01 to 12); lines 8, 9, 10, …, 27 and 980 more ``. The field
/// (or line) stands before the count when every problem of the kind shares it; else the first
/// problem's is named, and the list gives each problem's.
struct KindSummary<'a> {
    /// The first problem of the kind.
    first: &'a InputError,
    /// How many problems of the kind.
    count: usize,
    /// Whether every problem has the first one's line.
    same_line: bool,
    /// Whether every problem has the first one's field.
    same_field: bool,
    /// The first [`MAX_SHOWN_PER_KIND`] problems.
    listed: Vec<&'a InputError>,
}

impl<'a> KindSummary<'a> {
    fn new(first: &'a InputError) -> Self {
        KindSummary {
            first,
            count: 0,
            same_line: true,
            same_field: true,
            listed: Vec::new(),
        }
    }

    fn add(&mut self, e: &'a InputError) {
        self.count += 1;
        self.same_line &= e.line == self.first.line;
        self.same_field &= e.field == self.first.field;
        if self.listed.len() < MAX_SHOWN_PER_KIND {
            self.listed.push(e);
        }
    }
}

/// `n` with its thousands grouped by `,` (`142,947`).
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for KindSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.first;
        let field = |e: &InputError| {
            e.field
                .as_deref()
                .map(|x| format!("`{}`", shown(&cut(x, MAX_QUOTED_CHARS))))
        };
        write!(f, "{}", shown(&first.file.display().to_string()))?;
        if let (true, Some(line)) = (self.same_line, first.line) {
            write!(f, ":{line}")?;
        }
        if let (true, Some(name)) = (self.same_field, field(first)) {
            write!(f, ": field {name}")?;
        }
        write!(f, ": {} problems like ", grouped(self.count))?;
        let mut which = Vec::new();
        if let (false, Some(line)) = (self.same_line, first.line) {
            which.push(format!("at line {line}"));
        }
        if let (false, Some(name)) = (self.same_field, field(first)) {
            which.push(format!("in field {name}"));
        }
        let which = if which.is_empty() {
            "this one".to_string()
        } else {
            format!("the one {}", which.join(" "))
        };
        write!(f, "{which}: {}", shown(&bounded(&first.message)))?;
        let place = |e: &InputError| {
            let line = e.line.map(|l| l.to_string());
            match (self.same_line, self.same_field) {
                (false, true) => line,
                (true, false) => field(e),
                _ => match (line, field(e)) {
                    (Some(l), Some(n)) => Some(format!("{l} ({n})")),
                    (l, n) => l.or(n),
                },
            }
        };
        let places: Vec<String> = self.listed.iter().copied().filter_map(place).collect();
        let listed_apart = !(self.same_line && self.same_field);
        if listed_apart && !places.is_empty() {
            let what = match (self.same_line, self.same_field) {
                (true, false) => "fields",
                _ => "lines",
            };
            write!(f, "; {what} {}", places.join(", "))?;
            let more = self.count - self.listed.len();
            if more > 0 {
                write!(f, " and {} more", grouped(more))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

/// Why an input file was not read ([`crate::input::read_input`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The operating system could not open or read it (missing, no permission, …).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// It is not a regular file (a FIFO, a device, a socket, a folder); nothing was read.
    #[error("it is {what}, not a regular file")]
    NotRegular {
        /// What it is, in words ("a FIFO (named pipe)").
        what: &'static str,
    },
    /// It is larger than the limit for its kind of file; nothing was kept.
    #[error(
        "it is {}, over the limit of {} for {kind} ({hint})",
        size_words(*size),
        size_words(*limit)
    )]
    TooLarge {
        /// Its size in bytes (at least this much, if it grew while read).
        size: u64,
        /// The limit in bytes.
        limit: u64,
        /// The kind of file, in words ("a table").
        kind: &'static str,
        /// How to raise the limit, in words.
        hint: &'static str,
    },
}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other),
        }
    }
}

/// A size in bytes, in words: whole bytes below one MiB, else MiB with one decimal and the
/// bytes.
fn size_words(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes < MIB {
        format!("{bytes} bytes")
    } else if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB ({bytes} bytes)", bytes as f64 / MIB as f64)
    }
}

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
    /// A later round (`seatplan round`) does not handle a feature of the scenario without a
    /// choice the bureau must make (`docs/rounds.md`, "Scope").
    #[error("a later round does not handle {feature}: {why}")]
    RoundUnsupported {
        /// The feature, in words.
        feature: &'static str,
        /// Why, and the bureau's option if there is one.
        why: &'static str,
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
    #[error("cannot write output folder {}: {source}", shown_path(path))]
    Io {
        /// The folder (or file in it) that could not be written.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// Replacing an output folder failed at `step`; the folder was left as it was (absent if it
    /// did not exist). The operating system's reason is the `source`.
    #[error("{step}; the output folder {} is left as it was", shown_path(dir))]
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
    #[error("{step}; {} is left as it was", shown_path(path))]
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
    #[error(
        "cannot move the new results into {}; its previous contents are kept in {}",
        shown_path(dir),
        shown_path(kept)
    )]
    Moved {
        /// The output folder whose new contents could not be moved in.
        dir: PathBuf,
        /// Where the folder's previous contents now are (a sibling of `dir`).
        kept: PathBuf,
        /// The operating system's reason the new contents could not be moved in.
        #[source]
        source: std::io::Error,
    },
    /// The output folder is, or holds, an input of the run: replacing it would delete what the
    /// run reads. Nothing was written.
    #[error("refusing to write the output folder {dir}: it holds {input}, an input of this run, which replacing the folder would delete; choose another output folder (--out DIR)")]
    HoldsInput {
        /// The output folder.
        dir: PathBuf,
        /// The input inside it, as the run names it.
        input: PathBuf,
    },
    /// The output folder lies inside a folder that is an input of the run (a sweep shard's
    /// folder for `merge`). Nothing was written.
    #[error("refusing to write the output folder {dir}: it is inside {input}, an input of this run; choose another output folder (--out DIR)")]
    InsideInput {
        /// The output folder.
        dir: PathBuf,
        /// The input folder it lies in, as the run names it.
        input: PathBuf,
    },
    /// The output file is an input of the run. Nothing was written.
    #[error("refusing to write {path}: it is an input of this run; choose another output file")]
    IsInput {
        /// The output file, as given.
        path: PathBuf,
    },
    /// The output file exists and its replacement was not asked for: a single file carries no
    /// mark of who wrote it. Nothing was written.
    #[error("refusing to replace {path}: it exists, and a single file carries no mark of who wrote it; choose another file, or pass --replace to overwrite it")]
    FileExists {
        /// The output file, as given.
        path: PathBuf,
    },
    /// The output folder is not empty and has no marker of a folder seatplan wrote
    /// ([`crate::OUTPUT_MARKER`]): it is never replaced. Nothing was written.
    #[error("refusing to replace the output folder {dir}: it is not empty and seatplan did not write it (it has no {marker} file); it holds {}; choose an absent or empty folder (--out DIR)", listing(entries, *more))]
    NotOwned {
        /// The output folder.
        dir: PathBuf,
        /// The marker file it lacks.
        marker: &'static str,
        /// Its first few entries by name (folders end in `/`).
        entries: Vec<String>,
        /// How many entries there are besides `entries`.
        more: usize,
    },
    /// The output folder was written by seatplan but now also holds files it did not write
    /// (not listed in its marker): it is not replaced. Nothing was written.
    #[error("refusing to replace the output folder {dir}: seatplan wrote it, but it now also holds what seatplan did not write there: {}; move that away or choose another output folder (--out DIR)", listing(entries, *more))]
    Foreign {
        /// The output folder.
        dir: PathBuf,
        /// The first few such paths inside it (folders end in `/`).
        entries: Vec<String>,
        /// How many there are besides `entries`.
        more: usize,
    },
    /// A CSV output could not be written.
    #[error("cannot write CSV {}: {source}", shown_path(path))]
    Csv {
        /// The CSV file that could not be written.
        path: PathBuf,
        /// The CSV writer's reason.
        #[source]
        source: csv::Error,
    },
}

/// A few names, then "…and K more" when there are more.
fn listing(entries: &[String], more: usize) -> String {
    let mut s = entries.join(", ");
    if more > 0 {
        s.push_str(&format!(", …and {more} more"));
    }
    s
}

/// A run's `manifest.json` cannot be used by `verify`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The manifest file cannot be read.
    #[error("cannot read {}", shown_path(file))]
    Read {
        /// The manifest file.
        file: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON of a seatplan manifest.
    #[error("{}: not a seatplan manifest", shown_path(file))]
    Parse {
        /// The manifest file.
        file: PathBuf,
        /// What the JSON reader found wrong.
        #[source]
        source: serde_json::Error,
    },
    /// The recorded mechanism is not one this version knows.
    #[error("unknown mechanism `{}`", shown(&cut(name, MAX_QUOTED_CHARS)))]
    UnknownMechanism {
        /// The mechanism's recorded name.
        name: String,
    },
    /// The recorded backend is not one this version knows.
    #[error("unknown backend `{}`", shown(&cut(name, MAX_QUOTED_CHARS)))]
    UnknownBackend {
        /// The backend's recorded name.
        name: String,
    },
    /// The manifest does not describe a run of its scenario into its folder: an output path
    /// that is absolute or leaves the folder, an input that is not one of the scenario's files,
    /// a file of the scenario or of the run missing from it. Found before anything is re-run.
    #[error("{}: not the record of a run of its scenario: {}", file.display(), problems.join("; "))]
    NotThisRun {
        /// The manifest file.
        file: PathBuf,
        /// Every way it does not describe the run, one sentence each.
        problems: Vec<String>,
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
/// | 1 | any other failure (an output that cannot be written or an output folder refused, a planning model the solver cannot solve, a cancelled run) | [`Error::Output`], [`Error::Plan`], [`Error::Cancelled`] |
/// | 2 | invalid input: a scenario, sweep, appeal, placements, candidates or census file, or a manifest (one that does not describe its folder's run too) | [`Error::Input`], [`Error::Manifest`] |
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
    #[error("verification failed: {}", shown(&bounded(&problems.join("; "))))]
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
