//! `seatplan explain`: why one child got what she got.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use seatplan::{
    check_output_file, explain_html, explain_in, explain_json, explain_text, load, require_passed,
    solve, write_file, Error, Existing, SchoolTallies,
};

use super::print::Printer;
use super::solver::SolverArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
    Html,
}

/// Arguments of `seatplan explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    scenario: PathBuf,
    /// The child's id.
    #[arg(long)]
    child: String,
    #[arg(long, value_enum, default_value = "text")]
    format: ExplainFormat,
    /// Write to this file instead of standard output (refused if it exists, unless --replace).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Overwrite the --out file if it exists.
    #[arg(long, requires = "out")]
    replace: bool,
    /// Explain the child's placement after this later round (a `seatplan round` folder of a
    /// run of SCENARIO): her waitlist positions then, and why she did or did not move.
    #[arg(long)]
    round: Option<PathBuf>,
    #[command(flatten)]
    lang: super::lang::LangArg,
    #[command(flatten)]
    solver: SolverArgs,
}

/// Solves the scenario and explains the child's placement.
pub fn run(args: ExplainArgs, printer: Printer) -> Result<()> {
    if let Some(dir) = &args.round {
        return explain_after_round(&args, dir, printer);
    }
    let (mechanism, options) = args.solver.options()?;
    let lang = args.lang.resolve()?;
    let loaded = load(&args.scenario).map_err(Error::from)?;
    let inputs: Vec<PathBuf> = loaded.files.all().into_iter().map(PathBuf::from).collect();
    // Refused before the solve, which may take a while; `write_file` checks again.
    if let Some(file) = &args.out {
        check_output_file(file, &inputs, existing(&args)).map_err(Error::from)?;
    }
    let sc = &loaded.scenario;
    let child = &args.child;
    let Some(c) = sc.child_indices().find(|&c| sc.child(c).id == *child) else {
        bail!("no child `{child}` in {}", args.scenario.display());
    };
    let solved = solve(sc, mechanism, &options).map_err(Error::from)?;
    if sc.pseudonym_key().is_none() {
        printer.say("note: no [privacy] pseudonym_key in the scenario; pseudonyms use a default key derived from the seed, which others can guess");
    }
    if !solved.check.passed() {
        printer.say(
            "warning: this placement fails the independent check; its explanation may not hold",
        );
    }
    let outcomes = &solved.assignment.outcomes;
    let tallies = SchoolTallies::compute(sc, &solved.ranking, outcomes);
    let e = explain_in(sc, &solved.ranking, outcomes, &tallies, c, lang);
    emit(&args, &e, &inputs, printer)?;
    require_passed(&solved.check)?;
    Ok(())
}

/// Explains the child after the later round written to `dir`.
fn explain_after_round(args: &ExplainArgs, dir: &std::path::Path, printer: Printer) -> Result<()> {
    let (record, _) = seatplan::Manifest::read(dir).map_err(Error::from)?;
    if record.scenario != args.scenario.display().to_string() {
        bail!(
            "{} is a round of {}, not of {}",
            dir.display(),
            record.scenario,
            args.scenario.display()
        );
    }
    let child = &args.child;
    let Some(e) = seatplan::explain_round(dir, child, args.lang.resolve()?)? else {
        bail!("no child `{child}` in the round {}", dir.display());
    };
    let inputs: Vec<PathBuf> = record
        .inputs
        .iter()
        .map(|f| PathBuf::from(&f.file))
        .collect();
    emit(args, &e, &inputs, printer)
}

/// Whether `--out` may replace an existing file (`--replace`).
fn existing(args: &ExplainArgs) -> Existing {
    if args.replace {
        Existing::Replace
    } else {
        Existing::Refuse
    }
}

/// Writes the explanation in the asked format, to the file or standard output.
fn emit(
    args: &ExplainArgs,
    e: &seatplan::Explanation,
    inputs: &[PathBuf],
    printer: Printer,
) -> Result<()> {
    let text = match args.format {
        ExplainFormat::Text => explain_text(e),
        ExplainFormat::Json => explain_json(e),
        ExplainFormat::Html => explain_html(e),
    };
    match &args.out {
        Some(file) => {
            if file.file_name().is_none() {
                bail!("--out must name a file");
            }
            write_file(file, text.as_bytes(), inputs, existing(args)).map_err(Error::from)?;
            printer.say(format!("explanation written to {}", file.display()));
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write the explanation to standard output")?;
        }
    }
    Ok(())
}
