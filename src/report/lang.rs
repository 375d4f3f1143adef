//! The two languages of the report: English and Dutch labels for the report's tables. The
//! Dutch labels are the report's own (Panteia 2023, tables 4.1-4.3): "Bruto aantal",
//! "Vergelijkbaar", "Vindt werk", "Behoudt werk", "Opleidingsniv. 1", "50 jaar of ouder".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::estimate::{ConfidenceLevel, Measure};
use crate::schema::{AgeBand, EducationLevel};

/// The language of labels, titles and notes.
///
/// ```
/// use banenafspraak::report::Lang;
/// assert_eq!("nl".parse::<Lang>().unwrap(), Lang::Nl);
/// assert_eq!(Lang::Nl.pick("gross", "Bruto aantal"), "Bruto aantal");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Dutch, with the report's labels.
    Nl,
}

impl Lang {
    /// The English or the Dutch text.
    pub fn pick<'a>(self, en: &'a str, nl: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Nl => nl,
        }
    }

    /// The column labels of an interval's two ends at `level`: `95% low`, `95% high`
    /// (`95% onder`, `95% boven`).
    pub fn interval_ends(self, level: ConfidenceLevel) -> [String; 2] {
        let pct = level.percent();
        [
            format!("{pct} {}", self.pick("low", "onder")),
            format!("{pct} {}", self.pick("high", "boven")),
        ]
    }

    /// `en` or `nl`.
    pub fn code(self) -> &'static str {
        self.pick("en", "nl")
    }

    /// The column label of a measure of the distribution and counts tables.
    pub fn measure(self, m: Measure) -> &'static str {
        match m {
            Measure::Persons => self.pick("gross", "Bruto aantal"),
            Measure::Comparable => self.pick("comparable", "Vergelijkbaar"),
            Measure::HadWork => self.pick("had work", "Had werk"),
            Measure::FindsWork => self.pick("finds work", "Vindt werk"),
            Measure::KeepsWork => self.pick("keeps work", "Behoudt werk"),
        }
    }

    /// The row label of an education level (`1`..`4`, `unknown`), given the breakdown's
    /// code and English label.
    pub fn education<'a>(self, code: &str, en_label: &'a str) -> std::borrow::Cow<'a, str> {
        match (self, EducationLevel::from_code(code.as_bytes())) {
            (Lang::En, _) | (Lang::Nl, None) => en_label.into(),
            (Lang::Nl, Some(EducationLevel::Unknown)) => "Onbekend".into(),
            (Lang::Nl, Some(_)) => format!("Opleidingsniv. {code}").into(),
        }
    }

    /// The row label of an age band, given the breakdown's code and English label.
    pub fn age_band<'a>(self, code: &str, en_label: &'a str) -> std::borrow::Cow<'a, str> {
        match (self, AgeBand::from_code(code.as_bytes())) {
            (Lang::Nl, Some(AgeBand::Under20)) => "< 20 jaar".into(),
            (Lang::Nl, Some(AgeBand::From20To29)) => "20 - < 30 jaar".into(),
            (Lang::Nl, Some(AgeBand::From30To49)) => "30 - < 50 jaar".into(),
            (Lang::Nl, Some(AgeBand::From50)) => "50 jaar of ouder".into(),
            (Lang::En, Some(_)) => format!("{en_label} years").into(),
            _ => en_label.into(),
        }
    }

    /// The label of a sub-group of one of the report's populations; other sub-groups keep
    /// the label they were given.
    pub fn subgroup<'a>(self, population: &str, name: &str, label: &'a str) -> &'a str {
        if self == Lang::En {
            return label;
        }
        match (population, name) {
            ("ww", "months_0_12") => "WW’ers <= 1 jaar zonder werk",
            ("ww", "months_13_24") => "WW’ers 1-2 jaar zonder werk",
            ("ww", "months_25_plus") => "WW’ers > 2 jaar zonder werk",
            ("bijstand", "months_0_11") => "< 1 jaar bijstand",
            ("bijstand", "months_12_23") => "1-2 jaar bijstand",
            ("bijstand", "months_24_plus") => ">= 2 jaar bijstand",
            ("nug", "months_0_11") => "< 1 jaar zonder werk/uitkering",
            ("nug", "months_12_23") => "1-2 jaar zonder werk/uitkering",
            ("nug", "months_24_plus") => ">= 2 jaar zonder werk/uitkering",
            _ => label,
        }
    }

    /// "Total" or "Totaal".
    pub fn total(self) -> &'static str {
        self.pick("Total", "Totaal")
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "nl" | "dutch" | "nederlands" => Ok(Lang::Nl),
            other => Err(format!("unknown language {other:?}: expected `en` or `nl`")),
        }
    }
}
