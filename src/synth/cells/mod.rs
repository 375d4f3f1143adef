//! The building blocks of the synthetic population: groups (the four scored populations,
//! the rest of the working-age population, the register's old groups), window profiles
//! (ranges of the `days_*` columns), cells (group x profile x education x age band x
//! sub-group x employment) and drawing one person's features from a cell. Owns no
//! calibration: how many persons each cell gets is `calibrate`'s business.

mod draw;
mod profiles;

pub use draw::{draw_old_group, draw_person, OldGroups};
pub use profiles::{Profile, Range, REST_AGES, REST_EDUCATION, REST_FREE_PROFILE};

use crate::schema::Education;
use profiles::*;

/// Who a cell's persons are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// WW recipients on the reference date (report table 4.1).
    Ww,
    /// Persons with a WIA assessment (table 5.1).
    Wia,
    /// Bijstand recipients (table 8.4).
    Bijstand,
    /// Registered jobseekers without benefit (table 8.11).
    Nug,
    /// Everyone else aged 16-66 outside the register's old groups.
    Rest,
}

impl Group {
    /// The four scored populations and the rest, in the report's order.
    pub const ALL: [Group; 5] = [
        Group::Ww,
        Group::Wia,
        Group::Bijstand,
        Group::Nug,
        Group::Rest,
    ];

    /// Machine name (`ww`, `wia`, `bijstand`, `nug`, `rest`).
    pub const fn name(self) -> &'static str {
        match self {
            Group::Ww => "ww",
            Group::Wia => "wia",
            Group::Bijstand => "bijstand",
            Group::Nug => "nug",
            Group::Rest => "rest",
        }
    }

    /// The window profiles of the group.
    pub fn profiles(self) -> &'static [Profile] {
        match self {
            Group::Ww => &WW_PROFILES,
            Group::Wia => &WIA_PROFILES,
            Group::Bijstand => &BIJSTAND_PROFILES,
            Group::Nug => &NUG_PROFILES,
            Group::Rest => &REST_PROFILES,
        }
    }

    /// Share of men (an assumption; nothing is published per population).
    const fn male(self) -> f64 {
        match self {
            Group::Ww => 0.52,
            Group::Wia => 0.45,
            Group::Bijstand => 0.45,
            Group::Nug => 0.50,
            Group::Rest => 0.50,
        }
    }

    /// Shares of generation 0, 1 and 2 where a profile does not fix it (assumption).
    const fn generations(self) -> [f64; 3] {
        match self {
            Group::Ww => [0.75, 0.15, 0.10],
            Group::Wia => [0.78, 0.14, 0.08],
            Group::Bijstand => [0.40, 0.45, 0.15],
            Group::Nug => [0.55, 0.30, 0.15],
            Group::Rest => [0.76, 0.13, 0.11],
        }
    }
}

/// Education in the groups the trees tell apart: B3.1 splits off `none`, `primary`,
/// `mbo1` and `mbo2`; the rest only matters by level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EduGroup {
    /// No education completed (level 1).
    None,
    /// Basisonderwijs (level 1).
    Primary,
    /// Vmbo, havo/vwo lower years (level 2).
    Lower,
    /// Mbo 1 (level 3).
    Mbo1,
    /// Mbo 2 (level 3).
    Mbo2,
    /// Other level 3: praktijkonderwijs, mbo 3-4, havo/vwo upper years.
    Middle,
    /// Hbo, wo (level 4).
    Higher,
    /// Unknown (not in the scored populations, whose published shares have no unknown).
    Unknown,
}

impl EduGroup {
    /// The groups of the scored populations.
    pub const KNOWN: [EduGroup; 7] = [
        EduGroup::None,
        EduGroup::Primary,
        EduGroup::Lower,
        EduGroup::Mbo1,
        EduGroup::Mbo2,
        EduGroup::Middle,
        EduGroup::Higher,
    ];

