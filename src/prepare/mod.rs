//! The stage before [`crate::schema`]: from CBS's own tables (GBAPERSOONTAB, SECMBUS,
//! HOOGSTEOPLTAB, WIA, DOELGROEPREGISTER, the UWV jobseeker registration, INSCHRWECTAB;
//! `shared/spec/source-tables.md`) to the person file of schema v1.
//!
//! Owns reading the source tables (through [`crate::records`], whatever their format) and
//! their column renames, accounting for every row ([`summary`]), the window arithmetic ([`window`]) and the
//! derivations ([`derive`](mod@derive)). It builds a [`Population`] through schema's public API and
//! knows nothing of models, estimates or reports.
//!
//! ```no_run
//! use banenafspraak::prepare::PrepareParams;
//! let params = PrepareParams::new("GBAPERSOONTAB.csv", "LANDAKTUEELREF.csv", "SECMBUS.csv", "DOELGROEPREGISTER.csv");
//! let prepared = params.run()?;
//! eprint!("{}", prepared.summary);
//! banenafspraak::schema::write_csv_path(&prepared.population, "persons.csv")?;
//! # Ok::<(), banenafspraak::Error>(())
//! ```

pub mod derive;
mod mapping;
pub mod summary;
mod tables;
pub mod window;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use crate::records::{open_source, CsvSource, Next, RecordSource, Row};
pub use crate::schema::{Date, OPEN_END};
pub use derive::{derive, Derived, PersonSpells};
pub use mapping::ColumnMapping;
pub use summary::{Reason, SourceProblem, Summary, TableSummary};
pub use tables::{flag, Spell, SECM_FLAGS};
pub use window::{whole_months, Window};

use crate::error::{Error, Result};
use crate::schema::{Education, Person, Population, DEFAULT_REFERENCE_YEAR};
use summary::{Log, ProblemSink};
use tables::{Persons, SpellTable, Spells};

/// The education code map shipped in `data-dictionary/education-map.csv` (HOOGSTEOPLTAB's
/// `OPLNIVSOI2016AGG4HBMETNIRWO` -> schema code), used unless `--education-map` is given.
pub const EDUCATION_MAP: &str = include_str!("../../data-dictionary/education-map.csv");

/// The default SECM codes of "scholier/student met inkomen" and "overig zonder inkomen".
pub const DEFAULT_STUDENT_WITH_INCOME: &[&str] = &["26"];
/// The default SECM codes of "overig zonder inkomen".
pub const DEFAULT_NO_INCOME: &[&str] = &["32"];

/// What `prepare` reads and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepareParams {
    /// GBAPERSOONTAB: persons, sex, birth date and country of birth.
    pub persons: PathBuf,
    /// LANDAKTUEELREF: country codes and their migration background.
    pub countries: PathBuf,
    /// SECMBUS: socio-economic spells.
    pub secm: PathBuf,
    /// DOELGROEPREGISTER: register spells with their basis.
    pub register: PathBuf,
    /// HOOGSTEOPLTAB; without it every education is `unknown`.
    pub education: Option<PathBuf>,
    /// The education code map; `None`: [`EDUCATION_MAP`].
    pub education_map: Option<PathBuf>,
    /// WIA spells; without them every wia_class is `none`.
    pub wia: Option<PathBuf>,
    /// Jobseeker spells; without them nug and days_nug are 0.
    pub jobseekers: Option<PathBuf>,
    /// INSCHRWECTAB; without it years_special_secondary is 0.
    pub vso: Option<PathBuf>,
    /// SECM codes counted as "scholier/student met inkomen".
    pub student_with_income: Vec<String>,
    /// SECM codes counted as "overig zonder inkomen".
    pub no_income: Vec<String>,
    /// Reference year: the window is its three calendar years.
    pub reference_year: u16,
    /// Column names of the files where they differ from CBS's.
    pub mapping: ColumnMapping,
    /// Refused rows listed per table in the summary.
    pub max_problems: usize,
    /// Write every refused row here (CSV).
    pub problems: Option<PathBuf>,
}

