//! Populations written down rather than programmed: a scenario file (TOML) with named
//! populations and their sub-groups, and the command line's `--population 'NAME: RULE'`.
//! Owns the file format and its errors; the rules themselves are [`super::expr`]'s, the
//! populations [`super::populations`]'.
//!
//! ```toml
//! # scenarios/report.toml
//! [[population]]
//! name = "ww"                 # machine name: lower-case letters, digits, _
//! label = "WW"                # for people (optional; the name by default)
//! rule = "ww = 1"
//!
//! [[population.subgroup]]
//! name = "months_0_12"
//! label = "<= 1 year without work"
//! rule = "months_without_work <= 12"
//! ```
//!
//! Every population is restricted to ages 16-66 outside the register, as the report's are.
//! A person is counted in the first sub-group whose rule it matches.

use std::path::Path;

use serde::Deserialize;

use super::expr::PopulationRule;
use super::populations::{ScoredPopulation, Subgroup};
use crate::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "population")]
    populations: Vec<PopulationEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PopulationEntry {
    name: String,
    label: Option<String>,
    rule: String,
    #[serde(default, rename = "subgroup")]
    subgroups: Vec<SubgroupEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubgroupEntry {
    name: String,
    label: Option<String>,
    rule: String,
}

/// The populations of a scenario file, in the file's order.
///
/// ```
/// use banenafspraak::estimate::scenario::parse_scenario;
/// let text = r#"
/// [[population]]
/// name = "ww_young"
/// rule = "ww = 1 and age < 27"
/// "#;
/// let pops = parse_scenario(text, "young.toml")?;
/// assert_eq!(pops[0].name, "ww_young");
/// # Ok::<(), banenafspraak::Error>(())
/// ```
pub fn parse_scenario(text: &str, file: &str) -> Result<Vec<ScoredPopulation>> {
    let parsed: File = toml::from_str(text).map_err(|e| Error::Scenario {
        file: file.to_string(),
        message: toml_message(text, &e),
    })?;
    if parsed.populations.is_empty() {
        return Err(Error::Scenario {
            file: file.to_string(),
            message: "no [[population]] in the file".into(),
        });
    }
    let mut out: Vec<ScoredPopulation> = Vec::with_capacity(parsed.populations.len());
    for entry in parsed.populations {
        let where_ = |sub: Option<&str>| match sub {
            None => format!("{file}: population {}", entry.name),
            Some(s) => format!("{file}: population {}, sub-group {s}", entry.name),
        };
        check_name(&entry.name, &where_(None))?;
        if out.iter().any(|p| p.name == entry.name) {
            return Err(scenario_error(
                file,
                format!("population {} is defined twice", entry.name),
            ));
        }
        let rule = parse_rule(&entry.rule, where_(None))?;
        let label = entry.label.unwrap_or_else(|| entry.name.clone());
        let mut pop = ScoredPopulation::from_rule(entry.name.clone(), label, rule);
        for sub in entry.subgroups {
            let at = where_(Some(&sub.name));
            check_name(&sub.name, &at)?;
            if sub.name == "total" || pop.subgroups.iter().any(|g| g.name == sub.name) {
                return Err(scenario_error(
                    file,
                    format!(
                        "population {}: sub-group name {} is taken",
                        entry.name, sub.name
                    ),
                ));
            }
            let rule = parse_rule(&sub.rule, at)?;
            let label = sub.label.unwrap_or_else(|| sub.name.clone());
            pop = pop.with_subgroup(Subgroup::from_rule(sub.name, label, rule));
        }
        out.push(pop);
    }
    Ok(out)
}

/// Reads a scenario file.
pub fn read_scenario(path: impl AsRef<Path>) -> Result<Vec<ScoredPopulation>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
    parse_scenario(&text, &path.display().to_string())
}

/// A population from the command line: `NAME: RULE` (the label is the name).
///
/// ```
/// use banenafspraak::estimate::scenario::parse_population_arg;
/// let p = parse_population_arg("wajong_like: disability_pct >= 80 and age < 30")?;
/// assert_eq!(p.name, "wajong_like");
/// assert!(parse_population_arg("no colon here").is_err());
/// # Ok::<(), banenafspraak::Error>(())
/// ```
pub fn parse_population_arg(arg: &str) -> Result<ScoredPopulation> {
    let at = "--population";
    let Some((name, rule)) = arg.split_once(':') else {
        return Err(scenario_error(
            at,
            format!("`{arg}` is not of the form NAME: RULE (e.g. 'ww_young: ww = 1 and age < 27')"),
        ));
    };
    let name = name.trim();
    check_name(name, at)?;
    let rule = parse_rule(rule.trim(), format!("{at} {name}"))?;
    Ok(ScoredPopulation::from_rule(name, name, rule))
}

fn parse_rule(text: &str, population: String) -> Result<PopulationRule> {
    PopulationRule::parse(text).map_err(|error| Error::PopulationRule { population, error })
}

fn scenario_error(file: &str, message: String) -> Error {
    Error::Scenario {
        file: file.to_string(),
        message,
    }
}

/// Machine names go into results tables and file names: keep them plain.
fn check_name(name: &str, at: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain {
        Ok(())
    } else {
        Err(scenario_error(
            at,
            format!("name `{name}` must be 1-64 lower-case letters, digits or _"),
        ))
    }
}

/// The TOML error with the line and column it points at.
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().to_string();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}
