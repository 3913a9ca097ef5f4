//! `--lang zh|en|both`, shared by the commands that write for people (`run`, `appeal`,
//! `explain`, `template`), and how its default is chosen when it is not given.

use anyhow::{Context, Result};
use seatplan::Lang;

/// The language option.
#[derive(Debug, Clone, clap::Args)]
pub struct LangArg {
    /// Language of the files written for people (results.xlsx, report.html, explanations):
    /// zh, en or both (Chinese first). Default: $SEATPLAN_LANG, else zh when the locale
    /// ($LC_ALL, $LC_MESSAGES, $LANG) starts with zh, else en. CSV columns stay English.
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
}

impl LangArg {
    /// The language given, else the one the environment chooses ([`Lang::from_env`]).
    pub fn resolve(&self) -> Result<Lang> {
        match self.lang {
            Some(l) => Ok(l),
            None => Lang::from_env(|k| std::env::var(k).ok())
                .context("reading the language from $SEATPLAN_LANG"),
        }
    }
}