impl PrepareParams {
    /// The four tables without which no person file can be made; everything else at its
    /// default.
    pub fn new(
        persons: impl Into<PathBuf>,
        countries: impl Into<PathBuf>,
        secm: impl Into<PathBuf>,
        register: impl Into<PathBuf>,
    ) -> PrepareParams {
        PrepareParams {
            persons: persons.into(),
            countries: countries.into(),
            secm: secm.into(),
            register: register.into(),
            education: None,
            education_map: None,
            wia: None,
            jobseekers: None,
            vso: None,
            student_with_income: DEFAULT_STUDENT_WITH_INCOME
                .iter()
                .map(|s| s.to_string())
                .collect(),
            no_income: DEFAULT_NO_INCOME.iter().map(|s| s.to_string()).collect(),
            reference_year: DEFAULT_REFERENCE_YEAR,
            mapping: ColumnMapping::none(),
            max_problems: 20,
            problems: None,
        }
    }

    /// Every input file, the mapping file included (so that no output is written over
    /// one).
    pub fn inputs(&self) -> Vec<PathBuf> {
        [&self.persons, &self.countries, &self.secm, &self.register]
            .into_iter()
            .cloned()
            .chain(
                [
                    &self.education,
                    &self.education_map,
                    &self.wia,
                    &self.jobseekers,
                    &self.vso,
                ]
                .into_iter()
                .flatten()
                .cloned(),
            )
            .chain(self.mapping.file().map(Path::to_path_buf))
            .collect()
    }

    /// Reads the tables and derives the person file.
    pub fn run(&self) -> Result<Prepared> {
        if !(2000..=2100).contains(&self.reference_year) {
            return Err(Error::InvalidParameter {
                name: "reference_year",
                value: self.reference_year.to_string(),
                reason: "must be in 2000 ..= 2100".into(),
            });
        }
        if let Some(p) = &self.problems {
            crate::records::check_not_an_input(p, &self.inputs())?;
        }
        let mut sink = ProblemSink::new(self.problems.as_deref(), self.max_problems)?;
        let (population, summary) = self.read_and_derive(&mut sink)?;
        sink.finish()?;
        Ok(Prepared {
            population,
            summary,
        })
    }

    fn read_and_derive(&self, sink: &mut ProblemSink) -> Result<(Population, Summary)> {
        let mut tables = Vec::new();
        let mut not_given = Vec::new();
        let m = &self.mapping;
        let year = self.reference_year;

        let (countries, t) = read_table(
            open_source(&self.countries)?,
            "LANDAKTUEELREF",
            sink,
            |src, log| tables::read_countries(src, m, log),
        )?;
        tables.push(t);
        let (persons, t) = read_table(
            open_source(&self.persons)?,
            "GBAPERSOONTAB",
            sink,
            |src, log| tables::read_persons(src, m, &countries, year, log),
        )?;
        let left_out = t
            .refused
            .iter()
            .filter(|(r, _)| r.leaves_person_out())
            .map(|(&r, &n)| (r, n))
            .collect();
        tables.push(t);

        let education = self.read_education(&persons, sink, &mut tables, &mut not_given)?;
        let vso = match &self.vso {
            Some(path) => {
                let (v, t) = read_table(open_source(path)?, "INSCHRWECTAB", sink, |src, log| {
                    tables::read_vso(src, m, &persons, year, log)
                })?;
                tables.push(t);
                v
            }
            None => {
                not_given
                    .push("INSCHRWECTAB (--vso): every years_special_secondary is 0".to_string());
                vec![0; persons.len()]
            }
        };
        let secm_columns: Vec<&'static str> =
            std::iter::once("SECM").chain(tables::SECM_FLAGS).collect();
        let spec = SpellTable {
            name: "SECMBUS",
            start: "AANVSECM",
            end: "EINDSECM",
            columns: &secm_columns,
        };
        let (secm, t) = read_table(open_source(&self.secm)?, "SECMBUS", sink, |src, log| {
            tables::read_spells(src, &spec, m, &persons, log, |c| {
                tables::secm_value(c, &self.student_with_income, &self.no_income)
            })
        })?;
        tables.push(t);
        let spec = SpellTable {
            name: "DOELGROEPREGISTER",
            start: "AANVREG",
            end: "EINDREG",
            columns: &["GRONDSLAG"],
        };
        let (register, t) =
            read_table(open_source(&self.register)?, spec.name, sink, |src, log| {
                tables::read_spells(src, &spec, m, &persons, log, tables::register_value)
            })?;
        tables.push(t);
        let (wia, jobseekers) =
            self.read_optional_spells(&persons, sink, &mut tables, &mut not_given)?;

        let window = Window::new(year);
        let all = Inputs {
            persons: &persons,
            education: &education,
            vso: &vso,
            secm: &secm,
            wia: &wia,
            register: &register,
            jobseekers: &jobseekers,
        };
        let (population, entry_years_raised) = all.population(&window, year)?;
        let summary = Summary {
            reference_year: year,
            tables,
            persons_written: population.len() as u64,
            left_out,
            entry_years_raised,
            not_given,
        };
        Ok((population, summary))
    }

