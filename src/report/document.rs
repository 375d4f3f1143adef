//! A whole report: headings, paragraphs, the run's parameters and tables, in one language and
//! number style, rendered as text, Markdown, HTML or JSON. [`Report::from_estimates`]
//! lays out an estimation run: the correction, per population the counts and
//! distribution tables, then each model with its training design, validation,
//! calibration and tree.

use std::fmt::{self, Write as _};

use serde::Serialize;

use super::format::Style;
use super::lang::Lang;
use super::sections::{diagnostics_tables, sensitivity_table};
use super::table::{html_escape, OutputFormat, Table};
use super::tables::{
    breakdown_table, correction_table, counts_table, hours_tree_table, stage_tables,
    uncertainty_table, BreakdownKind,
};
use crate::estimate::{
    ConfidenceLevel, CorrectionFactor, Estimates, FittedStage, PopulationEstimate,
};
use crate::estimate::{
    Correction, Diagnostics, Intervals, LabellingInterval, SensitivityTable, UncertaintySummary,
};
use crate::model::FittedModel;

/// One part of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph of prose: every whole number in it is taken for a count, so that
    /// disclosure control rounds it (strict) or lists it (report).
    Paragraph(String),
    /// The run's settings and the method in words (seed, replicates, a fixed factor, a
    /// tree's depth): printed as given, never a count of persons. Counts go in tables.
    Parameters(String),
    /// A table.
    Table(Table),
}

/// A report: blocks in a style.
///
/// ```
/// use banenafspraak::report::{Lang, OutputFormat, Report, Style, Table, Cell};
/// let mut r = Report::new(Style::report(Lang::Nl));
/// r.heading("WW");
/// r.table(Table::new("WW", ["groep", "aantal"]).with_row(["Totaal".into(), Cell::count(158_049.0)]));
/// assert!(r.render(OutputFormat::Markdown).contains("| Totaal | 158.000 |"));
/// assert!(r.render(OutputFormat::Html).contains("<h2>WW</h2>"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Language, notation and rounding of everything rendered.
    pub style: Style,
    /// The parts, in order.
    pub blocks: Vec<Block>,
}

impl Report {
    /// An empty report.
    pub fn new(style: Style) -> Report {
        Report {
            style,
            blocks: Vec::new(),
        }
    }

