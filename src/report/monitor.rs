//! The register monitor's tables: one wide table per measure for people (periods down,
//! groups across, every cell with the persons behind it) and the long table
//! `measure,group,period,value,persons` for machines, made from the checked wide tables so
//! that a cell suppressed there (including secondary suppression of the cohort bins) is
//! suppressed here too. Reads `monitor` results; computes nothing new.
//!
//! ```
//! use banenafspraak::monitor::{CsvSource, MonitorParams, Panel, Register};
//! use banenafspraak::report::{monitor, DisclosureMode, DisclosureRules, Lang, OutputFormat};
//! let reg = "person_id,AANVREG,EINDREG,GRONDSLAG\nR1,20180101,88881231,wajong\n";
//! let hours = "person_id,job_id,month,hours,sector\nR1,J1,2019-01,110.92,market\n";
//! let register = Register::read(&mut CsvSource::new(reg.as_bytes(), "r"), 10)?;
//! let panel = Panel::read(&mut CsvSource::new(hours.as_bytes(), "h"), &register, 10)?;
//! let results = MonitorParams::default().run(&register, &panel)?;
//! let out = monitor::render(&results, OutputFormat::Csv, Lang::En, DisclosureMode::Strict, DisclosureRules::default());
//! assert!(out.text.starts_with("measure,group,period,value,persons"));
//! assert!(out.text.contains("banen,total,2019-01,,"), "one person: suppressed");
//! # Ok::<(), banenafspraak::Error>(())
//! ```

use super::disclosure::{CheckReport, DisclosureMode, DisclosureRules, ScanInput};
use super::document::Report;
use super::export::Export;
use super::format::Style;
use super::lang::Lang;
use super::table::{Cell, OutputFormat, Status, Table};
use crate::monitor::{Group, Measure, MonitorResults, Sector};
use crate::schema::RegisterBasis;

/// A measure's table and the machine codes of its rows (periods) and columns (groups).
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorTable {
    /// The measure (`banen`, ...).
    pub measure: &'static str,
    /// The wide table: a row per period, a column per group after the label column.
    pub table: Table,
    /// Period code of each row.
    pub periods: Vec<String>,
    /// Group code of each column after the first.
    pub groups: Vec<Group>,
}

/// The label of a group.
pub fn group_label(g: Group, lang: Lang) -> &'static str {
    match g {
        Group::Total => lang.total(),
        Group::Sector(Sector::Market) => lang.pick("market sector", "marktsector"),
        Group::Sector(Sector::Government) => lang.pick("government", "overheid"),
        Group::Basis(b) => match b {
            RegisterBasis::Wajong => "Wajong",
            RegisterBasis::Wsw => "Wsw",
            RegisterBasis::WiwId => "Wiw/ID",
            RegisterBasis::Indicatie => {
                lang.pick("indicatie banenafspraak", "indicatie banenafspraak")
            }
            RegisterBasis::Praktijkroute => lang.pick("praktijkroute", "praktijkroute"),
            RegisterBasis::VsoPro => lang.pick("vso/pro pupils", "vso/pro-leerlingen"),
            RegisterBasis::Voorziening => lang.pick("with a voorziening", "werken met voorziening"),
            RegisterBasis::Other => lang.pick("other", "overig"),
        },
    }
}

fn title(m: &Measure, r: &MonitorResults, style: &Style) -> String {
    let lang = style.lang;
    let p = &r.params;
    let hours = style.numbers.decimal(p.hours_per_baan, 2);
    match m.name {
        "banen" => match lang {
            Lang::En => format!("Banen per month (paid hours of register members / {hours})"),
            Lang::Nl => format!("Banen per maand (verloonde uren van personen in het register / {hours})"),
        },
        "banen_extra" => match lang {
            Lang::En => "Extra banen over the baseline (end of 2012)".into(),
            Lang::Nl => "Extra banen ten opzichte van de nulmeting (eind 2012)".into(),
        },
        "months_worked_36" => match lang {
            Lang::En => format!(
                "Months worked (>= 1 paid hour) in the {} months from {}: persons in the register on {} and {}",
                p.cohort_months(), p.cohort_first_month(), p.cohort_start.iso(), p.cohort_end.iso()
            ),
            Lang::Nl => format!(
                "Gewerkte maanden (>= 1 verloond uur) in de {} maanden vanaf {}: personen in het register op {} en {}",
                p.cohort_months(), p.cohort_first_month(), p.cohort_start.iso(), p.cohort_end.iso()
            ),
        },
        "job_retention" => lang
            .pick(
                "Job retention: share of job spells lasting at least n months (Kaplan-Meier)",
                "Baanbehoud: aandeel baanperiodes dat ten minste n maanden duurt (Kaplan-Meier)",
            )
            .into(),
        "jobs_started" => lang.pick("Job spells started per quarter", "Gestarte baanperiodes per kwartaal").into(),
        _ => lang.pick("Job spells ended per quarter", "Beëindigde baanperiodes per kwartaal").into(),
    }
}

