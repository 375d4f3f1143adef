//! The register monitor (`../shared/spec/panel-schema.md`): from a monthly hours panel and
//! the register spells, the banen count of the jobs agreement, the cohort's months worked,
//! job retention (Kaplan-Meier) and job starts and ends. Owns the panel's readers and the
//! measures; prints nothing (the tables and plots are `report::monitor`'s) and does not
//! touch `schema`, `model` or `estimate`.
//!
//! ```
//! use banenafspraak::monitor::{MonitorParams, Panel, Register, CsvSource};
//! let register = "person_id,AANVREG,EINDREG,GRONDSLAG\nR1,20180101,88881231,wajong\n";
//! let hours = "person_id,job_id,month,hours,sector\nR1,J1,2019-01,110.92,market\nR1,J1,2019-02,55.46,market\n";
//! let register = Register::read(&mut CsvSource::new(register.as_bytes(), "register.csv"), 100)?;
//! let panel = Panel::read(&mut CsvSource::new(hours.as_bytes(), "hours.csv"), &register, 100)?;
//! let results = MonitorParams::default().run(&register, &panel)?;
//! assert_eq!(results.banen.series[0].points[0].value, 1.0);
//! # Ok::<(), banenafspraak::Error>(())
//! ```

mod measures;
mod params;
mod read;
mod source;

pub use crate::schema::{Date, Month, OPEN_END};
pub use measures::{Group, Measure, MonitorResults, Point, Series};
pub use params::{
    MonitorParams, BASELINE_2012, HOURS_PER_BAAN, HOURS_PER_WEEK, RETENTION_MONTHS, TARGET_EXTRA,
};
pub use read::{HoursRow, HoursSummary, Panel, PanelBuilder, Register, Sector, Spell};
pub use source::{open_source, CsvSource, Record, RecordSource, TableSource};