    /// Adds a heading.
    pub fn heading(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Heading(s.into()));
    }

    /// Adds a paragraph.
    pub fn paragraph(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Paragraph(s.into()));
    }

    /// Adds a block of the run's settings (see [`Block::Parameters`]).
    pub fn parameters(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Parameters(s.into()));
    }

    /// Every text of the report, for the id scan: text cells as labels; headings,
    /// paragraphs, parameters, titles, column labels and notes as prose.
    pub fn scan_input(&self, name: impl Into<String>) -> super::ScanInput {
        let mut input = super::ScanInput {
            name: name.into(),
            ..Default::default()
        };
        for b in &self.blocks {
            match b {
                Block::Heading(p) | Block::Paragraph(p) | Block::Parameters(p) => {
                    input.prose.push(p.clone())
                }
                Block::Table(t) => t.add_to_scan(&mut input),
            }
        }
        input
    }

    /// Adds a table.
    pub fn table(&mut self, t: Table) {
        self.blocks.push(Block::Table(t));
    }

    /// The tables, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> + '_ {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// The tables, to change (disclosure control).
    pub fn tables_mut(&mut self) -> impl Iterator<Item = &mut Table> + '_ {
        self.blocks.iter_mut().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// The report of an estimation run: the correction and notes, per population its
    /// counts table and the distributions by education and age, then each model.
    pub fn from_estimates(e: &Estimates, style: Style) -> Report {
        let lang = style.lang;
        let mut r = Report::new(style);
        r.parameters(correction_text(&e.fitted.correction, lang));
        r.table(correction_table(&e.fitted.correction, lang));
        for line in uncertainty_text(&e.uncertainty, lang) {
            r.parameters(line);
        }
        for note in &e.notes {
            r.parameters(format!("{} {note}", lang.pick("Note:", "Let op:")));
        }
        for p in &e.populations {
            r.add_population(p);
        }
        if let Some(s) = &e.selection {
            r.heading(lang.pick("Model selection (--select)", "Modelkeuze (--select)"));
            r.parameters(super::sections::selection_text(s, lang));
            r.table(super::sections::selection_table(s, lang));
        }
        for stage in [
            &e.fitted.comparability,
            &e.fitted.job_find,
            &e.fitted.job_keep,
        ] {
            r.add_stage(stage, e.uncertainty.level);
        }
        if let Some(h) = &e.fitted.hours {
            r.heading(format!("Model: hours ({})", lang.pick("banen", "banen")));
            r.parameters(format!(
                "{}: {} {}, {} {}",
                lang.pick(
                    "regression tree of paid hours per week",
                    "regressieboom van verloonde uren per week"
                ),
                h.tree.n_leaves(),
                lang.pick("leaves", "bladeren"),
                lang.pick("depth", "diepte"),
                h.tree.depth()
            ));
            r.table(hours_tree_table(&h.tree, lang));
            if let Some(v) = &h.validation {
                r.table(super::tables::hours_validation_table(v, lang));
            }
        }
        r
    }

    /// The report of one population: heading, counts table, distributions.
    pub fn from_population(p: &PopulationEstimate, style: Style) -> Report {
        let mut r = Report::new(style);
        r.add_population(p);
        r
    }

    /// The report of one fitted model (leaf intervals at 95%).
    pub fn from_stage(stage: &FittedStage, style: Style) -> Report {
        let mut r = Report::new(style);
        r.add_stage(stage, ConfidenceLevel::DEFAULT);
        r
    }

    fn add_population(&mut self, p: &PopulationEstimate) {
        let lang = self.style.lang;
        self.heading(p.label.clone());
        self.table(counts_table(p, lang));
        if let Some(t) = uncertainty_table(p, lang) {
            self.table(t);
        }
        self.table(breakdown_table(p, BreakdownKind::Education, lang));
        self.table(breakdown_table(p, BreakdownKind::Age, lang));
    }

    fn add_stage(&mut self, stage: &FittedStage, level: ConfidenceLevel) {
        let lang = self.style.lang;
        self.heading(format!("Model: {}", stage.name));
        self.parameters(match &stage.model {
            FittedModel::Tree(t) => format!(
                "{}: {} {}, {} {}",
                lang.pick("classification tree", "beslisboom"),
                t.n_leaves(),
                lang.pick("leaves", "bladeren"),
                lang.pick("depth", "diepte"),
                t.depth()
            ),
            FittedModel::Logistic(m) => format!(
                "{} ({}), l2 = {}, {}",
                lang.pick("logistic model", "logistisch model"),
                m.solver(),
                m.l2(),
                match (m.iterations(), m.converged()) {
                    (Some(it), true) => format!(
                        "{} {it}",
                        lang.pick("converged in iterations:", "geconvergeerd, iteraties:")
                    ),
                    (Some(it), false) => format!(
                        "{} {it}",
                        lang.pick(
                            "NOT converged, iterations:",
                            "NIET geconvergeerd, iteraties:"
                        )
                    ),
                    (None, true) => lang.pick("converged", "geconvergeerd").into(),
                    (None, false) => lang.pick("NOT converged", "NIET geconvergeerd").into(),
                }
            ),
        });
        for t in stage_tables(stage, level, lang) {
            self.table(t);
        }
    }

    /// Adds the sensitivity section: comparable totals under each correction and model.
    pub fn add_sensitivity(&mut self, s: &SensitivityTable) {
        let lang = self.style.lang;
        self.heading(lang.pick("Sensitivity", "Gevoeligheid"));
        self.table(sensitivity_table(s, lang));
    }

    /// Adds the diagnostics section: score overlap, score bins and balance tables.
    pub fn add_diagnostics(&mut self, d: &Diagnostics) {
        let lang = self.style.lang;
        self.heading(lang.pick("Diagnostics", "Diagnostiek"));
        for t in diagnostics_tables(d, lang) {
            self.table(t);
        }
    }

    /// Renders the whole report. CSV gives the tables one after the other, each preceded
    /// by a line `# id: title` and followed by an empty line.
    pub fn render(&self, format: OutputFormat) -> String {
        let style = &self.style;
        let mut out = String::new();
        match format {
            OutputFormat::Json => {
                let blocks: Vec<serde_json::Value> = self
                    .blocks
                    .iter()
                    .map(|b| match b {
                        Block::Table(t) => {
                            serde_json::json!({"kind": "table", "content": t.json_value(style.count_to)})
                        }
                        other => serde_json::to_value(other).unwrap_or_default(),
                    })
                    .collect();
                let doc = serde_json::json!({"lang": style.lang, "blocks": blocks});
                out = serde_json::to_string_pretty(&doc).unwrap_or_default();
                out.push('\n');
            }
            OutputFormat::Csv => {
                for t in self.tables() {
                    let _ = writeln!(out, "# {}: {}", t.id, t.title);
                    out.push_str(&t.to_csv(style.count_to));
                    out.push('\n');
                }
            }
            OutputFormat::Text => {
                for (i, b) in self.blocks.iter().enumerate() {
                    if i > 0 && matches!(b, Block::Heading(_) | Block::Table(_)) {
                        out.push('\n');
                    }
                    match b {
                        Block::Heading(h) => {
                            let _ = writeln!(out, "{h}");
                        }
                        Block::Paragraph(p) | Block::Parameters(p) => {
                            out.push_str(p);
                            if !p.ends_with('\n') {
                                out.push('\n');
                            }
                        }
                        Block::Table(t) => out.push_str(&t.to_text(style)),
                    }
                }
            }
            OutputFormat::Markdown => {
                for b in &self.blocks {
                    match b {
                        Block::Heading(h) => {
                            let _ = writeln!(out, "## {h}\n");
                        }
                        Block::Paragraph(p) | Block::Parameters(p) => {
                            let _ = writeln!(out, "{p}\n");
                        }
                        Block::Table(t) => {
                            out.push_str(&t.to_markdown(style));
                            out.push('\n');
                        }
                    }
                }
            }
            OutputFormat::Html => {
                out.push_str("<div class=\"banenafspraak-report\">\n");
                for b in &self.blocks {
                    match b {
                        Block::Heading(h) => {
                            let _ = writeln!(out, "<h2>{}</h2>", html_escape(h));
                        }
                        Block::Paragraph(p) | Block::Parameters(p) => {
                            let _ = writeln!(out, "<p>{}</p>", html_escape(p));
                        }
                        Block::Table(t) => {
                            out.push_str(&t.to_html(style));
                        }
                    }
                }
                out.push_str("</div>\n");
            }
        }
        out
    }
}

