//! `seatplan template DIR`: write an empty scenario (workbook and CSVs) to fill in and run.

use std::path::PathBuf;

use anyhow::Result;

use super::lang::LangArg;
use super::print::Printer;

/// Arguments of `seatplan template`.
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// Folder to write the template into: absent or empty.
    dir: PathBuf,
    #[command(flatten)]
    lang: LangArg,
}

/// Writes the template and names what it wrote.
pub fn run(args: TemplateArgs, printer: Printer) -> Result<()> {
    let lang = args.lang.resolve()?;
    let written = seatplan::write_template(&args.dir, lang).map_err(seatplan::Error::from)?;
    printer.say(format!(
        "template written to {}/ ({lang}): {}",
        args.dir.display(),
        written.join(", ")
    ));
    printer.say(format!(
        "fill in the tables, then: seatplan run {} --out out",
        args.dir.join("scenario.toml").display()
    ));
    Ok(())
}
