//! The solver arguments every solving subcommand shares (`--mechanism`, `--backend`, …) and
//! their translation into the library's [`RunSettings`].

use anyhow::{bail, Context, Result};
use clap::ValueEnum;

use seatplan::{Backend, Formulation, Mechanism, RunSettings, SolverOptions};

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
enum BackendArg {
    Microlp,
    Highs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormulationArg {
    /// Prefix sums per school.
    Compact,
    /// One constraint per child and listed school summing every applicant at least as good.
    Textbook,
}

/// How the intake is solved.
#[derive(Debug, clap::Args)]
pub struct SolverArgs {
    /// How the choice stage is solved.
    #[arg(long, value_enum, default_value = "optimal")]
    mechanism: MechanismArg,
    /// MIP backend (default: highs if built with `--features highs`, else microlp).
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Time limit per component of the integer program, in seconds (default: 60 with microlp,
    /// none with highs). A component stopped by it keeps the best assignment found (at worst the
    /// deferred-acceptance start), and the run says so with the bound that was proven.
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

impl SolverArgs {
    /// The arguments that give these settings again (for child processes).
    pub fn to_args(&self) -> Vec<String> {
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
    pub fn set_up_threads(&self) -> Result<()> {
        if let Some(n) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()
                .context("cannot set up the worker threads")?;
        }
        Ok(())
    }

    /// The mechanism and solver options asked for, checked.
    pub fn options(&self) -> Result<(Mechanism, SolverOptions)> {
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
                time_limit_s: self.time_limit.or(backend.default_time_limit_s()),
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

    /// The library's run settings for these arguments.
    pub fn settings(&self, statements: bool) -> Result<RunSettings> {
        let (mechanism, options) = self.options()?;
        Ok(RunSettings {
            mechanism,
            options,
            statements,
            lang: seatplan::Lang::En,
        })
    }
}
