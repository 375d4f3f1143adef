//! The building blocks of the synthetic population: groups (the four scored populations,
//! the rest of the working-age population, the register's old groups), window profiles
//! (ranges of the `days_*` columns), cells (group x profile x education x age band x
//! sub-group x employment) and drawing one person's features from a cell. Owns no
//! calibration: how many persons each cell gets is `calibrate`'s business.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::schema::{
    DaysColumn, Education, Migration, Person, RegisterBasis, Sex, WiaClass, WindowDays, WINDOW_DAYS,
};

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

/// An inclusive range of days in the window.
pub type Range = (u16, u16);

const Z: Range = (0, 0);

/// A window profile: ranges of the `days_*` columns a cell's persons draw from
/// (uniformly), before the rules of their status (a bijstand spell of 30 months means at
/// least 913 bijstand days, and so on) are applied. `days_any_benefit` is the capped sum
/// of the four benefit columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// A short description, used in the calibration's summary.
    pub name: &'static str,
    /// `days_employee`.
    pub employee: Range,
    /// `days_ww`.
    pub ww: Range,
    /// `days_bijstand` (at least the current spell's days).
    pub bijstand: Range,
    /// `days_sickness_disability`.
    pub sickness: Range,
    /// `days_other_social_benefit`.
    pub other_benefit: Range,
    /// `days_in_school`.
    pub school: Range,
    /// Capped at the drawn `school` days.
    pub student_with_income: Range,
    /// `days_no_income`.
    pub no_income: Range,
    /// `days_nug`.
    pub nug: Range,
    /// Degree of work incapacity (the rest only; WIA's follows its class).
    pub disability: (u8, u8),
    /// `Some(true)`: first generation; `Some(false)`: generation 0 or 2; `None`: the
    /// group's shares.
    pub first_generation: Option<bool>,
    /// Relative weight in the calibration's starting point.
    pub prior: f64,
    /// Relative weights of the four age bands in the starting point.
    pub age_prior: [f64; 4],
}

const BASE: Profile = Profile {
    name: "",
    employee: Z,
    ww: Z,
    bijstand: Z,
    sickness: Z,
    other_benefit: Z,
    school: Z,
    student_with_income: Z,
    no_income: Z,
    nug: Z,
    disability: (0, 0),
    first_generation: None,
    prior: 1.0,
    age_prior: [1.0; 4],
};

const YOUNG: [f64; 4] = [3.0, 3.0, 0.5, 0.2];

static WW_PROFILES: [Profile; 10] = [
    Profile {
        name: "worked over 18 months, no sickness",
        employee: (548, 1000),
        ww: (30, 500),
        prior: 3.0,
        ..BASE
    },
    Profile {
        name: "worked over 18 months, sickness spell",
        employee: (548, 1000),
        ww: (30, 500),
        sickness: (14, 200),
        prior: 2.0,
        ..BASE
    },
    Profile {
        name: "worked 6-18 months",
        employee: (183, 547),
        ww: (60, 600),
        ..BASE
    },
    Profile {
        name: "worked 1-6 months",
        employee: (31, 182),
        ww: (60, 700),
        prior: 0.5,
        ..BASE
    },
    Profile {
        name: "over 2 years of benefit",
        employee: (183, 700),
        ww: (600, 730),
        sickness: (0, 200),
        prior: 0.5,
        ..BASE
    },
    Profile {
        name: "earlier bijstand",
        employee: (61, 700),
        ww: (30, 400),
        bijstand: (14, 152),
        prior: 0.2,
        ..BASE
    },
    Profile {
        name: "earlier bijstand and no income",
        employee: (61, 500),
        ww: (30, 400),
        bijstand: (14, 200),
        no_income: (31, 200),
        prior: 0.05,
        ..BASE
    },
    Profile {
        name: "in school",
        employee: (100, 700),
        ww: (30, 300),
        school: (92, 500),
        student_with_income: (0, 300),
        prior: 0.3,
        age_prior: YOUNG,
        ..BASE
    },
    Profile {
        name: "earlier NUG, up to 6 months",
        employee: (122, 700),
        ww: (30, 400),
        nug: (15, 182),
        prior: 0.3,
        ..BASE
    },
    Profile {
        name: "earlier NUG, over 6 months",
        employee: (122, 700),
        ww: (30, 400),
        nug: (183, 400),
        prior: 0.1,
        ..BASE
    },
];

