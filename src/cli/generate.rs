//! `seatplan generate`: write a synthetic city scenario from census district populations.

use std::path::PathBuf;

use anyhow::{bail, Result};
use seatplan::{
    check_output_dir, generate_city, read_census, write_dir, CityConfig, Error, InputErrors,
    InputKind, Provenance, DEFAULT_COHORT_SHARE,
};

use super::print::Printer;

/// Arguments of `seatplan generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Census CSV (city,district,district_zh,permanent_population_2020).
    #[arg(long, default_value = "scenarios/data/zhejiang_districts_2020.csv")]
    census: PathBuf,
    /// City to take the districts of.
    #[arg(long, default_value = "Hangzhou")]
    city: String,
    /// Folder to write the scenario into: absent, empty or one seatplan wrote.
    #[arg(short, long)]
    out: PathBuf,
    #[arg(long, default_value_t = 2023)]
    seed: u64,
    /// Share of residents in one year-cohort.
    #[arg(long, default_value_t = DEFAULT_COHORT_SHARE)]
    cohort_share: f64,
    /// Multiplies every cohort (e.g. 0.1 for a small test city).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Scenario name (default: "<city>-like grade-1 intake").
    #[arg(long)]
    name: Option<String>,
    /// Also generate residential communities (小区/社区) and each public school's catchment
    /// (施教区): catchments.csv and the children's community columns.
    #[arg(long)]
    catchments: bool,
    /// Write this policy file as the scenario's policy.toml instead of the generator's own
    /// (e.g. a preset of scenarios/policies/).
    #[arg(long)]
    policy: Option<PathBuf>,
}

/// Generates the city and writes its scenario folder.
pub fn run(args: GenerateArgs, printer: Printer) -> Result<()> {
    let GenerateArgs {
        census,
        city,
        out,
        seed,
        cohort_share,
        scale,
        name,
        catchments,
        policy,
    } = args;
    if !(cohort_share > 0.0 && cohort_share <= 1.0) {
        bail!("--cohort-share must be in (0, 1], got {cohort_share}");
    }
    if !(scale > 0.0 && scale <= 10.0) {
        bail!("--scale must be in (0, 10], got {scale}");
    }
    let by = Provenance::new(
        "generate",
        [Some(&census), policy.as_ref()].into_iter().flatten(),
    );
    check_output_dir(&out, &by.inputs).map_err(Error::from)?;
    let policy_text = match &policy {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            Error::from(InputErrors::one(
                InputKind::Scenario,
                seatplan::InputError::file(path, format!("cannot read: {e}")),
            ))
        })?),
        None => None,
    };
    let districts = read_census(&census, &city)
        .map_err(|e| Error::from(InputErrors::one(InputKind::Census, e)))?;
    let mut cfg = CityConfig::new(
        &name.unwrap_or_else(|| format!("{city}-like grade-1 intake")),
        districts,
        seed,
    );
    cfg.cohort_share = cohort_share;
    cfg.scale = scale;
    cfg.catchments = catchments;
    let files: Vec<(&str, Vec<u8>)> = generate_city(&cfg)
        .into_iter()
        .map(|(n, s)| match (n, &policy_text) {
            ("policy.toml", Some(text)) => (n, text.clone()),
            _ => (n, s.into_bytes()),
        })
        .collect();
    write_dir(&out, &files, &by).map_err(Error::from)?;
    printer.say(format!(
        "wrote a {city}-like scenario (seed {seed}) to {}",
        out.join("scenario.toml").display()
    ));
    Ok(())
}