fn row_label(measure: &str, period: &str, lang: Lang) -> String {
    match measure {
        "months_worked_36" => format!("{period} {}", lang.pick("months", "maanden")),
        "job_retention" => format!(">= {period} {}", lang.pick("months", "maanden")),
        _ => period.into(),
    }
}

/// The cell of a point: counts for banen and flows, shares for bins and retention, each
/// on its persons (and, for shares, on the persons the share is about).
fn cell(measure: &str, p: crate::monitor::Point) -> Cell {
    if p.value.is_nan() {
        // Undefined (no spell at risk), but its persons still go to the long table.
        return Cell::empty().on("persons", p.persons);
    }
    match measure {
        "months_worked_36" => Cell::share(p.value)
            .on("persons", p.persons)
            .on("persons in bin", p.subset.unwrap_or(0)),
        "job_retention" => Cell::share(p.value)
            .on("persons", p.persons)
            .on("persons at risk", p.subset.unwrap_or(0)),
        _ => Cell::count(p.value).on("persons", p.persons),
    }
}

fn measure_table(m: &Measure, r: &MonitorResults, style: &Style) -> MonitorTable {
    let lang = style.lang;
    let columns = std::iter::once(lang.pick("period", "periode").to_string()).chain(
        m.series
            .iter()
            .map(|s| group_label(s.group, lang).to_string()),
    );
    let mut table = Table::new(title(m, r, style), columns)
        .with_id(m.name)
        .with_keys(std::iter::once("period").chain(m.series.iter().map(|s| s.group.code())));
    for (k, period) in m.periods.iter().enumerate() {
        table.push_row(
            std::iter::once(Cell::text(row_label(m.name, period, lang)))
                .chain(m.series.iter().map(|s| cell(m.name, s.points[k]))),
        );
    }
    match m.name {
        "months_worked_36" => {
            table.partition = (0..m.periods.len()).collect();
            table.push_row(
                std::iter::once(Cell::text(lang.pick("persons", "personen")))
                    .chain(m.series.iter().map(|s| Cell::count(s.points[0].persons as f64).on("persons", s.points[0].persons))),
            );
        }
        "banen_extra" => {
            let n = style.numbers;
            table.notes.push(match lang {
                Lang::En => format!(
                    "Baseline {} banen at the end of 2012; the agreement's target is {} extra banen (100,000 in the market sector, 25,000 in government).",
                    n.integer(r.params.baseline as i64), n.integer(r.params.target as i64)
                ),
                Lang::Nl => format!(
                    "Nulmeting {} banen eind 2012; de afspraak is {} extra banen (100.000 in de marktsector, 25.000 bij de overheid).",
                    n.integer(r.params.baseline as i64), n.integer(r.params.target as i64)
                ),
            });
        }
        "job_retention" => table.notes.push(
            lang.pick(
                "A job spell is consecutive months of one job with paid hours, started inside a register spell; spells still paid in the last month are censored, spells already paid in the first month are left out (start unknown). Empty: no spell at risk.",
                "Een baanperiode is een reeks opeenvolgende maanden met verloonde uren in één baan, gestart tijdens een registratie; periodes die in de laatste maand nog lopen zijn gecensureerd, periodes die in de eerste maand al liepen tellen niet mee (start onbekend). Leeg: geen periode meer onder risico.",
            )
            .into(),
        ),
        _ => {}
    }
    MonitorTable {
        measure: m.name,
        table,
        periods: m.periods.clone(),
        groups: m.series.iter().map(|s| s.group).collect(),
    }
}

/// Every measure's table, in the order of the panel schema.
pub fn monitor_tables(r: &MonitorResults, style: &Style) -> Vec<MonitorTable> {
    [
        Some(&r.banen),
        Some(&r.banen_extra),
        r.months_worked.as_ref(),
        Some(&r.job_retention),
        Some(&r.jobs_started),
        Some(&r.jobs_ended),
    ]
    .into_iter()
    .flatten()
    .map(|m| measure_table(m, r, style))
    .collect()
}

/// The long table `measure,group,period,value,persons` from (checked) wide tables: a
/// suppressed value suppresses its persons too.
pub fn long_table(tables: &[MonitorTable], lang: Lang) -> Table {
    let mut t = Table::new(
        lang.pick("Register monitor", "Monitor doelgroepregister"),
        ["measure", "group", "period", "value", "persons"],
    )
    .with_id("monitor");
    for mt in tables {
        for (r, period) in mt.periods.iter().enumerate() {
            for (k, g) in mt.groups.iter().enumerate() {
                let value = mt.table.rows[r][k + 1].clone();
                let n = value.basis.first().map_or(0, |b| b.persons);
                let mut persons = Cell::count(n as f64).on("persons", n);
                if value.status == Status::Suppressed {
                    persons.status = Status::Suppressed;
                }
                t.push_row([
                    Cell::text(mt.measure),
                    Cell::text(g.code()),
                    Cell::text(period.clone()),
                    value,
                    persons,
                ]);
            }
        }
    }
    t
}

