//! `seatplan merge`: the output folders of every shard of a sweep merged into the
//! single-machine result.

use std::path::PathBuf;

use anyhow::{Context, Result};
use seatplan::{
    check_output_dir, merge_sweeps, render_sweep, write_dir, Error, Provenance, SweepResults,
    SWEEP_JSON,
};

use super::print::Printer;

/// Arguments of `seatplan merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shards' output folders.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Output folder: absent, empty or one seatplan wrote (replaced atomically); never a shard's.
    #[arg(short, long)]
    out: PathBuf,
}

/// Reads every shard's results, merges and writes them.
pub fn run(args: MergeArgs, printer: Printer) -> Result<()> {
    let by = Provenance::new("merge", &args.shards);
    check_output_dir(&args.out, &by.inputs).map_err(Error::from)?;
    let mut read = Vec::new();
    for dir in &args.shards {
        let file = dir.join(SWEEP_JSON);
        let bytes = seatplan::read_input(&file, seatplan::FileKind::Text)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let results: SweepResults = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a sweep's results", file.display()))?;
        read.push((dir.display().to_string(), results));
    }
    let merged = merge_sweeps(read)?;
    write_dir(&args.out, &render_sweep(&merged), &by).map_err(Error::from)?;
    printer.say(format!(
        "merged {} shards: {} points written to {}/",
        args.shards.len(),
        merged.points.len(),
        args.out.display()
    ));
    super::sweep::verdict(&merged, printer)
}
