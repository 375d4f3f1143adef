//! The microdata contract, schema v1.1 (`shared/spec/microdata-schema.md`): the codes, the
//! columns, column-wise storage of persons, the validating CSV reader (parallel, with a
//! columnar cache beside the input), the same reader for Parquet and `.sav` person files
//! (features `parquet`, `sav`; [`read_path`]) and the writer.
//! This stage knows nothing of models or estimates.

mod cache;
mod chunks;
mod codes;
mod columns;
mod formats;
mod population;
mod read;
mod row;
mod tokenize;
mod write;

pub use crate::calendar::{Date, Month, OPEN_END};
pub use codes::{
    AgeBand, Days, Education, EducationLevel, Generation, Migration, RegisterBasis, Sex, WiaClass,
    DAYS_PER_MONTH, WINDOW_DAYS,
};
pub use columns::{
    Column, ColumnSpec, Empty, ValueType, COLUMNS, DEFAULT_REFERENCE_YEAR, FIRST_ENTRY_YEAR,
    MAX_JOB_HOURS, N_COLUMNS,
};
pub use formats::{read_path, read_path_with_progress};
pub use population::{
    DaysColumn, Person, Population, RowTest, RuleViolation, TextColumn, WindowDays,
};
pub use read::{read_csv, read_csv_path, read_csv_path_with_progress, CacheMode, ReadOptions};
pub use write::{write_csv, write_csv_path};
