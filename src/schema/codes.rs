//! The coded values of microdata schema v1: one enum per code list, each with its
//! exact CSV spelling. Owns nothing else; the reader and writer use these spellings
//! and the data dictionary test holds them against `data-dictionary/columns.csv`.

use serde::{Deserialize, Serialize};

/// Declares a code enum stored as `u8`, with its CSV spellings in one place.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[repr(u8)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every CSV spelling, in code order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The spelling in the CSV file.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses the exact CSV spelling (lower-case ASCII).
            pub fn from_code(code: &[u8]) -> Option<Self> {
                match code { $(c if c == $code.as_bytes() => Some($name::$variant),)+ _ => None }
            }

            /// The compact storage value (index in [`Self::ALL`]).
            pub const fn index(self) -> u8 {
                self as u8
            }

            /// Inverse of [`Self::index`].
            pub fn from_index(i: u8) -> Option<Self> {
                Self::ALL.get(usize::from(i)).copied()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum! {
    /// Sex as registered in the BRP (GBAPERSOONTAB).
    Sex {
        /// Male.
        Male = "male",
        /// Female.
        Female = "female",
    }
}

code_enum! {
    /// Migration background (CBS definition, GBAPERSOONTAB).
    Migration {
        /// No migration background.
        None = "none",
        /// Western migration background.
        Western = "western",
        /// Non-western migration background.
        NonWestern = "non_western",
    }
}

code_enum! {
    /// Highest attained education on the reference date (HOOGSTEOPLTAB).
    ///
    /// ```
    /// use banenafspraak::schema::{Education, EducationLevel};
    /// assert_eq!(Education::Mbo1.level(), EducationLevel::Level3);
    /// assert_eq!(Education::from_code(b"primary"), Some(Education::Primary));
    /// ```
    Education {
        /// No education completed.
        None = "none",
        /// Basisonderwijs groep 3-8.
        Primary = "primary",
        /// Vmbo basis/kader.
        VmboBk = "vmbo_bk",
        /// Vmbo gemengd/theoretisch.
        VmboGt = "vmbo_gt",
        /// Havo/vwo onderbouw.
        HavoVwoLower = "havo_vwo_lower",
        /// Praktijkonderwijs.
        Praktijkonderwijs = "praktijkonderwijs",
        /// Mbo level 1 (entree).
        Mbo1 = "mbo1",
        /// Mbo level 2.
        Mbo2 = "mbo2",
        /// Mbo level 3.
        Mbo3 = "mbo3",
        /// Mbo level 4.
        Mbo4 = "mbo4",
        /// Havo bovenbouw.
        HavoUpper = "havo_upper",
        /// Vwo bovenbouw.
        VwoUpper = "vwo_upper",
        /// Hbo associate degree.
        HboAssociate = "hbo_associate",
        /// Hbo bachelor.
        HboBachelor = "hbo_bachelor",
        /// Wo bachelor.
        WoBachelor = "wo_bachelor",
        /// Hbo master.
        HboMaster = "hbo_master",
        /// Wo master.
        WoMaster = "wo_master",
        /// Doctorate.
        Doctor = "doctor",
        /// Not in HOOGSTEOPLTAB, or unknown there.
        Unknown = "unknown",
    }
}

code_enum! {
    /// The report's education levels 1-4 (report lines 3638-3644) and `unknown`.
    EducationLevel {
        /// Level 1: no education or basisonderwijs.
        Level1 = "1",
        /// Level 2: vmbo, havo/vwo onderbouw.
        Level2 = "2",
        /// Level 3: praktijkonderwijs, mbo, havo/vwo bovenbouw.
        Level3 = "3",
        /// Level 4: hbo, wo.
        Level4 = "4",
        /// Education unknown.
        Unknown = "unknown",
    }
}

impl Education {
    /// The report's level (1-4) of this education.
    pub const fn level(self) -> EducationLevel {
        use Education::*;
        match self {
            None | Primary => EducationLevel::Level1,
            VmboBk | VmboGt | HavoVwoLower => EducationLevel::Level2,
            Praktijkonderwijs | Mbo1 | Mbo2 | Mbo3 | Mbo4 | HavoUpper | VwoUpper => {
                EducationLevel::Level3
            }
            HboAssociate | HboBachelor | WoBachelor | HboMaster | WoMaster | Doctor => {
                EducationLevel::Level4
            }
            Unknown => EducationLevel::Unknown,
        }
    }
}

code_enum! {
    /// WIA assessment on the reference date. `Wia35Min` is assessed below 35% (no benefit);
    /// WGA is partial, IVA full and lasting incapacity.
    WiaClass {
        /// No WIA assessment.
        None = "none",
        /// Assessed below 35% incapacity (no WIA benefit).
        Wia35Min = "wia_35min",
        /// WGA, 35-80% incapacity.
        Wga35To80 = "wga_35_80",
        /// WGA, 80-100% incapacity, not lasting.
        Wga80To100 = "wga_80_100",
        /// IVA: full and lasting incapacity.
        Iva = "iva",
    }
}

code_enum! {
    /// Basis (grondslag) of registration in the doelgroepregister.
    RegisterBasis {
        /// Wajong (old, new and its work schemes).
        Wajong = "wajong",
        /// WSW (indication, supported work, secondment).
        Wsw = "wsw",
        /// WIW or ID job.
        WiwId = "wiw_id",
        /// Participatiewet via the UWV assessment (ABA).
        Indicatie = "indicatie",
        /// Registered only once employed, so always "finds" a job.
        Praktijkroute = "praktijkroute",
        /// Pupils of vso or praktijkonderwijs.
        VsoPro = "vso_pro",
        /// Working with a municipal or UWV provision.
        Voorziening = "voorziening",
        /// Rejected Wajong applications, temporary registrations, any other basis.
        Other = "other",
    }
}

impl RegisterBasis {
    /// The old groups without inflow since 2015, left out of the comparability model's
    /// training and counted by the correction factor (method section 1).
    pub const fn is_old_group(self) -> bool {
        matches!(
            self,
            RegisterBasis::Wajong | RegisterBasis::Wsw | RegisterBasis::WiwId
        )
    }
}

code_enum! {
    /// The age bands of the report's tables.
    AgeBand {
        /// Under 20.
        Under20 = "under_20",
        /// 20-29.
        From20To29 = "20_29",
        /// 30-49.
        From30To49 = "30_49",
        /// 50 and over.
        From50 = "50_plus",
    }
}

impl AgeBand {
    /// The band of an age in whole years.
    ///
    /// ```
    /// use banenafspraak::schema::AgeBand;
    /// assert_eq!(AgeBand::of_age(19), AgeBand::Under20);
    /// assert_eq!(AgeBand::of_age(50), AgeBand::From50);
    /// ```
    pub const fn of_age(age: u8) -> AgeBand {
        match age {
            0..=19 => AgeBand::Under20,
            20..=29 => AgeBand::From20To29,
            30..=49 => AgeBand::From30To49,
            _ => AgeBand::From50,
        }
    }

    /// The label the report prints.
    pub const fn label(self) -> &'static str {
        match self {
            AgeBand::Under20 => "< 20",
            AgeBand::From20To29 => "20 - < 30",
            AgeBand::From30To49 => "30 - < 50",
            AgeBand::From50 => ">= 50",
        }
    }
}