    /// HOOGSTEOPLTAB with its level map (the shipped one unless given); every education
    /// unknown without it.
    fn read_education(
        &self,
        persons: &Persons,
        sink: &mut ProblemSink,
        tables: &mut Vec<TableSummary>,
        not_given: &mut Vec<String>,
    ) -> Result<Vec<Education>> {
        let Some(path) = &self.education else {
            not_given.push("HOOGSTEOPLTAB (--education): every education is unknown".to_string());
            return Ok(vec![Education::Unknown; persons.len()]);
        };
        let map_source: Box<dyn RecordSource> = match &self.education_map {
            Some(p) => open_source(p)?,
            None => Box::new(CsvSource::from_text(
                "education-map.csv (shipped)",
                EDUCATION_MAP,
            )?),
        };
        let (map, t) = read_table(
            map_source,
            "education map",
            sink,
            tables::read_education_map,
        )?;
        tables.push(t);
        let (e, t) = read_table(open_source(path)?, "HOOGSTEOPLTAB", sink, |src, log| {
            tables::read_education(src, &self.mapping, &map, persons, log)
        })?;
        tables.push(t);
        Ok(e)
    }

    /// The optional spell tables WIA and WERKZOEKENDEN (empty when not given).
    fn read_optional_spells(
        &self,
        persons: &Persons,
        sink: &mut ProblemSink,
        tables: &mut Vec<TableSummary>,
        not_given: &mut Vec<String>,
    ) -> Result<(Spells, Spells)> {
        let optional = [
            (
                &self.wia,
                SpellTable {
                    name: "WIA",
                    start: "AANVWIA",
                    end: "EINDWIA",
                    columns: &["WIAKLASSE", "AOPERC"],
                },
                "WIA (--wia): every wia_class is none, disability_pct 0",
            ),
            (
                &self.jobseekers,
                SpellTable {
                    name: "WERKZOEKENDEN",
                    start: "AANVWZ",
                    end: "EINDWZ",
                    columns: &[],
                },
                "WERKZOEKENDEN (--jobseekers): every nug and days_nug is 0",
            ),
        ];
        let mut read = Vec::new();
        for (path, spec, note) in optional {
            let Some(path) = path else {
                not_given.push(note.to_string());
                read.push(Spells::default());
                continue;
            };
            let value = if spec.name == "WIA" {
                tables::wia_value
            } else {
                no_value
            };
            let (s, t) = read_table(open_source(path)?, spec.name, sink, |src, log| {
                tables::read_spells(src, &spec, &self.mapping, persons, log, value)
            })?;
            tables.push(t);
            read.push(s);
        }
        let jobseekers = read.pop().unwrap_or_default();
        let wia = read.pop().unwrap_or_default();
        Ok((wia, jobseekers))
    }
}

fn no_value(_: &tables::Cells<'_>) -> std::result::Result<(u8, u8), SourceProblem> {
    Ok((0, 0))
}

