//! The command line: argument parsing and the glue between the library and the terminal.
//!
//! One file per subcommand: [`run`] (solve a scenario and write its outputs), [`check`] (verify a
//! placements file independently), [`plan`] (capacity expansions), [`explain`] (one child's
//! placement), [`appeal`], [`round`] (a later round), [`verify`] (re-run a recorded run), [`sweep`] and [`merge`] (what-if
//! sweeps and their shards), [`validate`] (report every problem in a scenario), [`generate`] (a
//! synthetic city), [`serve`] (the analyst's workbench in the browser). The solver arguments they
//! share are in [`solver`], what they print in [`print`], the progress bar in [`progress`]. Every
//! subcommand returns `Ok(())` or an error; [`exit_code`] maps it to the process exit code
//! through [`seatplan::Error::exit_code`].

mod appeal;
mod check;
mod explain;
mod failpoints;
mod generate;
mod lang;
mod merge;
mod plan;
mod print;
mod progress;
mod round;
mod run;
mod serve;
mod solver;
mod sweep;
mod template;
mod validate;
mod verify;

use anyhow::Result;
use clap::{Parser, Subcommand};

use print::Printer;

#[derive(Debug, Parser)]
#[command(
    name = "seatplan",
    version,
    about = "Plan and allocate public-school places for migrant children: points, integer programming, purchased private places"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Refuse a table (CSV) larger than this many MiB (default 2048; wins over a scenario's
    /// `[limits] table_mib`).
    #[arg(long, global = true, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_table_mib: Option<u64>,
    /// Refuse a TOML or JSON input larger than this many MiB (default 16; wins over a
    /// scenario's `[limits] text_mib`).
    #[arg(long, global = true, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_text_mib: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve a scenario and write placements.csv, schools.csv, districts.csv, summary.json,
    /// report.html and manifest.json.
    Run(run::RunArgs),
    /// Verify a placements.csv against a scenario, or an archived run's or round's folder from
    /// its files alone, with the independent checker.
    Check(check::CheckArgs),
    /// Project demand from the permanent population and choose capacity expansions within a
    /// capital budget; writes the plan and the scenario with the plan applied.
    Plan(plan::PlanArgs),
    /// Explain one child's placement: points, tier, each listed school's cut-off and why the
    /// child did not pass it, the points needed, schools that would have admitted her.
    Explain(explain::ExplainArgs),
    /// Re-run the intake with an appeal's corrected facts and list every child whose placement
    /// changes.
    Appeal(appeal::AppealArgs),
    /// A later round after published results: declines, late applicants and seat changes,
    /// nobody placed moved to a school she likes less; writes moves.csv and waitlists.csv.
    Round(round::RoundArgs),
    /// Re-run a recorded run (its manifest.json) and confirm the inputs are unchanged and the
    /// outputs byte-identical.
    Verify(verify::VerifyArgs),
    /// Run a what-if sweep: the base scenario over every point of a sweep file, in parallel;
    /// writes points.csv, districts.csv, cutoffs.csv and sweep.json.
    Sweep(sweep::SweepArgs),
    /// Run one point of a sweep and print its result as JSON (used by `sweep --isolate`).
    #[command(hide = true)]
    SweepPoint(sweep::SweepPointArgs),
    /// Merge the output folders of every shard of a sweep into the single-machine result.
    Merge(merge::MergeArgs),
    /// Load a scenario and report every problem in it, without solving.
    Validate(validate::ValidateArgs),
    /// Write a synthetic city scenario from census district populations.
    Generate(generate::GenerateArgs),
    /// Write an empty scenario to fill in Excel or WPS: intake.xlsx, CSVs, scenario and policy.
    Template(template::TemplateArgs),
    /// Start the analyst's workbench: a local web application (first line: its address).
    Serve(serve::ServeArgs),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    if cli.max_table_mib.is_none() && cli.max_text_mib.is_none() {
        return dispatch(cli);
    }
    let defaults = seatplan::InputLimits::default();
    let limits = seatplan::InputLimits {
        table_bytes: cli.max_table_mib.map_or(defaults.table_bytes, |m| m << 20),
        text_bytes: cli.max_text_mib.map_or(defaults.text_bytes, |m| m << 20),
    };
    seatplan::with_input_limits(limits, || dispatch(cli))
}

/// Runs the parsed command under the input limits in force.
fn dispatch(cli: Cli) -> Result<()> {
    let printer = Printer::new(cli.quiet);
    let limit_args = limit_args(&cli);
    match cli.command {
        Command::Run(args) => run::run(args, printer),
        Command::Check(args) => check::run(args, printer),
        Command::Plan(args) => plan::run(args, printer),
        Command::Explain(args) => explain::run(args, printer),
        Command::Appeal(args) => appeal::run(args, printer),
        Command::Round(args) => round::run(args, printer),
        Command::Verify(args) => verify::run(args, printer),
        Command::Sweep(args) => sweep::run(args, printer, &limit_args),
        Command::SweepPoint(args) => sweep::point(args),
        Command::Merge(args) => merge::run(args, printer),
        Command::Validate(args) => validate::run(args, printer),
        Command::Generate(args) => generate::run(args, printer),
        Command::Template(args) => template::run(args, printer),
        Command::Serve(args) => serve::run(args, printer),
    }
}

/// The input limits given on the command line, as arguments for the processes a command starts
/// (`sweep --isolate`), so they load the same files under the same limits; limits a scenario
/// sets itself (`[limits]`) each process reads from the scenario.
fn limit_args(cli: &Cli) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(m) = cli.max_table_mib {
        args.extend(["--max-table-mib".to_string(), m.to_string()]);
    }
    if let Some(m) = cli.max_text_mib {
        args.extend(["--max-text-mib".to_string(), m.to_string()]);
    }
    args
}

/// The library error behind `err`, if it has one.
fn library_error(err: &anyhow::Error) -> Option<&seatplan::Error> {
    err.chain()
        .find_map(|e| e.downcast_ref::<seatplan::Error>())
}

/// The process exit code of a failed command: the library's [`seatplan::Error::exit_code`],
/// or 1 for a failure of the command line itself (a bad option value, an unknown child).
pub fn exit_code(err: &anyhow::Error) -> i32 {
    library_error(err).map_or(1, seatplan::Error::exit_code)
}

/// Whether the command already printed `err` in full: a verdict (the check failed, points
/// failed, `verify` found differences) is printed with every detail where it is found, and is
/// not repeated as an `error:` line.
pub fn already_reported(err: &anyhow::Error) -> bool {
    matches!(
        library_error(err),
        Some(
            seatplan::Error::CheckFailed { .. }
                | seatplan::Error::PointsFailed { .. }
                | seatplan::Error::VerifyFailed { .. }
        )
    )
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[test]
    fn input_limits_given_on_the_command_line_reach_the_point_processes() {
        let parse = |args: &[&str]| limit_args(&Cli::parse_from(args));
        assert_eq!(
            parse(&[
                "seatplan",
                "sweep",
                "s.toml",
                "--isolate",
                "--max-text-mib",
                "3"
            ]),
            ["--max-text-mib", "3"]
        );
        assert_eq!(
            parse(&[
                "seatplan",
                "--max-table-mib",
                "7",
                "sweep",
                "s.toml",
                "--max-text-mib",
                "2"
            ]),
            ["--max-table-mib", "7", "--max-text-mib", "2"]
        );
        assert!(parse(&["seatplan", "sweep", "s.toml", "--isolate"]).is_empty());
    }
}
