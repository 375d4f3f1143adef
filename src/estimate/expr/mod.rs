//! The rule language of user-defined populations and sub-groups (`--population
//! 'NAME: EXPR'`, scenario files): comparisons over the person file's columns, extra
//! columns included, combined with `and`, `or`, `not` and parentheses. Owns parsing,
//! checking against the schema and evaluation on one person; knows nothing of models or
//! reports.
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | primary
//! primary := "(" expr ")" | column [op value | ["not"] "in" "(" value ("," value)* ")"]
//! op      := "=" | "!=" | "<" | "<=" | ">" | ">="
//! value   := number | code | 'text' | "text"
//! ```
//!
//! A bare column is true when a 0/1 column is 1. Schema columns are checked when the rule
//! is parsed: an unknown column or code, `<` on a code, or `person_id` (a key never selects
//! anyone) is an error naming the position. `education_level` (1-4 or `unknown`) is the
//! report's grouping of `education`. Any other name is an extra column of the file, checked
//! when the population is bound to a file ([`PopulationRule::check_columns`]); its cells compare as
//! numbers when the value is a number, as text otherwise. An empty cell (an empty extra
//! cell, or `months_bijstand` outside bijstand) makes every comparison false, `!=`
//! included, so `not (x = 1)` is how "not 1, or empty" is written.

mod ast;
mod eval;
mod lexer;
mod parser;

use std::fmt;

use crate::schema::{Person, Population};
use ast::Node;
pub use eval::Extras;
use lexer::tokenize;
use parser::Parser;

/// A parsed, checked rule.
///
/// ```
/// use banenafspraak::estimate::PopulationRule;
/// use banenafspraak::schema::Person;
/// let rule = PopulationRule::parse("ww = 1 and months_without_work <= 12")?;
/// let mut p = Person::example();
/// assert!(!rule.matches(&p));
/// p.ww = true;
/// p.months_without_work = Some(6);
/// assert!(rule.matches(&p));
/// let err = PopulationRule::parse("ww = 1 and age <").unwrap_err();
/// assert_eq!(err.position, 17);
/// # Ok::<(), banenafspraak::estimate::RuleError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRule {
    source: String,
    root: Node,
}

/// A rule that does not parse or does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The rule as written.
    pub rule: String,
    /// 1-based character position of the problem (one past the end for a rule that stops
    /// too early).
    pub position: usize,
    /// What was expected or what is wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let caret = " ".repeat(self.position.saturating_sub(1));
        write!(
            f,
            "in rule `{}` at position {}: {}\n  {}\n  {caret}^",
            self.rule, self.position, self.message, self.rule
        )
    }
}

impl std::error::Error for RuleError {}

impl PopulationRule {
    /// Parses and checks a rule against the schema's columns and codes.
    pub fn parse(src: &str) -> Result<PopulationRule, RuleError> {
        let fail = |(position, message): (usize, String)| RuleError {
            rule: src.to_string(),
            position,
            message,
        };
        let tokens = tokenize(src).map_err(fail)?;
        let end = src.chars().count() + 1;
        let mut parser = Parser {
            tokens,
            next: 0,
            end,
        };
        let root = parser.or().map_err(fail)?;
        if parser.next < parser.tokens.len() {
            return Err(fail((
                parser.position(),
                format!(
                    "expected `and`, `or` or the end of the rule, found {}",
                    parser.found()
                ),
            )));
        }
        Ok(PopulationRule {
            source: src.to_string(),
            root,
        })
    }

    /// The rule as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the person matches, with extra columns looked up in `extras`. Without
    /// extras, a comparison on an extra column is false.
    pub fn matches_with(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
        self.root.eval(p, extras)
    }

    /// Whether the person matches, on schema columns only.
    pub fn matches(&self, p: &Person<'_>) -> bool {
        self.matches_with(p, None)
    }

    /// Whether the rule names extra columns (and so needs [`Extras`]).
    pub fn uses_extra_columns(&self) -> bool {
        let mut names = Vec::new();
        self.root.extra_names(&mut names);
        !names.is_empty()
    }

    /// Checks that every extra column the rule names is in `pop`, and that none holds a
    /// person's key.
    pub fn check_columns(&self, pop: &Population) -> Result<(), RuleError> {
        let mut names = Vec::new();
        self.root.extra_names(&mut names);
        for (name, position) in names {
            let fail = |message: String| RuleError {
                rule: self.source.clone(),
                position,
                message,
            };
            if pop.extra(name).is_none() {
                let mut known: Vec<&str> = crate::schema::COLUMNS.iter().map(|c| c.name).collect();
                known.extend(pop.extra_column_names());
                return Err(fail(format!(
                    "`{name}` is neither a schema column nor an extra column of the file (columns: {})",
                    known.join(", ")
                )));
            }
            if is_key_name(name) {
                return Err(fail(format!(
                    "`{name}` is a key: a rule may not select persons by id"
                )));
            }
        }
        Ok(())
    }
}

/// Names that hold person keys in CBS files.
fn is_key_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "rinpersoon" | "rinpersoons" | "person_id"
    )
}