/// Reads one table from `src` with `read`; returns the result and the table's account.
fn read_table<T>(
    mut src: Box<dyn RecordSource>,
    table: &'static str,
    sink: &mut ProblemSink,
    read: impl FnOnce(&mut dyn RecordSource, &mut Log<'_>) -> Result<T>,
) -> Result<(T, TableSummary)> {
    let mut log = Log::new(table, src.name(), sink);
    let out = read(src.as_mut(), &mut log)?;
    Ok((out, log.table))
}

/// Derived persons of one chunk (person index, columns) and their raised entry years.
type DerivedChunk = (Vec<(usize, Derived)>, u64);

/// Everything read, per person.
struct Inputs<'a> {
    persons: &'a Persons,
    education: &'a [Education],
    vso: &'a [u8],
    secm: &'a Spells,
    wia: &'a Spells,
    register: &'a Spells,
    jobseekers: &'a Spells,
}

impl Inputs<'_> {
    /// Derives every kept person (in parallel, in person-table order) and checks each
    /// against the schema's rules.
    fn population(&self, window: &Window, year: u16) -> Result<(Population, u64)> {
        const CHUNK: usize = 1 << 16;
        let kept: Vec<usize> = (0..self.persons.len())
            .filter(|&i| self.persons.kept[i])
            .collect();
        let mut pop = Population::new();
        pop.reserve(kept.len());
        let mut raised = 0u64;
        for wave in kept.chunks(CHUNK * 16) {
            let parts: Vec<Result<DerivedChunk>> = wave
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut out = Vec::with_capacity(chunk.len());
                    let mut raised = 0;
                    for &i in chunk {
                        let d = derive(window, &self.spells(i));
                        raised += u64::from(d.entry_year_raised);
                        let p = self.person(i, &d);
                        if let Some(v) = p.check(year).first() {
                            return Err(Error::ModelInput(format!(
                                "prepare derived a row that breaks schema v1 for person {} ({}: {}); please report this",
                                p.person_id, v.column, v.rule
                            )));
                        }
                        out.push((i, d));
                    }
                    Ok((out, raised))
                })
                .collect();
            for part in parts {
                let (rows, r) = part?;
                raised += r;
                for (i, d) in rows {
                    pop.push(&self.person(i, &d));
                }
            }
        }
        Ok((pop, raised))
    }

    fn spells(&self, i: usize) -> PersonSpells<'_> {
        PersonSpells {
            secm: self.secm.of(i),
            wia: self.wia.of(i),
            register: self.register.of(i),
            jobseeker: self.jobseekers.of(i),
        }
    }

    fn person(&self, i: usize, d: &Derived) -> Person<'_> {
        let p = self.persons;
        Person {
            person_id: &p.ids[i],
            sex: p.sex[i],
            age: p.age[i],
            migration: p.migration[i],
            generation: p.generation[i],
            education: self.education[i],
            years_special_secondary: self.vso[i],
            days: d.days,
            employed: d.employed,
            ww: d.ww,
            bijstand: d.bijstand,
            nug: d.nug,
            wia_class: d.wia_class,
            disability_pct: d.disability_pct,
            months_without_work: d.months_without_work,
            months_bijstand: d.months_bijstand,
            in_register: d.in_register,
            register_basis: d.register_basis,
            register_entry_year: d.register_entry_year,
            found_job_within_year: d.found_job_within_year,
            kept_job_one_year: d.kept_job_one_year,
            // The source tables carry no SPOLIS hours yet (shared/spec/source-tables.md).
            job_hours_per_week: None,
        }
    }
}

/// The result of [`PrepareParams::run`].
#[derive(Debug)]
pub struct Prepared {
    /// The derived person file.
    pub population: Population,
    /// The account of every table read.
    pub summary: Summary,
}

/// Runs `prepare` and writes the person file (schema v1 CSV) to `output`, never over an
/// input file; returns the summary. What the `prepare` command does.
pub fn prepare_to_file(params: &PrepareParams, output: &Path) -> Result<Summary> {
    crate::records::check_not_an_input(output, &params.inputs())?;
    let prepared = params.run()?;
    crate::schema::write_csv_path(&prepared.population, output)?;
    Ok(prepared.summary)
}
