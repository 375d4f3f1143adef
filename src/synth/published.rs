//! The report's published figures (Panteia 2023), with the line of `report.txt` each comes
//! from: the counts tables 4.1, 5.1, 8.4, 8.11 and the distributions 4.2/4.3, 5.2/5.3,
//! 8.5/8.6, 8.12/8.13. Used for two things only: calibrating the synthetic population and
//! printing published values beside estimates. The estimation path (`estimate`, `model`)
//! never reads them.

/// A row of a counts table: persons, expected comparable and mean probability as printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountsRow {
    /// Machine name as in results table v1 (`total`, `months_0_12`, `wia_35min`, ...).
    pub name: &'static str,
    /// The report's label.
    pub label: &'static str,
    /// Persons ("populatie 2019").
    pub persons: f64,
    /// Expected comparable ("verwacht vergelijkbaar").
    pub comparable: f64,
    /// Mean probability ("gemiddelde kans").
    pub mean_probability: f64,
    /// Line of `report.txt` with the values.
    pub line: u32,
}

/// One column of a distribution table (shares of education levels 1-4 or of the age
/// bands < 20, 20-29, 30-49, >= 50).
pub type Shares = [f64; 4];

/// A distribution table: per column the four shares, and the lines of the four rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distribution {
    /// Table number, e.g. "4.2".
    pub table: &'static str,
    /// "Bruto aantal": the whole population.
    pub gross: Shares,
    /// "Vergelijkbaar".
    pub comparable: Shares,
    /// WIA only ("Had werk").
    pub had_work: Option<Shares>,
    /// "Vindt werk".
    pub finds: Shares,
    /// "Behoudt werk".
    pub keeps: Shares,
    /// Lines of `report.txt` of the four category rows.
    pub lines: [u32; 4],
}

/// Everything published about one population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Published {
    /// Machine name (`ww`, `wia`, `bijstand`, `nug`).
    pub name: &'static str,
    /// Table number of the counts table, e.g. "4.1".
    pub table: &'static str,
    /// The "Totaal" row.
    pub total: CountsRow,
    /// The three sub-groups in the report's order.
    pub subgroups: [CountsRow; 3],
    /// "Had werk" total (WIA only, line 4715).
    pub had_work: Option<f64>,
    /// "Vindt werk" total.
    pub finds: f64,
    /// "Behoudt werk" total.
    pub keeps: f64,
    /// Line of the totals of the distribution tables (finds and keeps).
    pub finds_line: u32,
    /// The distribution by education level.
    pub education: Distribution,
    /// The distribution by age band.
    pub age: Distribution,
}

const fn row(
    name: &'static str,
    label: &'static str,
    persons: f64,
    comparable: f64,
    mean_probability: f64,
    line: u32,
) -> CountsRow {
    CountsRow {
        name,
        label,
        persons,
        comparable,
        mean_probability,
        line,
    }
}

/// Table 4.1-4.3: WW recipients outside the register (report lines 3571-3703).
pub const WW: Published = Published {
    name: "ww",
    table: "4.1",
    total: row("total", "Totaal", 158_000.0, 4_000.0, 0.025, 3586),
    subgroups: [
        row(
            "months_0_12",
            "<= 1 jaar zonder werk",
            131_300.0,
            3_400.0,
            0.026,
            3588,
        ),
        row(
            "months_13_24",
            "1-2 jaar zonder werk",
            16_100.0,
            300.0,
            0.022,
            3590,
        ),
        row(
            "months_25_plus",
            "> 2 jaar zonder werk",
            10_500.0,
            200.0,
            0.016,
            3592,
        ),
    ],
    had_work: None,
    finds: 1_100.0,
    keeps: 400.0,
    finds_line: 3626,
    education: Distribution {
        table: "4.2",
        gross: [0.135, 0.106, 0.381, 0.378],
        comparable: [0.371, 0.087, 0.401, 0.142],
        had_work: None,
        finds: [0.362, 0.087, 0.407, 0.144],
        keeps: [0.341, 0.086, 0.423, 0.151],
        lines: [3628, 3630, 3632, 3634],
    },
    age: Distribution {
        table: "4.3",
        gross: [0.001, 0.074, 0.374, 0.55],
        comparable: [0.004, 0.102, 0.416, 0.478],
        had_work: None,
        finds: [0.005, 0.107, 0.428, 0.46],
        keeps: [0.005, 0.111, 0.44, 0.444],
        lines: [3697, 3699, 3701, 3703],
    },
};

/// Table 5.1-5.3: persons with a WIA assessment outside the register (lines 4603-4806).
pub const WIA: Published = Published {
    name: "wia",
    table: "5.1",
    total: row("total", "Totaal", 506_400.0, 22_400.0, 0.044, 4618),
    subgroups: [
        row("wia_35min", "WIA 35-min", 104_700.0, 4_300.0, 0.041, 4620),
        row("wga_35_80", "WGA 35-80", 43_400.0, 800.0, 0.018, 4622),
        row(
            "wga_80_100_iva",
            "WGA 80-100/IVA",
            358_200.0,
            17_400.0,
            0.049,
            4624,
        ),
    ],
    had_work: Some(6_900.0),
    finds: 1_000.0,
    keeps: 100.0,
    finds_line: 4715,
    education: Distribution {
        table: "5.2",
        gross: [0.435, 0.119, 0.309, 0.136],
        comparable: [0.363, 0.138, 0.379, 0.12],
        had_work: Some([0.413, 0.107, 0.373, 0.108]),
        finds: [0.293, 0.154, 0.426, 0.127],
        keeps: [0.267, 0.155, 0.452, 0.126],
        lines: [4717, 4719, 4721, 4723],
    },
    age: Distribution {
        table: "5.3",
        gross: [0.001, 0.031, 0.273, 0.695],
        comparable: [0.002, 0.035, 0.317, 0.646],
        had_work: Some([0.005, 0.1, 0.425, 0.471]),
        finds: [0.0, 0.018, 0.456, 0.526],
        keeps: [0.003, 0.033, 0.473, 0.49],
        lines: [4800, 4802, 4804, 4806],
    },
};