impl fmt::Display for Report {
    /// Plain text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(OutputFormat::Text))
    }
}

/// What the intervals of a run are, and what the uncertainty quantities beside them mean.
pub fn uncertainty_text(u: &UncertaintySummary, lang: Lang) -> Vec<String> {
    match lang {
        Lang::En => u.describe(),
        Lang::Nl => {
            let mut out = vec![match u.intervals {
                Intervals::Bootstrap { replicates } => format!(
                    "Intervallen: {}-percentielintervallen uit {replicates} bootstrapherhalingen \
                     (seed {}): de trainingssteekproeven van de drie modellen binnen elke klasse \
                     opnieuw getrokken, de modellen opnieuw geschat en de populaties opnieuw \
                     gescoord. Ze dekken de steekproeffout van de modellen, niet de keuze van de \
                     correctie (zie de gevoeligheidstabel).",
                    u.level.percent(),
                    u.seed
                ),
                Intervals::Analytic => format!(
                    "Intervallen: normale {}-intervallen uit de analytische variantie van de \
                     kansen in de bladeren (vaste boomvorm); ze missen de keuze van de \
                     splitsingen en kunnen te smal zijn.",
                    u.level.percent()
                ),
                Intervals::None => "Intervallen: niet berekend (--intervals none).".to_string(),
            }];
            if u.intervals != Intervals::None {
                out.push(
                    "sd realisatie: de wortel van de som van c (1 - c), de spreiding van het aantal \
                     vergelijkbare personen als ieder met kans c vergelijkbaar is; geen fout van het \
                     verwachte aantal."
                        .to_string(),
                );
            }
            out
        }
    }
}

