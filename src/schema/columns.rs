//! The columns of microdata schema v1.1 (`shared/spec/microdata-schema.md`) as data:
//! name, value type, range, when a cell may be empty and whether the column may be
//! absent (the v1.1 column `job_hours_per_week`; a v1 file stays valid). The reader, the writer and the
//! data dictionary all read this one list; a test holds `data-dictionary/columns.csv` to it.

use super::codes::{Education, Migration, RegisterBasis, Sex, WiaClass};

/// Earliest possible register entry year (the register's predecessors began in 1998).
pub const FIRST_ENTRY_YEAR: u16 = 1998;
/// The report's reference year; the reader's default.
pub const DEFAULT_REFERENCE_YEAR: u16 = 2019;

/// What a non-empty cell must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// Any non-empty UTF-8 text.
    Text,
    /// `0` or `1`.
    Bool,
    /// A whole number in `min ..= max`.
    Int {
        /// Smallest value allowed.
        min: u16,
        /// Largest value allowed.
        max: u16,
    },
    /// A year from `min` up to and including the reference year.
    Year {
        /// Earliest year allowed.
        min: u16,
    },
    /// One of the listed lower-case codes.
    Code(&'static [&'static str]),
    /// A decimal number `h` with `0 < h <= max` (digits, optionally a point and digits).
    Decimal {
        /// Largest value allowed.
        max: u16,
    },
}

/// When a cell may be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// Never: the column is required in every row.
    Never,
    /// Under the stated condition (checked by the cross-column rules).
    When(&'static str),
}

/// One column of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Which column.
    pub column: Column,
    /// Its name in the file header.
    pub name: &'static str,
    /// What a non-empty cell holds.
    pub value_type: ValueType,
    /// When a cell may be empty.
    pub empty: Empty,
    /// Whether the column may be missing from the header (added in schema v1.1).
    pub optional: bool,
}

macro_rules! columns {
    ($( $variant:ident = $name:literal : $ty:expr, $empty:expr; )+) => {
        /// A column of schema v1.1.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Column { $(#[doc = concat!("The `", $name, "` column.")] $variant),+ }

        /// All columns of schema v1.1 in the canonical order (the order the writer uses).
        pub const COLUMNS: &[ColumnSpec] = &[
            $(ColumnSpec {
                column: Column::$variant,
                name: $name,
                value_type: $ty,
                empty: $empty,
                optional: matches!(Column::$variant, Column::JobHoursPerWeek),
            }),+
        ];
    };
}

const DAYS: ValueType = ValueType::Int {
    min: 0,
    max: super::codes::WINDOW_DAYS,
};
const MONTHS: ValueType = ValueType::Int { min: 0, max: 600 };
const OUTCOME_EMPTY: &str = "not in the outcome's cohort";

columns! {
    PersonId = "person_id": ValueType::Text, Empty::Never;
    Sex = "sex": ValueType::Code(Sex::CODES), Empty::Never;
    Age = "age": ValueType::Int { min: 0, max: 120 }, Empty::Never;
    Migration = "migration": ValueType::Code(Migration::CODES), Empty::Never;
    Generation = "generation": ValueType::Int { min: 0, max: 2 }, Empty::Never;
    Education = "education": ValueType::Code(Education::CODES), Empty::Never;
    YearsSpecialSecondary = "years_special_secondary": ValueType::Int { min: 0, max: 20 }, Empty::Never;
    DaysEmployee = "days_employee": DAYS, Empty::Never;
    DaysWw = "days_ww": DAYS, Empty::Never;
    DaysBijstand = "days_bijstand": DAYS, Empty::Never;
    DaysSicknessDisability = "days_sickness_disability": DAYS, Empty::Never;
    DaysOtherSocialBenefit = "days_other_social_benefit": DAYS, Empty::Never;
    DaysAnyBenefit = "days_any_benefit": DAYS, Empty::Never;
    DaysInSchool = "days_in_school": DAYS, Empty::Never;
    DaysStudentWithIncome = "days_student_with_income": DAYS, Empty::Never;
    DaysNoIncome = "days_no_income": DAYS, Empty::Never;
    DaysNug = "days_nug": DAYS, Empty::Never;
    Employed = "employed": ValueType::Bool, Empty::Never;
    Ww = "ww": ValueType::Bool, Empty::Never;
    Bijstand = "bijstand": ValueType::Bool, Empty::Never;
    Nug = "nug": ValueType::Bool, Empty::Never;
    WiaClass = "wia_class": ValueType::Code(WiaClass::CODES), Empty::Never;
    DisabilityPct = "disability_pct": ValueType::Int { min: 0, max: 100 }, Empty::Never;
    MonthsWithoutWork = "months_without_work": MONTHS, Empty::When("ww = 0 and nug = 0");
    MonthsBijstand = "months_bijstand": MONTHS, Empty::When("bijstand = 0");
    InRegister = "in_register": ValueType::Bool, Empty::Never;
    RegisterBasis = "register_basis": ValueType::Code(RegisterBasis::CODES), Empty::When("exactly when in_register = 0");
    RegisterEntryYear = "register_entry_year": ValueType::Year { min: FIRST_ENTRY_YEAR }, Empty::When("exactly when in_register = 0");
    FoundJobWithinYear = "found_job_within_year": ValueType::Bool, Empty::When(OUTCOME_EMPTY);
    KeptJobOneYear = "kept_job_one_year": ValueType::Bool, Empty::When(OUTCOME_EMPTY);
    JobHoursPerWeek = "job_hours_per_week": ValueType::Decimal { max: MAX_JOB_HOURS }, Empty::When("unless kept_job_one_year = 1");
}

/// Most paid hours per week `job_hours_per_week` may hold (schema v1.1).
pub const MAX_JOB_HOURS: u16 = 80;

/// Number of schema columns.
pub const N_COLUMNS: usize = COLUMNS.len();

impl Column {
    /// The column's specification.
    pub fn spec(self) -> &'static ColumnSpec {
        &COLUMNS[self as usize]
    }
    /// The CSV header name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    /// Looks a column up by its exact header name.
    pub fn from_name(name: &str) -> Option<Column> {
        COLUMNS.iter().find(|c| c.name == name).map(|c| c.column)
    }
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_in_enum_order_and_unique() {
        for (i, spec) in COLUMNS.iter().enumerate() {
            assert_eq!(spec.column as usize, i);
            assert_eq!(Column::from_name(spec.name), Some(spec.column));
        }
        assert_eq!(N_COLUMNS, 31);
        let optional: Vec<_> = COLUMNS
            .iter()
            .filter(|c| c.optional)
            .map(|c| c.name)
            .collect();
        assert_eq!(optional, ["job_hours_per_week"]);
    }
}
