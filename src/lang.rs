//! The language of the files written for people: the results workbook's headers, `report.html`,
//! explanations and appeal letters, and the template's headers.
//!
//! [`Lang`] is `zh` (Chinese), `en` (English) or `both` (Chinese first, then English). The
//! library never looks at the machine: a caller passes the language, and a run records it in its
//! manifest so that `seatplan verify` renders the same bytes anywhere. The CLI chooses the
//! default with [`Lang::from_env`]: `--lang`, else `SEATPLAN_LANG`, else the first of `LC_ALL`,
//! `LC_MESSAGES`, `LANG` that is set and not empty: starting `zh` gives `zh`, anything else `en`.
//! Machine-readable files (the CSV tables, `summary.json`) keep their English names in every
//! language.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language for the files written for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese (简体中文).
    Zh,
    /// English (the default of the library).
    #[default]
    En,
    /// Chinese first, then English.
    Both,
}

impl Lang {
    /// Every language, in the order `--lang` lists them.
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::En, Lang::Both];

    /// The language's name as `--lang` takes it (`zh`, `en`, `both`).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Both => "both",
        }
    }

    /// Whether this is English alone (the language manifests leave unwritten).
    pub fn is_en(&self) -> bool {
        *self == Lang::En
    }

    /// One text in this language, from its Chinese and English forms: `zh`, `en`, or
    /// `"zh en"` for both (the two forms separated by a space; returned alone when equal).
    pub fn pick(self, zh: &str, en: &str) -> String {
        match self {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
            Lang::Both if zh == en => zh.to_string(),
            Lang::Both => format!("{zh} {en}"),
        }
    }

    /// The language chosen by the environment: `SEATPLAN_LANG` if set (an error if it names no
    /// language), else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first set and not empty)
    /// starting `zh` → [`Lang::Zh`], else [`Lang::En`]. `var` reads one variable.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Lang, UnknownLang> {
        if let Some(v) = var("SEATPLAN_LANG").filter(|v| !v.is_empty()) {
            return v.parse();
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| var(k).filter(|v| !v.is_empty()));
        Ok(match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        })
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A language name that is none of `zh`, `en`, `both`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: expected zh, en or both")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownLang(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_environment_chooses_in_order() {
        assert_eq!(Lang::from_env(env(&[])), Ok(Lang::En));
        assert_eq!(
            Lang::from_env(env(&[("LANG", "zh_CN.UTF-8")])),
            Ok(Lang::Zh)
        );
        assert_eq!(Lang::from_env(env(&[("LANG", "C.UTF-8")])), Ok(Lang::En));
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
            Ok(Lang::En)
        );
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW")])),
            Ok(Lang::Zh)
        );
        assert_eq!(
            Lang::from_env(env(&[("SEATPLAN_LANG", "both"), ("LANG", "zh_CN")])),
            Ok(Lang::Both)
        );
        assert!(Lang::from_env(env(&[("SEATPLAN_LANG", "fr")])).is_err());
    }

    #[test]
    fn names_round_trip_and_pick_orders_chinese_first() {
        for l in Lang::ALL {
            assert_eq!(l.name().parse::<Lang>(), Ok(l));
        }
        assert_eq!(Lang::Both.pick("学校", "school"), "学校 school");
        assert_eq!(Lang::Zh.pick("学校", "school"), "学校");
        assert_eq!(Lang::En.pick("学校", "school"), "school");
    }
}