/// A rendered monitor output and its check.
#[derive(Debug, Clone)]
pub struct MonitorOutput {
    /// The output text.
    pub text: String,
    /// The disclosure check of every table in it.
    pub check: CheckReport,
    /// The checked wide tables (for plots).
    pub tables: Vec<MonitorTable>,
}

/// The one checked path out: builds the tables, applies disclosure control and renders.
/// Text, Markdown and HTML show the wide tables with counts in the report's rounding; CSV
/// and JSON the long table, unrounded unless strict.
pub fn render(
    r: &MonitorResults,
    format: OutputFormat,
    lang: Lang,
    mode: DisclosureMode,
    rules: DisclosureRules,
) -> MonitorOutput {
    let people = matches!(
        format,
        OutputFormat::Text | OutputFormat::Markdown | OutputFormat::Html
    );
    let mut style = Style::report(lang);
    if !people {
        style.count_to = (mode == DisclosureMode::Strict).then_some(rules.round_to);
    }
    let mut tables = monitor_tables(r, &style);
    let mut check = CheckReport::new(mode, rules, style.count_to);
    for t in &mut tables {
        check.apply_to_table(&mut t.table);
    }
    let text = if people {
        let mut report = Report::new(style);
        report.heading(lang.pick("Register monitor", "Monitor doelgroepregister"));
        for note in &r.notes {
            report.paragraph(note.clone());
        }
        for t in &tables {
            report.table(t.table.clone());
        }
        // Tables were checked above; this checks the paragraphs.
        let mut prose = CheckReport::new(mode, check.rules.clone(), style.count_to);
        prose.apply_to(&mut report);
        check
            .tables
            .extend(prose.tables.into_iter().filter(|t| t.id == "text"));
        report.render(format)
    } else {
        let mut long = long_table(&tables, lang);
        check.apply_to_table(&mut long);
        match format {
            OutputFormat::Csv => long.to_csv(style.count_to),
            _ => long.to_json(style.count_to) + "\n",
        }
    };
    MonitorOutput {
        text,
        check,
        tables,
    }
}

/// What to export from a monitor run.
pub struct MonitorExport<'a> {
    /// The measures.
    pub results: &'a MonitorResults,
    /// Text, Markdown and HTML give the wide tables; CSV and JSON the long table.
    pub format: OutputFormat,
    /// Language of labels and number format.
    pub lang: Lang,
    /// Disclosure control.
    pub mode: DisclosureMode,
    /// Its rules.
    pub rules: DisclosureRules,
    /// Whether to draw the SVG plots (needs the `plots` feature).
    pub plots: bool,
    /// The name of the output in the check report (a path, or `standard output`).
    pub output_name: String,
}

impl MonitorExport<'_> {
    /// Builds and checks the output and the plots, scans them for the person_ids in
    /// `ids` and applies the export policy ([`CheckReport::ensure_exportable`]); write
    /// the result with [`Export::write`], the same path as the estimates take.
    pub fn build<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> crate::Result<Export> {
        self.rules.check(self.mode)?;
        let mut out = render(
            self.results,
            self.format,
            self.lang,
            self.mode,
            self.rules.clone(),
        );
        let mut scan = ScanInput {
            name: self.output_name.clone(),
            ..ScanInput::default()
        };
        scan.prose.extend(self.results.notes.iter().cloned());
        for t in &out.tables {
            t.table.add_to_scan(&mut scan);
        }
        let mut scans = vec![scan];
        let plots = self.plots(&out.tables, &mut scans)?;
        if self.mode != DisclosureMode::Off {
            out.check.scan(&scans, ids);
        }
        out.check.ensure_exportable()?;
        Ok(Export {
            output: out.text,
            notes: Vec::new(),
            warnings: self.rules.warnings(),
            plots,
            models: Vec::new(),
            check: out.check,
        })
    }

    /// The plots, drawn from the checked tables (a suppressed cell is not drawn).
    #[cfg(feature = "plots")]
    fn plots(
        &self,
        tables: &[MonitorTable],
        scans: &mut Vec<ScanInput>,
    ) -> crate::Result<Vec<(String, String)>> {
        if !self.plots {
            return Ok(Vec::new());
        }
        let svgs =
            super::monitor_plots::plots(tables, &self.results.params, &Style::report(self.lang))?;
        Ok(svgs
            .into_iter()
            .map(|svg| {
                let name = format!("{}.svg", svg.name);
                let mut input = ScanInput {
                    name: name.clone(),
                    ..ScanInput::default()
                };
                input.prose.push(svg.content.clone());
                scans.push(input);
                (name, svg.content)
            })
            .collect())
    }

    #[cfg(not(feature = "plots"))]
    fn plots(
        &self,
        _: &[MonitorTable],
        _: &mut Vec<ScanInput>,
    ) -> crate::Result<Vec<(String, String)>> {
        if self.plots {
            return Err(crate::Error::InvalidParameter {
                name: "plots",
                value: "on".into(),
                reason: "this banenafspraak was built without the `plots` feature (cargo build --features plots)".into(),
            });
        }
        Ok(Vec::new())
    }
}
