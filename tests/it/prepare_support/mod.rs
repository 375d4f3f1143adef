//! Hand-made source tables for the `prepare` tests: each table as CSV rows (without the
//! person key where it is the default person), written to a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use banenafspraak::prepare::{PrepareParams, Prepared};
use banenafspraak::schema::{Person, Population};

pub const PERSONS_HEADER: &str =
    "RINPERSOONS,RINPERSOON,GBAGESLACHT,GBAGEBOORTEJAAR,GBAGENERATIE,GBAHERKOMSTGROEPERING";
pub const COUNTRIES: &str = "LAND,MIGRATIE\n6030,none\n5010,western\n7050,non_western\n";
pub const SECM_HEADER: &str = "RINPERSOONS,RINPERSOON,AANVSECM,EINDSECM,SECM,XKOPPELWERKNSECM,XKOPPELWERKLUITKSECM,XKOPPELBIJSTANDSECM,XKOPPELZIEKTEAOSECM,XKOPPELSOCVOORZOVSECM,XKOPPELSCHOLSTUDSECM";
pub const REGISTER_HEADER: &str = "RINPERSOONS,RINPERSOON,AANVREG,EINDREG,GRONDSLAG";
pub const WIA_HEADER: &str = "RINPERSOONS,RINPERSOON,AANVWIA,EINDWIA,WIAKLASSE,AOPERC";
pub const JOBSEEKERS_HEADER: &str = "RINPERSOONS,RINPERSOON,AANVWZ,EINDWZ";
pub const VSO_HEADER: &str = "RINPERSOONS,RINPERSOON,SCHOOLJAAR,VSO";
pub const EDUCATION_HEADER: &str = "RINPERSOONS,RINPERSOON,OPLNIVSOI2016AGG4HBMETNIRWO";

/// The default person's key.
pub const KEY: &str = "R,000000001";

/// Source tables; rows of spell tables without a key get the default person's.
#[derive(Default, Clone)]
pub struct Case {
    pub year: Option<u16>,
    /// Person rows (full); default: one woman born 1980, generation 0, Dutch.
    pub persons: Vec<String>,
    /// `start,end,SECM,E,WW,B,S,O,school`.
    pub secm: Vec<String>,
    /// `start,end,basis`.
    pub register: Vec<String>,
    /// `start,end,class,pct`.
    pub wia: Vec<String>,
    /// `start,end`.
    pub jobseekers: Vec<String>,
    /// `year,vso`.
    pub vso: Vec<String>,
    /// `code`.
    pub education: Vec<String>,
}

fn with_key(rows: &[String]) -> String {
    rows.iter()
        .map(|r| {
            if r.starts_with("R,") || r.starts_with("X,") {
                format!("{r}\n")
            } else {
                format!("{KEY},{r}\n")
            }
        })
        .collect()
}

impl Case {
    pub fn secm(mut self, row: &str) -> Case {
        self.secm.push(row.into());
        self
    }
    pub fn register(mut self, row: &str) -> Case {
        self.register.push(row.into());
        self
    }
    pub fn wia(mut self, row: &str) -> Case {
        self.wia.push(row.into());
        self
    }
    pub fn jobseeker(mut self, row: &str) -> Case {
        self.jobseekers.push(row.into());
        self
    }
    pub fn vso(mut self, row: &str) -> Case {
        self.vso.push(row.into());
        self
    }
    pub fn education(mut self, row: &str) -> Case {
        self.education.push(row.into());
        self
    }
    pub fn person(mut self, row: &str) -> Case {
        self.persons.push(row.into());
        self
    }
    pub fn year(mut self, y: u16) -> Case {
        self.year = Some(y);
        self
    }

    /// Writes the tables into `dir` and returns the parameters that read them.
    pub fn write(&self, dir: &Path) -> PrepareParams {
        let persons = if self.persons.is_empty() {
            vec![format!("{KEY},2,1980,0,6030")]
        } else {
            self.persons.clone()
        };
        let file = |name: &str, header: &str, rows: &[String]| -> PathBuf {
            let p = dir.join(name);
            std::fs::write(&p, format!("{header}\n{}", with_key(rows))).unwrap();
            p
        };
        let countries = dir.join("LANDAKTUEELREF.csv");
        std::fs::write(&countries, COUNTRIES).unwrap();
        let mut params = PrepareParams::new(
            file("GBAPERSOONTAB.csv", PERSONS_HEADER, &persons),
            countries,
            file("SECMBUS.csv", SECM_HEADER, &self.secm),
            file("DOELGROEPREGISTER.csv", REGISTER_HEADER, &self.register),
        );
        params.wia = Some(file("WIA.csv", WIA_HEADER, &self.wia));
        params.jobseekers = Some(file(
            "WERKZOEKENDEN.csv",
            JOBSEEKERS_HEADER,
            &self.jobseekers,
        ));
        params.vso = Some(file("INSCHRWECTAB.csv", VSO_HEADER, &self.vso));
        params.education = Some(file("HOOGSTEOPLTAB.csv", EDUCATION_HEADER, &self.education));
        if let Some(y) = self.year {
            params.reference_year = y;
        }
        params
    }

    /// Runs prepare on the tables.
    pub fn run(&self) -> Prepared {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path()).run().unwrap()
    }

    /// The population prepare derives.
    pub fn population(&self) -> Population {
        self.run().population
    }
}

/// The one person of a population, owned (for assertions).
pub fn only(pop: &Population) -> Person<'static> {
    assert_eq!(pop.len(), 1, "expected one person");
    let p = pop.person(0);
    Person {
        person_id: Box::leak(p.person_id.to_string().into_boxed_str()),
        ..p
    }
}

/// Flags in the SECMBUS row order: employee, WW, bijstand, sickness, other, school.
pub fn spell(start: &str, end: &str, secm: &str, flags: [u8; 6]) -> String {
    let f: Vec<String> = flags.iter().map(u8::to_string).collect();
    format!("{start},{end},{secm},{}", f.join(","))
}

pub const EMPLOYEE: [u8; 6] = [1, 0, 0, 0, 0, 0];
pub const WW: [u8; 6] = [0, 1, 0, 0, 0, 0];
pub const BIJSTAND: [u8; 6] = [0, 0, 1, 0, 0, 0];
pub const SICK: [u8; 6] = [0, 0, 0, 1, 0, 0];
pub const OTHER: [u8; 6] = [0, 0, 0, 0, 1, 0];
pub const SCHOOL: [u8; 6] = [0, 0, 0, 0, 0, 1];
pub const NONE: [u8; 6] = [0; 6];
