//! The CSV writer of schema v1.1: schema columns in canonical order, then the extra
//! columns, so that reading what was written gives the same population. The optional
//! v1.1 column `job_hours_per_week` is written exactly when the population carries it,
//! so a version 1 population gives a version 1 file.

use std::io::Write;
use std::path::Path;

use super::columns::{Column, COLUMNS};
use super::population::{DaysColumn, Person, Population};
use crate::error::{Error, Result};

/// Writes a population as schema v1 CSV to a file.
pub fn write_csv_path(pop: &Population, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let file = std::fs::File::create(path).map_err(|e| Error::io(path.display(), e))?;
    write_csv(
        pop,
        std::io::BufWriter::with_capacity(1 << 20, file),
        &path.display().to_string(),
    )
}

/// Writes a population as schema v1 CSV; `target` names the destination in errors.
///
/// ```
/// use banenafspraak::schema::{read_csv, write_csv, Person, Population, ReadOptions};
/// let mut pop = Population::new();
/// pop.push(&Person::example());
/// let mut bytes = Vec::new();
/// write_csv(&pop, &mut bytes, "memory").unwrap();
/// let back = read_csv(&bytes[..], "memory", &ReadOptions::default()).unwrap();
/// assert_eq!(back, pop);
/// ```
pub fn write_csv<W: Write>(pop: &Population, out: W, target: &str) -> Result<()> {
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(target, io),
        other => Error::io(target, std::io::Error::other(format!("{other:?}"))),
    };
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(1 << 20)
        .from_writer(out);
    let extra: Vec<&str> = pop.extra_column_names().collect();
    let specs: Vec<_> = COLUMNS
        .iter()
        .filter(|c| !c.optional || pop.job_hours_per_week().is_some())
        .collect();
    let header = specs.iter().map(|c| c.name).chain(extra.iter().copied());
    w.write_record(header).map_err(io)?;
    let extra_cols: Vec<_> = extra.iter().filter_map(|n| pop.extra(n)).collect();
    let mut cells: Vec<String> = vec![String::new(); specs.len()];
    for i in 0..pop.len() {
        let p = pop.person(i);
        for (cell, spec) in cells.iter_mut().zip(&specs) {
            cell.clear();
            format_cell(&p, spec.column, cell);
        }
        let row = cells
            .iter()
            .map(String::as_str)
            .chain(extra_cols.iter().map(|c| c.get(i)));
        w.write_record(row).map_err(io)?;
    }
    w.flush().map_err(|e| Error::io(target, e))
}

fn format_cell(p: &Person<'_>, c: Column, out: &mut String) {
    use std::fmt::Write as _;
    let mut put = |v: &dyn std::fmt::Display| {
        let _ = write!(out, "{v}");
    };
    let flag = |b: bool| u8::from(b);
    match c {
        Column::PersonId => put(&p.person_id),
        Column::Sex => put(&p.sex),
        Column::Age => put(&p.age),
        Column::Migration => put(&p.migration),
        Column::Generation => put(&p.generation),
        Column::Education => put(&p.education),
        Column::YearsSpecialSecondary => put(&p.years_special_secondary),
        Column::DaysEmployee => put(&p.days[DaysColumn::Employee]),
        Column::DaysWw => put(&p.days[DaysColumn::Ww]),
        Column::DaysBijstand => put(&p.days[DaysColumn::Bijstand]),
        Column::DaysSicknessDisability => put(&p.days[DaysColumn::SicknessDisability]),
        Column::DaysOtherSocialBenefit => put(&p.days[DaysColumn::OtherSocialBenefit]),
        Column::DaysAnyBenefit => put(&p.days[DaysColumn::AnyBenefit]),
        Column::DaysInSchool => put(&p.days[DaysColumn::InSchool]),
        Column::DaysStudentWithIncome => put(&p.days[DaysColumn::StudentWithIncome]),
        Column::DaysNoIncome => put(&p.days[DaysColumn::NoIncome]),
        Column::DaysNug => put(&p.days[DaysColumn::Nug]),
        Column::Employed => put(&flag(p.employed)),
        Column::Ww => put(&flag(p.ww)),
        Column::Bijstand => put(&flag(p.bijstand)),
        Column::Nug => put(&flag(p.nug)),
        Column::WiaClass => put(&p.wia_class),
        Column::DisabilityPct => put(&p.disability_pct),
        Column::MonthsWithoutWork => {
            if let Some(m) = p.months_without_work {
                put(&m)
            }
        }
        Column::MonthsBijstand => {
            if let Some(m) = p.months_bijstand {
                put(&m)
            }
        }
        Column::InRegister => put(&flag(p.in_register)),
        Column::RegisterBasis => {
            if let Some(b) = p.register_basis {
                put(&b)
            }
        }
        Column::RegisterEntryYear => {
            if let Some(y) = p.register_entry_year {
                put(&y)
            }
        }
        Column::FoundJobWithinYear => {
            if let Some(b) = p.found_job_within_year {
                put(&flag(b))
            }
        }
        Column::KeptJobOneYear => {
            if let Some(b) = p.kept_job_one_year {
                put(&flag(b))
            }
        }
        // f32's Display is the shortest text that reads back to the same value.
        Column::JobHoursPerWeek => {
            if let Some(h) = p.job_hours_per_week {
                put(&h)
            }
        }
    }
}