static WIA_PROFILES: [Profile; 10] = [
    Profile {
        name: "earlier bijstand, benefit throughout",
        employee: (0, 14),
        bijstand: (14, 152),
        sickness: (950, 1095),
        prior: 0.2,
        ..BASE
    },
    Profile {
        name: "benefit throughout, no work",
        employee: (0, 14),
        sickness: (913, 1095),
        prior: 3.0,
        ..BASE
    },
    Profile {
        name: "benefit throughout, 2-4 weeks of work",
        employee: (15, 30),
        sickness: (913, 1095),
        prior: 0.3,
        ..BASE
    },
    Profile {
        name: "benefit, 1-6 months of work",
        employee: (31, 182),
        sickness: (600, 1000),
        ..BASE
    },
    Profile {
        name: "working over 18 months",
        employee: (548, 1095),
        sickness: (200, 700),
        prior: 2.0,
        ..BASE
    },
    Profile {
        name: "working 6-18 months",
        employee: (183, 547),
        sickness: (300, 900),
        ..BASE
    },
    Profile {
        name: "earlier bijstand",
        employee: (0, 300),
        bijstand: (14, 300),
        sickness: (400, 1000),
        prior: 0.3,
        ..BASE
    },
    Profile {
        name: "earlier bijstand and no income",
        bijstand: (14, 300),
        no_income: (31, 200),
        sickness: (300, 900),
        prior: 0.05,
        ..BASE
    },
    Profile {
        name: "in school",
        school: (92, 700),
        student_with_income: (0, 200),
        sickness: (300, 1095),
        prior: 0.2,
        age_prior: YOUNG,
        ..BASE
    },
    Profile {
        name: "earlier NUG",
        employee: (0, 200),
        nug: (15, 300),
        sickness: (300, 900),
        prior: 0.2,
        ..BASE
    },
];

/// Bijstand profiles: a grid of bijstand days (up to 5 months, 5 months to 1,000 days,
/// "almost 3 years", 3 years) by employee days (up to 2 weeks, 2 weeks to 2 months, more),
/// and spells without income, with NUG or in school; each in pairs, first generation and
/// not, because B3.1 splits the bijstand branch on it.
static BIJSTAND_PROFILES: [Profile; 28] = {
    let base = [
        Profile {
            name: "up to 5 months, up to 2 weeks of work",
            bijstand: (14, 152),
            employee: (0, 14),
            prior: 0.3,
            ..BASE
        },
        Profile {
            name: "up to 5 months, over 2 months of work",
            bijstand: (14, 152),
            employee: (61, 700),
            prior: 0.7,
            ..BASE
        },
        Profile {
            name: "5 months to 1,000 days, up to 2 weeks of work",
            bijstand: (153, 999),
            employee: (0, 14),
            prior: 1.5,
            ..BASE
        },
        Profile {
            name: "5 months to 1,000 days, 2 weeks to 2 months of work",
            bijstand: (153, 999),
            employee: (15, 60),
            prior: 0.5,
            ..BASE
        },
        Profile {
            name: "5 months to 2.5 years, over 2 months of work",
            bijstand: (153, 912),
            employee: (61, 300),
            prior: 0.5,
            ..BASE
        },
        Profile {
            name: "almost 3 years, up to 2 weeks of work",
            bijstand: (1001, 1094),
            employee: (0, 14),
            ..BASE
        },
        Profile {
            name: "almost 3 years, 2 weeks to 2 months of work",
            bijstand: (1001, 1094),
            employee: (15, 60),
            prior: 0.5,
            ..BASE
        },
        Profile {
            name: "3 years, up to 2 weeks of work",
            bijstand: (1095, 1095),
            employee: (0, 14),
            prior: 2.5,
            ..BASE
        },
        Profile {
            name: "3 years, part-time work",
            bijstand: (1095, 1095),
            employee: (15, 200),
            prior: 0.5,
            ..BASE
        },
        Profile {
            name: "up to 700 days, a spell without income",
            bijstand: (14, 700),
            no_income: (31, 300),
            prior: 0.3,
            ..BASE
        },
        Profile {
            name: "2-2.5 years, spells without income and NUG",
            bijstand: (731, 912),
            nug: (15, 182),
            no_income: (31, 150),
            prior: 0.1,
            ..BASE
        },
        Profile {
            name: "2.5-3 years, spells without income and NUG",
            bijstand: (913, 1064),
            nug: (15, 100),
            no_income: (31, 60),
            prior: 0.1,
            ..BASE
        },
        Profile {
            name: "with a NUG spell",
            bijstand: (153, 900),
            employee: (61, 300),
            nug: (31, 300),
            prior: 0.4,
            ..BASE
        },
        Profile {
            name: "student with income",
            bijstand: (14, 700),
            school: (92, 700),
            student_with_income: (15, 300),
            prior: 0.3,
            age_prior: YOUNG,
            ..BASE
        },
    ];
    let mut out = [BASE; 28];
    let mut i = 0;
    while i < base.len() {
        out[2 * i] = Profile {
            first_generation: Some(false),
            ..base[i]
        };
        out[2 * i + 1] = Profile {
            first_generation: Some(true),
            ..base[i]
        };
        i += 1;
    }
    out
};

