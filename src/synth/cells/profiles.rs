//! The window profiles of each group: the ranges of the `days_*` columns its persons draw
//! from, with the priors of the calibration's starting point; and the rest's education
//! and age shares.

use super::EduGroup;

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

pub(super) static WW_PROFILES: [Profile; 10] = [
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

pub(super) static WIA_PROFILES: [Profile; 10] = [
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
pub(super) static BIJSTAND_PROFILES: [Profile; 28] = {
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

pub(super) static NUG_PROFILES: [Profile; 10] = [
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

/// Index in the rest's profiles ([`Group::profiles`](super::Group::profiles)) of the profile whose share is solved so that the trained
/// register comes out at its target size.
pub const REST_FREE_PROFILE: usize = 8;

pub(super) static REST_PROFILES: [Profile; 11] = [
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