/// Generation of migration: 0 none, 1 born abroad, 2 born in NL with a parent born abroad.
pub type Generation = u8;

/// Days in the three-year window (0 ..= [`WINDOW_DAYS`]), with the report's units.
///
/// ```
/// use banenafspraak::schema::Days;
/// let d = Days(14);
/// assert_eq!(d.weeks(), 2.0);
/// assert!((Days::from_years(1.5).0 as f64 - 547.5).abs() <= 0.5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Days(pub u16);

/// Length of the window 2017-01-01 ..= 2019-12-31 in days (schema: 3 x 365).
pub const WINDOW_DAYS: u16 = 1095;
/// Days per month in the report's labels.
pub const DAYS_PER_MONTH: f64 = 365.0 / 12.0;

impl Days {
    /// The days in weeks.
    pub fn weeks(self) -> f64 {
        f64::from(self.0) / 7.0
    }
    /// The days in months of 365/12 days.
    pub fn months(self) -> f64 {
        f64::from(self.0) / DAYS_PER_MONTH
    }
    /// The days in years of 365 days.
    pub fn years(self) -> f64 {
        f64::from(self.0) / 365.0
    }
    /// Rounded to whole days, clamped to the window.
    pub fn from_weeks(w: f64) -> Days {
        Days::clamped(w * 7.0)
    }
    /// Months of 365/12 days, rounded to whole days, clamped to the window.
    pub fn from_months(m: f64) -> Days {
        Days::clamped(m * DAYS_PER_MONTH)
    }
    /// Years of 365 days, rounded to whole days, clamped to the window.
    pub fn from_years(y: f64) -> Days {
        Days::clamped(y * 365.0)
    }
    fn clamped(d: f64) -> Days {
        Days(d.round().clamp(0.0, f64::from(WINDOW_DAYS)) as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for e in Education::ALL {
            assert_eq!(Education::from_code(e.code().as_bytes()), Some(*e));
            assert_eq!(Education::from_index(e.index()), Some(*e));
        }
        for b in RegisterBasis::ALL {
            assert_eq!(RegisterBasis::from_code(b.code().as_bytes()), Some(*b));
        }
        assert_eq!(Migration::from_code(b"None"), None);
        assert_eq!(WiaClass::from_index(200), None);
    }

    #[test]
    fn education_levels_follow_the_report() {
        let level = |e: Education| e.level().code();
        assert_eq!(level(Education::None), "1");
        assert_eq!(level(Education::VmboGt), "2");
        assert_eq!(level(Education::Praktijkonderwijs), "3");
        assert_eq!(level(Education::Doctor), "4");
        assert_eq!(level(Education::Unknown), "unknown");
    }

    #[test]
    fn age_band_edges() {
        assert_eq!(AgeBand::of_age(20), AgeBand::From20To29);
        assert_eq!(AgeBand::of_age(29), AgeBand::From20To29);
        assert_eq!(AgeBand::of_age(30), AgeBand::From30To49);
        assert_eq!(AgeBand::of_age(49), AgeBand::From30To49);
    }
}