static NUG_PROFILES: [Profile; 10] = [
    Profile {
        name: "long without work or income",
        nug: (365, 1095),
        no_income: (913, 1095),
        employee: (0, 30),
        prior: 3.0,
        ..BASE
    },
    Profile {
        name: "without work, partly without income",
        nug: (30, 700),
        no_income: (100, 912),
        employee: (0, 30),
        prior: 2.0,
        ..BASE
    },
    Profile {
        name: "worked 1-6 months",
        nug: (15, 500),
        employee: (31, 182),
        no_income: (0, 600),
        ..BASE
    },
    Profile {
        name: "worked 6-18 months",
        nug: (15, 500),
        employee: (183, 547),
        no_income: (0, 400),
        ..BASE
    },
    Profile {
        name: "worked over 18 months",
        nug: (15, 365),
        employee: (548, 900),
        prior: 0.7,
        ..BASE
    },
    Profile {
        name: "earlier bijstand and no income",
        bijstand: (14, 400),
        no_income: (31, 600),
        nug: (30, 700),
        prior: 0.3,
        ..BASE
    },
    Profile {
        name: "earlier bijstand, worked",
        bijstand: (14, 150),
        employee: (61, 400),
        nug: (31, 400),
        prior: 0.3,
        ..BASE
    },
    Profile {
        name: "in school",
        school: (92, 700),
        student_with_income: (0, 14),
        nug: (15, 300),
        no_income: (0, 300),
        prior: 0.5,
        age_prior: YOUNG,
        ..BASE
    },
    Profile {
        name: "student with income",
        school: (92, 700),
        student_with_income: (15, 400),
        nug: (15, 300),
        prior: 0.3,
        age_prior: YOUNG,
        ..BASE
    },
    Profile {
        name: "earlier WW",
        ww: (30, 400),
        nug: (15, 500),
        employee: (183, 700),
        prior: 0.5,
        ..BASE
    },
];

/// Index in the rest's profiles ([`Group::profiles`]) of the profile whose share is solved so that the trained
/// register comes out at its target size.
pub const REST_FREE_PROFILE: usize = 8;

static REST_PROFILES: [Profile; 11] = [
    Profile {
        name: "employee",
        employee: (900, 1095),
        prior: 55.0,
        age_prior: [0.3, 1.0, 1.0, 1.0],
        ..BASE
    },
    Profile {
        name: "employee with a benefit spell",
        employee: (548, 1000),
        ww: (0, 300),
        sickness: (0, 200),
        prior: 8.0,
        ..BASE
    },
    // Students either have no job or one most of the window: a student's job days are
    // then no proxy for B3.1's employee split (a greedy tree would take school first).
    Profile {
        name: "student",
        school: (300, 1095),
        student_with_income: (0, 600),
        employee: (0, 14),
        prior: 6.0,
        age_prior: [6.0, 2.0, 0.2, 0.02],
        ..BASE
    },
    Profile {
        name: "student with a job",
        school: (300, 1095),
        student_with_income: (0, 600),
        employee: (548, 1095),
        prior: 4.0,
        age_prior: [6.0, 2.0, 0.2, 0.02],
        ..BASE
    },
    Profile {
        name: "without work or income",
        no_income: (913, 1095),
        prior: 6.0,
        ..BASE
    },
    Profile {
        name: "self-employed or otherwise provided for",
        prior: 8.0,
        ..BASE
    },
    Profile {
        name: "short work",
        employee: (31, 547),
        no_income: (0, 500),
        prior: 3.0,
        ..BASE
    },
    Profile {
        name: "earlier bijstand, worked",
        bijstand: (14, 500),
        employee: (200, 900),
        prior: 0.2,
        ..BASE
    },
    Profile {
        name: "earlier bijstand and no income",
        bijstand: (14, 400),
        no_income: (31, 500),
        employee: (0, 600),
        prior: 0.5,
        age_prior: [2.0, 2.0, 1.0, 0.5],
        ..BASE
    },
    Profile {
        name: "young, assessed work-disabled, earlier bijstand",
        disability: (35, 100),
        bijstand: (14, 300),
        sickness: (400, 1000),
        no_income: (31, 200),
        prior: 0.25,
        age_prior: [2.0, 3.0, 1.0, 0.0],
        ..BASE
    },
    Profile {
        name: "sickness spell, working",
        sickness: (14, 700),
        employee: (300, 1000),
        prior: 2.0,
        ..BASE
    },
];

