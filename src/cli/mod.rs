//! The command line: argument parsing and the glue between the library and the terminal.
//!
//! Subcommands: `run` (solve a scenario and write its outputs), `sweep` and `merge` (what-if
//! sweeps and their shards, in [`sweep`]), `check` (verify a placements
//! file independently), `validate` (load a scenario and report every problem), `generate`
//! (write a synthetic city scenario from census district populations).

mod sweep;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use seatplan::assign::{Backend, Formulation, Mechanism, SolverOptions};
use seatplan::generate::{generate_city, read_census, CityConfig};
use seatplan::policy::ranking::Ranking;
use seatplan::{check, explain, input, manifest, output, plan, solve};

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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MechanismArg {
    /// Exact optimum: deferred acceptance where priorities are strict, integer program where ties are kept.
    Optimal,
    /// The integer program on every component.
    Ip,
    /// Child-proposing deferred acceptance (reference).
    DeferredAcceptance,
    /// Serial dictatorship over the city-wide order (reference).
    SerialDictatorship,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BackendArg {
    Microlp,
    Highs,
}

#[derive(Debug, clap::Args)]
struct SolverArgs {
    /// How the choice stage is solved.
    #[arg(long, value_enum, default_value = "optimal")]
    mechanism: MechanismArg,
    /// MIP backend (default: highs if built with `--features highs`, else microlp).
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Time limit per component of the integer program, in seconds.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Relative optimality gap at which the solver may stop (0 proves optimality).
    #[arg(long, default_value_t = 0.0)]
    mip_gap: f64,
    /// Worker threads for independent components (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Threads inside the MIP backend (HiGHS only).
    #[arg(long, default_value_t = 1)]
    solver_threads: u32,
    /// Run HiGHS's presolve (HiGHS only; off by default: slow on very large models, but it
    /// closes the gap much faster on county-sized models with coarse points).
    #[arg(long)]
    presolve: bool,
    /// Build the tie-keeping model without first pruning the applications no weakly stable
    /// assignment uses (only to measure what pruning gains).
    #[arg(long)]
    no_prune: bool,
    /// How the no-justified-envy constraints are written (textbook only to measure against).
    #[arg(long, value_enum, default_value = "compact")]
    formulation: FormulationArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormulationArg {
    /// Prefix sums per school.
    Compact,
    /// One constraint per child and listed school summing every applicant at least as good.
    Textbook,
}

impl SolverArgs {
    /// The arguments that give these settings again (for child processes).
    fn to_args(&self) -> Vec<String> {
        let name = |v: Option<clap::builder::PossibleValue>| {
            v.map(|p| p.get_name().to_string()).unwrap_or_default()
        };
        let mut args = vec![
            "--mechanism".to_string(),
            name(self.mechanism.to_possible_value()),
            "--mip-gap".to_string(),
            self.mip_gap.to_string(),
            "--solver-threads".to_string(),
            self.solver_threads.to_string(),
        ];
        if let Some(b) = self.backend {
            args.extend(["--backend".to_string(), name(b.to_possible_value())]);
        }
        if let Some(t) = self.time_limit {
            args.extend(["--time-limit".to_string(), t.to_string()]);
        }
        if self.presolve {
            args.push("--presolve".to_string());
        }
        if self.no_prune {
            args.push("--no-prune".to_string());
        }
        args.extend([
            "--formulation".to_string(),
            name(self.formulation.to_possible_value()),
        ]);
        args
    }

    /// Sizes the worker pool when `--threads` is given.
    fn set_up_threads(&self) -> Result<()> {
        if let Some(n) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()
                .context("cannot set up the worker threads")?;
        }
        Ok(())
    }

    fn options(&self) -> Result<(Mechanism, SolverOptions)> {
        let mechanism = match self.mechanism {
            MechanismArg::Optimal => Mechanism::Optimal,
            MechanismArg::Ip => Mechanism::Ip,
            MechanismArg::DeferredAcceptance => Mechanism::DeferredAcceptance,
            MechanismArg::SerialDictatorship => Mechanism::SerialDictatorship,
        };
        let backend = match self.backend {
            None => Backend::default(),
            Some(BackendArg::Microlp) => Backend::Microlp,
            Some(BackendArg::Highs) => Backend::Highs,
        };
        if !backend.available() {
            bail!(
                "this build has no `{}` backend; rebuild with `cargo build --release --features {}`",
                backend.name(),
                backend.name()
            );
        }
        if let Some(t) = self.time_limit {
            if !(t > 0.0 && t.is_finite()) {
                bail!("--time-limit must be a positive number of seconds, got {t}");
            }
        }
        if !(0.0..1.0).contains(&self.mip_gap) {
            bail!("--mip-gap must be in [0, 1), got {}", self.mip_gap);
        }
        Ok((
            mechanism,
            SolverOptions {
                backend,
                time_limit_s: self.time_limit,
                mip_gap: self.mip_gap,
                threads: self.solver_threads,
                formulation: match self.formulation {
                    FormulationArg::Compact => Formulation::Compact,
                    FormulationArg::Textbook => Formulation::Textbook,
                },
                presolve: self.presolve,
                prune: !self.no_prune,
            },
        ))
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve a scenario and write placements.csv, schools.csv, districts.csv, summary.json,
    /// report.html and manifest.json.
    Run {
        /// The scenario TOML file.
        scenario: PathBuf,
        /// Output folder (replaced atomically).
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Also write statements.csv: every child's itemised points, tier and tie-break values.
        #[arg(long)]
        statements: bool,
        #[command(flatten)]
        solver: SolverArgs,
    },
    /// Verify a placements.csv against a scenario with the independent checker.
    Check {
        scenario: PathBuf,
        /// The placements file to verify.
        #[arg(long)]
        placements: PathBuf,
    },
    /// Project demand from the permanent population and choose capacity expansions within a
    /// capital budget; writes the plan and the scenario with the plan applied.
    Plan {
        scenario: PathBuf,
        /// Output folder (replaced atomically); the applied scenario goes to OUT/scenario/.
        #[arg(short, long, default_value = "plan")]
        out: PathBuf,
        /// Candidate expansions CSV (default: `[planning] candidates` of the scenario).
        #[arg(long)]
        candidates: Option<PathBuf>,
        /// Capital budget in yuan (default: `[planning] capital_budget_yuan`).
        #[arg(long)]
        capital_budget: Option<u64>,
        /// Projection years after this one (default: `[planning] years`).
        #[arg(long)]
        years: Option<u32>,
    },
    /// Explain one child's placement: points, tier, each listed school's cut-off and why the
    /// child did not pass it, the points needed, schools that would have admitted her.
    Explain {
        scenario: PathBuf,
        /// The child's id.
        #[arg(long)]
        child: String,
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        solver: SolverArgs,
    },
    /// Re-run the intake with an appeal's corrected facts and list every child whose placement
    /// changes.
    Appeal {
        /// The appeal file (TOML naming the archived scenario and the corrections).
        appeal: PathBuf,
        /// Output folder: the corrected run's outputs and changes.csv.
        #[arg(short, long, default_value = "appeal")]
        out: PathBuf,
        #[command(flatten)]
        solver: SolverArgs,
    },
    /// Re-run a recorded run (its manifest.json) and confirm the inputs are unchanged and the
    /// outputs byte-identical.
    Verify {
        /// The output folder of the run (or its manifest.json).
        run: PathBuf,
    },
    /// Run a what-if sweep: the base scenario over every point of a sweep file, in parallel;
    /// writes points.csv, districts.csv, cutoffs.csv and sweep.json.
    Sweep {
        /// The sweep TOML file.
        sweep: PathBuf,
        /// Output folder (replaced atomically).
        #[arg(short, long, default_value = "sweep")]
        out: PathBuf,
        /// Run only shard I of N (points I-1, I-1+N, I-1+2N, ...); merge the shards' output
        /// folders with `seatplan merge`.
        #[arg(long, value_name = "I/N")]
        shard: Option<seatplan::sweep::run::Shard>,
        /// Run every point in its own child process, so that even a crash (an abort in a C++
        /// solver) fails only that point. Slower: each process loads the base scenario.
        #[arg(long)]
        isolate: bool,
        #[command(flatten)]
        solver: SolverArgs,
    },
    /// Run one point of a sweep and print its result as JSON (used by `sweep --isolate`).
    #[command(hide = true)]
    SweepPoint {
        sweep: PathBuf,
        #[arg(long)]
        point: usize,
        #[command(flatten)]
        solver: SolverArgs,
    },
    /// Merge the output folders of every shard of a sweep into the single-machine result.
    Merge {
        /// The shards' output folders.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder (replaced atomically).
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Load a scenario and report every problem in it, without solving.
    Validate { scenario: PathBuf },
    /// Write a synthetic city scenario from census district populations.
    Generate {
        /// Census CSV (city,district,district_zh,permanent_population_2020).
        #[arg(long, default_value = "scenarios/data/zhejiang_districts_2020.csv")]
        census: PathBuf,
        /// City to take the districts of.
        #[arg(long, default_value = "Hangzhou")]
        city: String,
        /// Folder to write the scenario into.
        #[arg(short, long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2023)]
        seed: u64,
        /// Share of residents in one year-cohort.
        #[arg(long, default_value_t = seatplan::input::DEFAULT_COHORT_SHARE)]
        cohort_share: f64,
        /// Multiplies every cohort (e.g. 0.1 for a small test city).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Scenario name (default: "<city>-like grade-1 intake").
        #[arg(long)]
        name: Option<String>,
    },
}

/// Exit code of a run whose result failed the independent check.
pub const EXIT_CHECK_FAILED: i32 = 3;
/// Exit code of `verify` when inputs changed or outputs differ.
pub const EXIT_VERIFY_FAILED: i32 = 5;
/// Exit code when the solver failed (a sweep: when a point failed).
pub const EXIT_SOLVER_FAILED: i32 = 4;

/// Runs the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let say = |s: String| {
        if !cli.quiet {
            eprintln!("{s}");
        }
    };
    match cli.command {
        Command::Run {
            scenario: path,
            out,
            statements,
            solver,
        } => {
            let (mechanism, options) = solver.options()?;
            solver.set_up_threads()?;
            let t = Instant::now();
            let loaded = input::load(&path)?;
            let sc = &loaded.scenario;
            say(format!(
                "loaded {} in {:.2?}: {}",
                path.display(),
                t.elapsed(),
                describe(sc)
            ));
            let t = Instant::now();
            let solved = solve(sc, mechanism, &options)?;
            say(format!("solved and checked in {:.2?}", t.elapsed()));
            let mut files = output::render_run(sc, &solved, statements);
            let inputs =
                manifest::hash_inputs(&loaded.files).context("cannot hash the input files")?;
            let record = manifest::Manifest::new(
                &path,
                sc.seed(),
                mechanism,
                &options,
                statements,
                inputs,
                &files,
            );
            files.push((manifest::MANIFEST, record.to_bytes()));
            output::write_dir(&out, &files)?;
            let s = output::summary(sc, &solved);
            say(format!(
                "{} children: {} public by choice ({} first choice), {} coordinated, {} purchased ({} of {} yuan), {} unplaced",
                s.children,
                s.public_by_choice,
                s.first_choice,
                s.coordinated,
                s.purchased,
                s.spent_yuan,
                s.budget_yuan,
                s.unplaced
            ));
            say(format!(
                "choice stage: {} ({} component{}, {} with ties); proven optimal: {}",
                s.mechanism,
                s.components,
                if s.components == 1 { "" } else { "s" },
                s.components_with_ties,
                if s.proven_optimal { "yes" } else { "no" }
            ));
            for st in &s.statuses {
                say(format!("  {} × {}", st.components, st.status));
            }
            if !s.proven_optimal {
                say(format!(
                    "  proven: at most {} children can be placed by choice; this run places {}",
                    s.choice_stage_bound, s.public_by_choice
                ));
            }
            report_check(&solved.check, &say);
            say(format!("results written to {}/", out.display()));
            Ok(if solved.check.passed() {
                0
            } else {
                EXIT_CHECK_FAILED
            })
        }
        Command::Sweep {
            sweep: path,
            out,
            shard,
            isolate,
            solver,
        } => {
            let (mechanism, options) = solver.options()?;
            solver.set_up_threads()?;
            let isolate = isolate.then(|| solver.to_args());
            let settings = sweep::Settings {
                mechanism,
                options,
                shard,
                isolate,
            };
            sweep::sweep(&path, &out, &settings, &say, cli.quiet)
        }
        Command::SweepPoint {
            sweep: path,
            point,
            solver,
        } => {
            let (mechanism, options) = solver.options()?;
            solver.set_up_threads()?;
            sweep::point(&path, point, mechanism, &options)
        }
        Command::Merge { shards, out } => sweep::merge(&shards, &out, &say),
        Command::Check {
            scenario: path,
            placements,
        } => {
            let loaded = input::load(&path)?;
            let sc = &loaded.scenario;
            let outcomes = check::read_placements(&placements, sc)?;
            let ranking = Ranking::compute(sc);
            let report = check::check(sc, &ranking, &outcomes);
            report_check(&report, &say);
            Ok(if report.passed() {
                0
            } else {
                EXIT_CHECK_FAILED
            })
        }
        Command::Plan {
            scenario: path,
            out,
            candidates,
            capital_budget,
            years,
        } => {
            let loaded = input::load(&path)?;
            let sc = &loaded.scenario;
            let budget = capital_budget.unwrap_or(loaded.planning.capital_budget_yuan);
            let years = years.unwrap_or(loaded.planning.years);
            if years > 30 {
                bail!("--years: at most 30 projection years, got {years}");
            }
            let options: Vec<plan::Candidate> =
                match candidates.or(loaded.planning.candidates.clone()) {
                    Some(file) => {
                        plan::read_candidates(&file, sc).map_err(seatplan::error::InputErrors)?
                    }
                    None => Vec::new(),
                };
            let t = Instant::now();
            let chosen = plan::expansion::plan(sc, &options, budget, years)
                .map_err(|e| anyhow::anyhow!("the planning model could not be solved: {e}"))?;
            say(format!(
                "planned in {:.2?}: {} candidate expansions, {} years",
                t.elapsed(),
                options.len(),
                years + 1
            ));
            let mut files = plan::apply::render(sc, &chosen);
            for (name, bytes) in plan::apply::applied_scenario(&loaded.files, sc, &options, &chosen)
                .map_err(|e| seatplan::error::InputErrors(vec![e]))?
            {
                files.push((format!("scenario/{name}"), bytes));
            }
            output::write_dir(&out, &files)?;
            say(format!(
                "capital: {} of {} yuan on {} expansion(s)",
                chosen.capital_spent_yuan,
                budget,
                chosen.chosen.len()
            ));
            say(format!(
                "projected over {} year(s): unplaced {} → {}, purchased-place cost {} → {} yuan",
                years + 1,
                chosen.unplaced_before,
                chosen.unplaced_after,
                chosen.purchase_cost_before_yuan,
                chosen.purchase_cost_after_yuan
            ));
            say(format!(
                "plan written to {}/ (re-run the intake with: seatplan run {}/scenario/scenario.toml)",
                out.display(),
                out.display()
            ));
            Ok(0)
        }
        Command::Explain {
            scenario: path,
            child,
            format,
            out,
            solver,
        } => {
            let (mechanism, options) = solver.options()?;
            let loaded = input::load(&path)?;
            let sc = &loaded.scenario;
            let Some(c) = sc.child_indices().find(|&c| sc.child(c).id == child) else {
                bail!("no child `{child}` in {}", path.display());
            };
            let solved = solve(sc, mechanism, &options)?;
            if sc.pseudonym_key().is_none() {
                say("note: no [privacy] pseudonym_key in the scenario; pseudonyms use a default key derived from the seed, which others can guess".into());
            }
            if !solved.check.passed() {
                say("warning: this placement fails the independent check; its explanation may not hold".into());
            }
            let cutoffs =
                explain::Cutoffs::compute(sc, &solved.ranking, &solved.assignment.outcomes);
            let e = explain::explain(
                sc,
                &solved.ranking,
                &solved.assignment.outcomes,
                &cutoffs,
                c,
            );
            let text = match format {
                ExplainFormat::Text => explain::render::text(&e),
                ExplainFormat::Json => explain::render::json(&e),
                ExplainFormat::Html => explain::render::html(&e),
            };
            match out {
                Some(file) => {
                    if file.file_name().is_none() {
                        bail!("--out must name a file");
                    }
                    seatplan::atomic_dir::write_file(&file, text.as_bytes())?;
                    say(format!("explanation written to {}", file.display()));
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
            Ok(if solved.check.passed() {
                0
            } else {
                EXIT_CHECK_FAILED
            })
        }
        Command::Appeal {
            appeal: file,
            out,
            solver,
        } => {
            let (mechanism, options) = solver.options()?;
            let a = seatplan::appeal::load_appeal(&file)?;
            let base = solve(&a.base.scenario, mechanism, &options)?;
            let fixed = solve(&a.corrected, mechanism, &options)?;
            let changes = seatplan::appeal::changes(
                &a.corrected,
                &base.assignment.outcomes,
                &fixed.assignment.outcomes,
            );
            let mut files = output::render(&a.corrected, &fixed);
            let mut w = csv::Writer::from_writer(Vec::new());
            for ch in &changes {
                w.serialize(ch)?;
            }
            let mut table = w.into_inner()?;
            if changes.is_empty() {
                table = b"child,before,after\n".to_vec();
            }
            files.push(("changes.csv", table));
            let mut summary = serde_json::to_vec_pretty(&serde_json::json!({
                "appeal": file.display().to_string(),
                "scenario": a.base.files.scenario.display().to_string(),
                "note": a.note,
                "children_corrected": a.children,
                "children_moved": changes.len(),
            }))?;
            summary.push(b'\n');
            files.push(("appeal.json", summary));
            output::write_dir(&out, &files)?;
            say(format!(
                "appeal for {}: {} child(ren) placed differently",
                a.children.join(", "),
                changes.len()
            ));
            for ch in changes.iter().take(20) {
                say(format!("  {}: {} → {}", ch.child, ch.before, ch.after));
            }
            report_check(&fixed.check, &say);
            say(format!(
                "corrected run written to {}/ (changes.csv lists every change)",
                out.display()
            ));
            Ok(if fixed.check.passed() {
                0
            } else {
                EXIT_CHECK_FAILED
            })
        }
        Command::Verify { run } => {
            let (record, file) = manifest::Manifest::read(&run).map_err(|e| anyhow::anyhow!(e))?;
            let folder = file.parent().unwrap_or(std::path::Path::new("."));
            let problems = manifest::verify(&record, folder)?;
            if problems.is_empty() {
                say(format!(
                    "verified: inputs unchanged ({} files), re-run outputs byte-identical ({} files)",
                    record.inputs.len(),
                    record.outputs.len()
                ));
                Ok(0)
            } else {
                eprintln!("verification FAILED:");
                for p in &problems {
                    eprintln!("  {p}");
                }
                Ok(EXIT_VERIFY_FAILED)
            }
        }
        Command::Validate { scenario: path } => {
            let loaded = input::load(&path)?;
            let sc = &loaded.scenario;
            say(format!("{} is valid: {}", path.display(), describe(sc)));
            Ok(0)
        }
        Command::Generate {
            census,
            city,
            out,
            seed,
            cohort_share,
            scale,
            name,
        } => {
            if !(cohort_share > 0.0 && cohort_share <= 1.0) {
                bail!("--cohort-share must be in (0, 1], got {cohort_share}");
            }
            if !(scale > 0.0 && scale <= 10.0) {
                bail!("--scale must be in (0, 10], got {scale}");
            }
            let districts =
                read_census(&census, &city).map_err(|e| seatplan::error::InputErrors(vec![e]))?;
            let mut cfg = CityConfig::new(
                &name.unwrap_or_else(|| format!("{city}-like grade-1 intake")),
                districts,
                seed,
            );
            cfg.cohort_share = cohort_share;
            cfg.scale = scale;
            let files = generate_city(&cfg);
            let bytes: Vec<(&str, Vec<u8>)> = files
                .into_iter()
                .map(|(n, s)| (n, s.into_bytes()))
                .collect();
            output::write_dir(&out, &bytes)?;
            say(format!(
                "wrote a {city}-like scenario (seed {seed}) to {}",
                out.join("scenario.toml").display()
            ));
            Ok(0)
        }
    }
}

/// "2 districts, 1 public school, ..." with plurals right.
fn describe(sc: &seatplan::scenario::Scenario) -> String {
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    [
        n(sc.districts().len(), "district", "districts"),
        n(sc.schools().len(), "public school", "public schools"),
        n(
            sc.private_schools().len(),
            "private school",
            "private schools",
        ),
        n(sc.children().len(), "child", "children"),
    ]
    .join(", ")
}

fn report_check(report: &check::CheckReport, say: &dyn Fn(String)) {
    if report.passed() {
        say(format!(
            "independent check passed: {} children, capacities, budget, no justified envy, fallback order",
            report.children
        ));
    } else {
        eprintln!(
            "independent check FAILED: {} violation(s)",
            report.violations.len()
        );
        for v in report.violations.iter().take(20) {
            eprintln!("  [{}] {}", v.rule, v.message);
        }
    }
    for note in &report.notes {
        say(format!("  note: {note}"));
    }
}
