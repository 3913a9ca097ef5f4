//! `seatplan plan`: project demand and choose capacity expansions within a capital budget.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use seatplan::{
    applied_scenario, check_output_dir, load, plan, read_candidates, render_plan, write_dir,
    Candidate, Error, InputErrors, Provenance,
};

use super::print::Printer;

/// Arguments of `seatplan plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    scenario: PathBuf,
    /// Output folder: absent, empty or one seatplan wrote (replaced atomically); the applied
    /// scenario goes to OUT/scenario/.
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
}

/// Plans, writes the plan and the scenario with the plan applied.
pub fn run(args: PlanArgs, printer: Printer) -> Result<()> {
    let loaded = load(&args.scenario).map_err(Error::from)?;
    let sc = &loaded.scenario;
    let budget = args
        .capital_budget
        .unwrap_or(loaded.planning.capital_budget_yuan);
    let years = args.years.unwrap_or(loaded.planning.years);
    if years > 30 {
        bail!("--years: at most 30 projection years, got {years}");
    }
    let candidates = args.candidates.or(loaded.planning.candidates.clone());
    let options: Vec<Candidate> = match &candidates {
        Some(file) => read_candidates(file, sc).map_err(Error::from)?,
        None => Vec::new(),
    };
    let mut inputs: Vec<PathBuf> = loaded.files.all().into_iter().map(PathBuf::from).collect();
    inputs.extend(candidates);
    let by = Provenance::new("plan", inputs);
    check_output_dir(&args.out, &by.inputs).map_err(Error::from)?;
    let t = Instant::now();
    let chosen = plan(sc, &options, budget, years).map_err(Error::from)?;
    printer.say(format!(
        "planned in {:.2?}: {} candidate expansions, {} years",
        t.elapsed(),
        options.len(),
        years + 1
    ));
    let mut files = render_plan(sc, &chosen);
    let applied = applied_scenario(&loaded, &options, &chosen)
        .map_err(|e| Error::from(InputErrors::scenario(vec![e])))?;
    for (name, bytes) in applied.files {
        files.push((format!("scenario/{name}"), bytes));
    }
    write_dir(&args.out, &files, &by).map_err(Error::from)?;
    let out = args.out.display().to_string();
    let out = out.trim_end_matches('/');
    for (name, from) in &applied.converted {
        printer.say(format!(
            "{out}/scenario/{name}: the table of {from}, written as UTF-8 CSV with commas"
        ));
    }
    printer.say(format!(
        "capital: {} of {} yuan on {} expansion(s)",
        chosen.capital_spent_yuan,
        budget,
        chosen.chosen.len()
    ));
    printer.say(format!(
        "projected over {} year(s): unplaced {} → {}, purchased-place cost {} → {} yuan",
        years + 1,
        chosen.unplaced_before,
        chosen.unplaced_after,
        chosen.purchase_cost_before_yuan,
        chosen.purchase_cost_after_yuan
    ));
    printer.say(format!(
        "plan written to {out}/ (re-run the intake with: seatplan run {out}/scenario/scenario.toml --out {out}-run)",
    ));
    Ok(())
}