    /// The report's level 1-4 as an index 0-3; 4 for unknown.
    pub const fn level_index(self) -> usize {
        match self {
            EduGroup::None | EduGroup::Primary => 0,
            EduGroup::Lower => 1,
            EduGroup::Mbo1 | EduGroup::Mbo2 | EduGroup::Middle => 2,
            EduGroup::Higher => 3,
            EduGroup::Unknown => 4,
        }
    }

    /// Share of this group within its level in the calibration's starting point
    /// (assumption; the calibration moves the levels, not these splits).
    pub const fn share_in_level(self) -> f64 {
        match self {
            EduGroup::None => 0.12,
            EduGroup::Primary => 0.88,
            EduGroup::Mbo1 => 0.10,
            EduGroup::Mbo2 => 0.25,
            EduGroup::Middle => 0.65,
            EduGroup::Lower | EduGroup::Higher | EduGroup::Unknown => 1.0,
        }
    }

    /// The education codes of the group with their shares (assumption).
    fn codes(self) -> &'static [(Education, f64)] {
        use Education as E;
        match self {
            EduGroup::None => &[(E::None, 1.0)],
            EduGroup::Primary => &[(E::Primary, 1.0)],
            EduGroup::Lower => &[
                (E::VmboBk, 0.40),
                (E::VmboGt, 0.45),
                (E::HavoVwoLower, 0.15),
            ],
            EduGroup::Mbo1 => &[(E::Mbo1, 1.0)],
            EduGroup::Mbo2 => &[(E::Mbo2, 1.0)],
            EduGroup::Middle => &[
                (E::Praktijkonderwijs, 0.05),
                (E::Mbo3, 0.25),
                (E::Mbo4, 0.45),
                (E::HavoUpper, 0.15),
                (E::VwoUpper, 0.10),
            ],
            EduGroup::Higher => &[
                (E::HboAssociate, 0.02),
                (E::HboBachelor, 0.45),
                (E::WoBachelor, 0.08),
                (E::HboMaster, 0.10),
                (E::WoMaster, 0.33),
                (E::Doctor, 0.02),
            ],
            EduGroup::Unknown => &[(E::Unknown, 1.0)],
        }
    }

    /// The group of an education level index 0-3 (table 3.2's basis, lager, middelbaar,
    /// hoger) or 4 (unknown), for the old register groups.
    pub const fn of_level(level: usize) -> EduGroup {
        match level {
            0 => EduGroup::Primary,
            1 => EduGroup::Lower,
            2 => EduGroup::Middle,
            3 => EduGroup::Higher,
            _ => EduGroup::Unknown,
        }
    }
}

/// The report's age bands: 16-19, 20-29, 30-49, 50-66.
pub const AGE_BANDS: [(u8, u8); 4] = [(16, 19), (20, 29), (30, 49), (50, 66)];

/// Table 3.2's age bands (< 25, 25-35, 35-45, 45-55, > 55) within 16-66.
pub const REGISTER_AGE_BANDS: [(u8, u8); 5] = [(16, 24), (25, 34), (35, 44), (45, 54), (55, 66)];

/// The band of table 3.2 an age falls in.
pub fn register_age_band(age: u8) -> usize {
    REGISTER_AGE_BANDS
        .iter()
        .position(|&(_, hi)| age <= hi)
        .unwrap_or(REGISTER_AGE_BANDS.len() - 1)
}

/// A cell: persons of one group, window profile, education group, age band, sub-group
/// and employment, and how many of them there are at full scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The population (or the rest).
    pub group: Group,
    /// Index into the group's [`Group::profiles`].
    pub profile: u8,
    /// The education group.
    pub education: EduGroup,
    /// Index into [`AGE_BANDS`].
    pub age_band: u8,
    /// Index of the sub-group (0-2) of the report's table; 0 for the rest.
    pub subgroup: u8,
    /// Employee on the reference date (WIA's "had work"; the rest decides by its days).
    pub employed: bool,
    /// Expected persons generated in the cell at full scale, register members included.
    pub weight: f64,
}

impl Cell {
    /// The cell's window profile.
    pub fn profile(&self) -> &'static Profile {
        &self.group.profiles()[usize::from(self.profile)]
    }
}