/// Education shares of the rest of the population (assumption, roughly the Dutch 16-66
/// population): none, primary, lower, mbo1, mbo2, middle, higher, unknown.
pub const REST_EDUCATION: [(EduGroup, f64); 8] = [
    (EduGroup::None, 0.02),
    (EduGroup::Primary, 0.035),
    (EduGroup::Lower, 0.17),
    (EduGroup::Mbo1, 0.015),
    (EduGroup::Mbo2, 0.08),
    (EduGroup::Middle, 0.30),
    (EduGroup::Higher, 0.35),
    (EduGroup::Unknown, 0.03),
];

/// Age band shares of the rest of the population (assumption, roughly the Dutch 16-66
/// population).
pub const REST_AGES: [f64; 4] = [0.08, 0.18, 0.37, 0.37];

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

fn range(rng: &mut ChaCha8Rng, (lo, hi): Range) -> u16 {
    if lo >= hi {
        lo
    } else {
        rng.gen_range(lo..=hi)
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut u = rng.gen::<f64>() * total;
    for &(item, w) in items {
        if u < w {
            return item;
        }
        u -= w;
    }
    items[items.len() - 1].0
}

/// Migration background of a generation (assumption: among first and second generations,
/// 35% western in the scored populations, 45% in the rest).
fn migration(rng: &mut ChaCha8Rng, generation: u8, western: f64) -> Migration {
    if generation == 0 {
        Migration::None
    } else if rng.gen_bool(western) {
        Migration::Western
    } else {
        Migration::NonWestern
    }
}

/// Whole months in `days` days.
fn months_of(days: u16) -> u16 {
    (u32::from(days) * 12 / 365) as u16
}

/// The longest time without work (months) that leaves room for the profile's fewest
/// employee days in the window.
fn work_allows(prof: &Profile) -> u16 {
    months_of(WINDOW_DAYS - prof.employee.0)
}

/// Months drawn from a sub-group's band, narrowed to `min ..= max` where the band allows
/// (a profile's days then hold for the whole band; where it does not, the band wins and
/// the days are adjusted to the spell).
fn months_in(rng: &mut ChaCha8Rng, (lo, hi): (u16, u16), max: u16, min: u16) -> u16 {
    let hi2 = hi.min(max).max(lo);
    let lo2 = lo.max(min).min(hi2);
    rng.gen_range(lo2..=hi2)
}

/// Days in the window covered by a current spell of `months` months.
fn spell_days(months: u16) -> u16 {
    (u32::from(months) * 365 / 12 + 1).min(u32::from(WINDOW_DAYS)) as u16
}

/// Years in vso: more often for young persons with little education (assumption). Not a
/// mechanism of any tree.
fn vso_years(rng: &mut ChaCha8Rng, education: Education, age: u8) -> u8 {
    let low = matches!(
        education,
        Education::None | Education::Primary | Education::Praktijkonderwijs | Education::VmboBk
    );
    let p = if low && age < 30 { 0.15 } else { 0.005 };
    if rng.gen_bool(p) {
        rng.gen_range(1..=6)
    } else {
        0
    }
}

/// The sum of the four benefit columns, capped at the window: a valid `days_any_benefit`
/// (spells of different benefits taken as not overlapping).
fn any_benefit(d: &WindowDays) -> u16 {
    let sum: u32 = [
        DaysColumn::Ww,
        DaysColumn::Bijstand,
        DaysColumn::SicknessDisability,
        DaysColumn::OtherSocialBenefit,
    ]
    .iter()
    .map(|&c| u32::from(d[c]))
    .sum();
    sum.min(u32::from(WINDOW_DAYS)) as u16
}

/// Draws the features and status of a person of `cell` (everything but the register
/// columns and the outcomes) into `p`.
pub fn draw_person(rng: &mut ChaCha8Rng, cell: &Cell, p: &mut Person<'_>) {
    let group = cell.group;
    let prof = cell.profile();
    let (lo, hi) = AGE_BANDS[usize::from(cell.age_band)];
    p.age = rng.gen_range(lo..=hi);
    p.sex = if rng.gen_bool(group.male()) {
        Sex::Male
    } else {
        Sex::Female
    };
    let [g0, g1, _] = group.generations();
    p.generation = match prof.first_generation {
        Some(true) => 1,
        Some(false) => {
            if rng.gen_bool(g0 / (1.0 - g1)) {
                0
            } else {
                2
            }
        }
        None => {
            let u: f64 = rng.gen();
            if u < g0 {
                0
            } else if u < g0 + g1 {
                1
            } else {
                2
            }
        }
    };
    let western = if group == Group::Rest { 0.45 } else { 0.35 };
    p.migration = migration(rng, p.generation, western);
    p.education = pick(rng, cell.education.codes());
    p.years_special_secondary = vso_years(rng, p.education, p.age);

    let mut d = WindowDays::default();
    d.set(DaysColumn::Employee, range(rng, prof.employee));
    d.set(DaysColumn::Ww, range(rng, prof.ww));
    d.set(DaysColumn::Bijstand, range(rng, prof.bijstand));
    d.set(DaysColumn::SicknessDisability, range(rng, prof.sickness));
    d.set(
        DaysColumn::OtherSocialBenefit,
        range(rng, prof.other_benefit),
    );
    let school = range(rng, prof.school);
    d.set(DaysColumn::InSchool, school);
    d.set(
        DaysColumn::StudentWithIncome,
        range(rng, prof.student_with_income).min(school),
    );
    d.set(DaysColumn::NoIncome, range(rng, prof.no_income));
    d.set(DaysColumn::Nug, range(rng, prof.nug));

    p.employed = false;
    p.ww = false;
    p.bijstand = false;
    p.nug = false;
    p.wia_class = WiaClass::None;
    p.disability_pct = 0;
    p.months_without_work = None;
    p.months_bijstand = None;
    let sub = cell.subgroup;
    // Employee days end where the time without work begins.
    let cap_employee = |d: &mut WindowDays, without_work: u16| {
        let cap = WINDOW_DAYS - without_work;
        d.set(DaysColumn::Employee, d[DaysColumn::Employee].min(cap));
    };
    match group {
        Group::Ww => {
            p.ww = true;
            let band = [(0, 12), (13, 24), (25, 60)][usize::from(sub)];
            let months = months_in(rng, band, work_allows(prof), 0);
            p.months_without_work = Some(months);
            // WW lasts at most 24 months (report line 3953).
            d.set(DaysColumn::Ww, d[DaysColumn::Ww].clamp(1, 730));
            cap_employee(&mut d, spell_days(months));
        }
        Group::Wia => {
            let (class, pct) = match sub {
                0 => (WiaClass::Wia35Min, rng.gen_range(10..=34)),
                1 => (WiaClass::Wga35To80, rng.gen_range(35..=79)),
                _ if rng.gen_bool(0.55) => (WiaClass::Iva, rng.gen_range(80..=100)),
                _ => (WiaClass::Wga80To100, rng.gen_range(80..=100)),
            };
            p.wia_class = class;
            p.disability_pct = pct;
            p.employed = cell.employed;
            if cell.employed {
                d.set(DaysColumn::Employee, d[DaysColumn::Employee].max(1));
            }
        }
        Group::Bijstand => {
            p.bijstand = true;
            let band = [(0, 11), (12, 23), (24, 120)][usize::from(sub)];
            // A spell fits the profile's bijstand days: under 3 years of days means a
            // spell under 36 months, 3 years of days one of at least 36 where possible.
            let (max, min) = if prof.bijstand.1 < WINDOW_DAYS {
                (months_of(prof.bijstand.1), 0)
            } else {
                (u16::MAX, 36)
            };
            let months = months_in(rng, band, max, min);
            p.months_bijstand = Some(months);
            let spell = spell_days(months);
            d.set(DaysColumn::Bijstand, d[DaysColumn::Bijstand].max(spell));
            cap_employee(&mut d, spell);
        }
        Group::Nug => {
            p.nug = true;
            let band = [(0, 11), (12, 23), (24, 120)][usize::from(sub)];
            let months = months_in(rng, band, work_allows(prof), 0);
            p.months_without_work = Some(months);
            d.set(DaysColumn::Nug, d[DaysColumn::Nug].max(1));
            cap_employee(&mut d, spell_days(months));
        }
        Group::Rest => {
            let (lo, hi) = prof.disability;
            p.disability_pct = rng.gen_range(lo..=hi);
            let e = d[DaysColumn::Employee];
            p.employed = (e >= 548 && rng.gen_bool(0.9)) || (e > 0 && rng.gen_bool(0.3));
        }
    }
    d.set(DaysColumn::AnyBenefit, any_benefit(&d));
    p.days = d;
}

/// The register's old groups (wajong, wsw, wiw/id): no inflow since 2015, not in the
/// comparability model's training, counted by the correction factor.
#[derive(Debug, Clone, PartialEq)]
pub struct OldGroups {
    /// Expected members at full scale.
    pub count: f64,
    /// Shares of wajong, wsw and wiw/id (assumption).
    pub basis: [(RegisterBasis, f64); 3],
    /// Share of men, calibrated towards table 3.2 for the whole register.
    pub male: f64,
    /// Shares of table 3.2's age bands, calibrated likewise.
    pub age: [f64; 5],
    /// Shares of levels 1-4 and unknown, calibrated likewise.
    pub education: [f64; 5],
    /// Shares of migration none, western, non-western, calibrated likewise.
    pub migration: [f64; 3],
}

/// Draws an old-group register member's features into `p` and returns the basis.
pub fn draw_old_group(rng: &mut ChaCha8Rng, old: &OldGroups, p: &mut Person<'_>) -> RegisterBasis {
    let basis = pick(rng, &old.basis);
    let band = pick(rng, &[0, 1, 2, 3, 4].map(|k| (k, old.age[k])));
    let (lo, hi) = REGISTER_AGE_BANDS[band];
    p.age = rng.gen_range(lo..=hi);
    p.sex = if rng.gen_bool(old.male) {
        Sex::Male
    } else {
        Sex::Female
    };
    p.migration = pick(
        rng,
        &[
            (Migration::None, old.migration[0]),
            (Migration::Western, old.migration[1]),
            (Migration::NonWestern, old.migration[2]),
        ],
    );
    p.generation = match p.migration {
        Migration::None => 0,
        _ if rng.gen_bool(0.5) => 1,
        _ => 2,
    };
    let level = pick(rng, &[0, 1, 2, 3, 4].map(|k| (k, old.education[k])));
    p.education = pick(rng, EduGroup::of_level(level).codes());
    p.years_special_secondary = vso_years(rng, p.education, p.age);
    let mut d = WindowDays::default();
    p.disability_pct = 0;
    match basis {
        RegisterBasis::Wajong => {
            // Wajong is a disability benefit: sickness/disability days throughout.
            d.set(DaysColumn::SicknessDisability, WINDOW_DAYS);
            if rng.gen_bool(0.4) {
                d.set(DaysColumn::Employee, rng.gen_range(300..=WINDOW_DAYS));
            }
            p.disability_pct = rng.gen_range(35..=100);
        }
        _ => d.set(DaysColumn::Employee, rng.gen_range(700..=WINDOW_DAYS)),
    }
    d.set(DaysColumn::AnyBenefit, any_benefit(&d));
    p.days = d;
    p.employed = d[DaysColumn::Employee] >= 300;
    p.ww = false;
    p.bijstand = false;
    p.nug = false;
    p.wia_class = WiaClass::None;
    p.months_without_work = None;
    p.months_bijstand = None;
    basis
}