/// The correction in words and what it assumes; its numbers (the factor, the register
/// sizes, Elkan-Noto's c) are cells of [`correction_table`], checked like every count. A
/// fixed factor is the user's parameter and printed as given.
pub fn correction_text(c: &CorrectionFactor, lang: Lang) -> String {
    match (c.correction, lang) {
        (Correction::RegisterSize, Lang::En) => "Correction: the register-size factor = register members / those outside wajong, wsw \
             and wiw_id (see the table Correction); assumes the old groups resemble the trained ones in their \
             share of comparable persons"
            .into(),
        (Correction::RegisterSize, Lang::Nl) => "Correctie: factor registeromvang = personen in het doelgroepregister / die buiten \
             wajong, wsw en wiw/id (zie de tabel Correctie); aangenomen dat de oude groepen evenveel vergelijkbare \
             personen tellen als de getrainde"
            .into(),
        (Correction::Fixed(f), Lang::En) => format!(
            "Correction: fixed factor {f} given by the user; assumes the factor times the \
             model's probability is the probability of being comparable"
        ),
        (Correction::Fixed(f), Lang::Nl) => format!(
            "Correctie: vaste factor {f}, opgegeven door de gebruiker; aangenomen dat de \
             factor maal de kans van het model de kans op vergelijkbaarheid is"
        ),
        (Correction::ElkanNoto, lang) => {
            let pct = c.labelling.map_or(ConfidenceLevel::DEFAULT, |r| r.level).percent();
            let how = match (c.labelling.map(|r| r.interval_method), lang) {
                (Some(LabellingInterval::Bootstrap { replicates }), Lang::En) => {
                    format!("bootstrap, {replicates} replicates")
                }
                (Some(LabellingInterval::Bootstrap { replicates }), Lang::Nl) => {
                    format!("bootstrap, {replicates} herhalingen")
                }
                (_, Lang::En) => "normal interval of the mean, model held fixed".to_string(),
                (_, Lang::Nl) => "normaal interval van het gemiddelde, model vast".to_string(),
            };
            match lang {
                Lang::En => format!(
                    "Correction: Elkan-Noto labelling rate c, the mean score of held-out register members \
                     (see the table Correction; {pct} interval: {how}), comparability = min(1, p / c), factor \
                     1/c; assumes the register's trained sub-groups are selected completely at random from \
                     the comparable persons (SCAR: the same c whatever the features) and that the model \
                     recognises comparable persons"
                ),
                Lang::Nl => format!(
                    "Correctie: Elkan-Noto, labelkans c, de gemiddelde score van achtergehouden registerleden \
                     (zie de tabel Correctie; {pct}-interval: {how}), vergelijkbaarheid = min(1, p / c), factor \
                     1/c; aangenomen dat de getrainde registergroepen volledig aselect uit de vergelijkbare \
                     personen komen (SCAR: dezelfde c ongeacht de kenmerken) en dat het model vergelijkbare \
                     personen herkent"
                ),
            }
        }
    }
}