impl fmt::Display for PopulationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for PopulationRule {
    type Err = RuleError;
    fn from_str(s: &str) -> Result<PopulationRule, RuleError> {
        PopulationRule::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{DaysColumn, Education, WiaClass};

    fn err(src: &str) -> RuleError {
        PopulationRule::parse(src).expect_err(src)
    }

    #[test]
    fn comparisons_on_each_kind_of_column() {
        let mut p = Person::example();
        p.age = 30;
        p.education = Education::Mbo1;
        p.wia_class = WiaClass::Wga35To80;
        p.days.set(DaysColumn::Bijstand, 100);
        let cases = [
            ("age = 30", true),
            ("age != 30", false),
            ("age < 30", false),
            ("age <= 30", true),
            ("age > 29.5", true),
            ("age >= 31", false),
            ("days_bijstand >= 100", true),
            ("education = mbo1", true),
            ("education_level = 3", true),
            ("education_level in (1, 2)", false),
            ("education_level not in (1, 2)", true),
            ("wia_class in (wga_35_80, iva)", true),
            ("wia_class != none", true),
            ("ww = 0", true),
            ("ww", false),
            ("not ww", true),
            ("months_bijstand < 600", false),
            ("months_bijstand >= 0", false),
            ("not (months_bijstand >= 0)", true),
            ("age = 30 and ww or education = mbo1", true),
            ("age = 30 and (ww or education = primary)", false),
            ("not age = 30 or ww", false),
            ("AGE = 30", false),
        ];
        for (src, want) in cases {
            let r = match PopulationRule::parse(src) {
                Ok(r) => r,
                // `AGE` is not a schema column: an extra column, false without extras.
                Err(e) => panic!("{src}: {e}"),
            };
            assert_eq!(r.matches(&p), want, "{src}");
        }
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        let mut p = Person::example();
        p.ww = true;
        p.age = 20;
        // (ww and age > 60) or age < 25: true; ww and (age > 60 or age < 25): true;
        // distinguishes: not ww and age < 25 = (not ww) and (age < 25): false.
        assert!(PopulationRule::parse("ww and age > 60 or age < 25")
            .unwrap()
            .matches(&p));
        assert!(!PopulationRule::parse("not ww and age < 25")
            .unwrap()
            .matches(&p));
        assert!(!PopulationRule::parse("age > 60 and ww or age > 60")
            .unwrap()
            .matches(&p));
    }

    #[test]
    fn errors_name_the_position_and_what_was_expected() {
        let cases: [(&str, usize, &str); 12] = [
            ("ww = 1 and age <", 17, "expected a value"),
            ("ww = 1 and", 11, "expected a column name"),
            ("(ww = 1", 8, "expected `)`"),
            ("ww = 1)", 7, "expected `and`, `or` or the end"),
            (
                "sex = mal",
                7,
                "`mal` is not a code of sex; expected one of male, female",
            ),
            ("sex < male", 1, "is a code"),
            ("age in (1, 2)", 1, "`in` needs a code column"),
            ("ww < 1", 1, "is 0 or 1"),
            ("ww = 2", 6, "is 0 or 1"),
            ("age = old", 7, "is a number"),
            ("person_id = 'P1'", 1, "key"),
            ("age = 3 # 4", 9, "unexpected character `#`"),
        ];
        for (src, position, words) in cases {
            let e = err(src);
            assert_eq!(e.position, position, "{src}: {e}");
            assert!(e.message.contains(words), "{src}: {}", e.message);
        }
        assert!(err("education_level = 5")
            .message
            .contains("1, 2, 3, 4, unknown"));
        assert!(err("age = 'unclosed").message.contains("not closed"));
        assert!(err("age").message.contains("not a 0/1 column"));
        let shown = err("ww = 1 and age <").to_string();
        assert!(
            shown.ends_with("ww = 1 and age <\n                  ^"),
            "{shown}"
        );
    }

    #[test]
    fn extra_columns_compare_as_numbers_or_text_and_empty_is_false() {
        let csv = "person_id,sex,age,migration,generation,education,years_special_secondary,\
            days_employee,days_ww,days_bijstand,days_sickness_disability,days_other_social_benefit,\
            days_any_benefit,days_in_school,days_student_with_income,days_no_income,days_nug,\
            employed,ww,bijstand,nug,wia_class,disability_pct,months_without_work,months_bijstand,\
            in_register,register_basis,register_entry_year,found_job_within_year,kept_job_one_year,\
            income,region\n";
        let row = |id: &str, income: &str, region: &str| {
            format!(
                "{id},male,30,none,0,mbo1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,none,0,,,0,,,,,{income},{region}\n"
            )
        };
        let text = format!(
            "{csv}{}{}{}",
            row("a", "19000", "utrecht"),
            row("b", "", "utrecht"),
            row("c", "abc", "zeeland")
        );
        let pop = crate::schema::read_csv(
            text.as_bytes(),
            "t.csv",
            &crate::schema::ReadOptions::default(),
        )
        .unwrap();
        let hits = |src: &str| -> Vec<usize> {
            let r = PopulationRule::parse(src).unwrap();
            r.check_columns(&pop).unwrap();
            (0..pop.len())
                .filter(|&i| r.matches_with(&pop.person(i), Some(Extras::new(&pop, i))))
                .collect()
        };
        assert_eq!(hits("income < 20000"), [0]);
        assert_eq!(hits("income != 5"), [0]);
        assert_eq!(hits("not (income = 19000)"), [1, 2]);
        assert_eq!(hits("region = utrecht"), [0, 1]);
        assert_eq!(hits("region in ('zeeland', drenthe)"), [2]);
        assert_eq!(hits("region not in (zeeland)"), [0, 1]);
        let missing = PopulationRule::parse("age > 3 and regio = x").unwrap();
        let e = missing.check_columns(&pop).unwrap_err();
        assert_eq!(e.position, 13);
        assert!(e.message.contains("`regio` is neither"), "{e}");
        let key = PopulationRule::parse("RINPERSOON = 3").unwrap();
        assert!(key.uses_extra_columns());
    }
}