/// Table 8.4-8.6: bijstand recipients without an indication (lines 7908-8090).
pub const BIJSTAND: Published = Published {
    name: "bijstand",
    table: "8.4",
    total: row("total", "Totaal", 364_100.0, 65_900.0, 0.181, 7922),
    subgroups: [
        row(
            "months_0_11",
            "<1 jaar bijstand",
            78_600.0,
            21_800.0,
            0.277,
            7928,
        ),
        row(
            "months_12_23",
            "1-2 jaar bijstand",
            41_800.0,
            9_700.0,
            0.233,
            7934,
        ),
        row(
            "months_24_plus",
            ">=2 jaar bijstand",
            243_700.0,
            34_400.0,
            0.141,
            7940,
        ),
    ],
    had_work: None,
    finds: 26_100.0,
    keeps: 4_200.0,
    finds_line: 7999,
    education: Distribution {
        table: "8.5",
        gross: [0.457, 0.175, 0.291, 0.077],
        comparable: [0.253, 0.24, 0.403, 0.105],
        had_work: None,
        finds: [0.257, 0.242, 0.398, 0.103],
        keeps: [0.253, 0.224, 0.408, 0.115],
        lines: [8001, 8003, 8005, 8007],
    },
    age: Distribution {
        table: "8.6",
        gross: [0.005, 0.088, 0.427, 0.48],
        comparable: [0.023, 0.149, 0.42, 0.407],
        had_work: None,
        finds: [0.017, 0.116, 0.418, 0.449],
        keeps: [0.039, 0.209, 0.416, 0.336],
        lines: [8084, 8086, 8088, 8090],
    },
};

/// Table 8.11-8.13: NUG (registered jobseekers without benefit) (lines 9125-9285).
pub const NUG: Published = Published {
    name: "nug",
    table: "8.11",
    total: row("total", "Totaal", 713_800.0, 19_700.0, 0.028, 9140),
    subgroups: [
        row(
            "months_0_11",
            "<1 jaar zonder werk/uitkering",
            231_500.0,
            11_600.0,
            0.05,
            9146,
        ),
        row(
            "months_12_23",
            "1-2 jaar zonder werk/uitkering",
            89_400.0,
            3_200.0,
            0.036,
            9152,
        ),
        row(
            "months_24_plus",
            ">=2 jaar zonder werk/uitkering",
            392_900.0,
            5_000.0,
            0.013,
            9158,
        ),
    ],
    had_work: None,
    finds: 5_600.0,
    keeps: 2_100.0,
    finds_line: 9219,
    education: Distribution {
        table: "8.12",
        gross: [0.514, 0.101, 0.235, 0.151],
        comparable: [0.468, 0.131, 0.332, 0.07],
        had_work: None,
        finds: [0.465, 0.131, 0.335, 0.07],
        keeps: [0.489, 0.122, 0.319, 0.07],
        lines: [9221, 9223, 9225, 9227],
    },
    age: Distribution {
        table: "8.13",
        gross: [0.029, 0.154, 0.337, 0.481],
        comparable: [0.072, 0.218, 0.387, 0.322],
        had_work: None,
        finds: [0.075, 0.223, 0.386, 0.317],
        keeps: [0.061, 0.198, 0.394, 0.346],
        lines: [9279, 9281, 9283, 9285],
    },
};

/// The four populations in the report's order.
pub const POPULATIONS: [&Published; 4] = [&WW, &WIA, &BIJSTAND, &NUG];

/// The register-size correction factor for 2019 (lines 14585-14597, 15138-15152).
pub const CORRECTION_FACTOR: f64 = 2.9;

/// The register in 2019: "ruim 300.000 personen" (line 458).
pub const REGISTER_SIZE: f64 = 300_000.0;

/// Register entrants of 2018 outside the praktijkroute, the job-find cohort: "ongeveer
/// 10.000 instromers" (lines 15244-15246).
pub const JOB_FIND_COHORT: f64 = 10_000.0;

/// Register members who started a job in 2018, the job-keep cohort: "ongeveer 22.000
/// personen" (lines 15419-15433).
pub const JOB_KEEP_COHORT: f64 = 22_000.0;

/// Table 3.2 (register profile, 2021; lines 1933-1973): shares of men; of the age bands
/// < 25, 25-35, 35-45, 45-55, > 55; of the education levels basis, lager, middelbaar,
/// hoger, onbekend; of migration background none, western, non-western.
pub const REGISTER_PROFILE: RegisterProfile = RegisterProfile {
    male: 0.61,
    age: [0.192, 0.325, 0.153, 0.149, 0.181],
    education: [0.223, 0.302, 0.288, 0.061, 0.125],
    migration: [0.74, 0.076, 0.185],
};

/// The register's profile of table 3.2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegisterProfile {
    /// Share of men.
    pub male: f64,
    /// < 25, 25-35, 35-45, 45-55, > 55.
    pub age: [f64; 5],
    /// Basis (level 1), lager (2), middelbaar (3), hoger (4), onbekend.
    pub education: [f64; 5],
    /// None, western, non-western.
    pub migration: [f64; 3],
}

/// Bijstand recipients in the register among all recipients, 9.2% (line 460).
pub const BIJSTAND_IN_REGISTER: f64 = 0.092;
