//! A whole report: headings, paragraphs, preformatted text and tables, in one language and
//! number style, rendered as text, Markdown, HTML or JSON. [`Report::from_estimates`]
//! lays out an estimation run: the correction, per population the counts and
//! distribution tables, then each model with its training design, validation,
//! calibration and tree.

use std::fmt::{self, Write as _};

use serde::Serialize;

use super::format::Style;
use super::lang::Lang;
use super::table::{html_escape, OutputFormat, Table};
use super::tables::{
    breakdown_table, counts_table, stage_tables, uncertainty_table, BreakdownKind,
};
use crate::estimate::{Correction, Intervals, LabellingInterval, UncertaintySummary};
use crate::estimate::{CorrectionFactor, Estimates, FittedStage, PopulationEstimate};
use crate::model::FittedModel;

/// One part of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Paragraph(String),
    /// Preformatted text (a logistic model's coefficients).
    Preformatted(String),
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
        r.paragraph(correction_text(&e.fitted.correction, &style));
        for line in uncertainty_text(&e.uncertainty, lang) {
            r.paragraph(line);
        }
        for note in &e.notes {
            r.paragraph(format!("{} {note}", lang.pick("Note:", "Let op:")));
        }
        for p in &e.populations {
            r.add_population(p);
        }
        for stage in [
            &e.fitted.comparability,
            &e.fitted.job_find,
            &e.fitted.job_keep,
        ] {
            r.add_stage(stage);
        }
        r
    }

    /// The report of one population: heading, counts table, distributions.
    pub fn from_population(p: &PopulationEstimate, style: Style) -> Report {
        let mut r = Report::new(style);
        r.add_population(p);
        r
    }

    /// The report of one fitted model.
    pub fn from_stage(stage: &FittedStage, style: Style) -> Report {
        let mut r = Report::new(style);
        r.add_stage(stage);
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

    fn add_stage(&mut self, stage: &FittedStage) {
        let lang = self.style.lang;
        self.heading(format!("Model: {}", stage.name));
        self.paragraph(match &stage.model {
            FittedModel::Tree(t) => format!(
                "{}: {} {}, {} {}",
                lang.pick("classification tree", "beslisboom"),
                t.n_leaves(),
                lang.pick("leaves", "bladeren"),
                lang.pick("depth", "diepte"),
                t.depth()
            ),
            FittedModel::Logistic(_) => lang.pick("logistic model", "logistisch model").into(),
        });
        for t in stage_tables(stage, lang) {
            self.table(t);
        }
        if let FittedModel::Logistic(m) = &stage.model {
            self.blocks.push(Block::Preformatted(m.to_string()));
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
                        Block::Paragraph(p) | Block::Preformatted(p) => {
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
                        Block::Paragraph(p) => {
                            let _ = writeln!(out, "{p}\n");
                        }
                        Block::Preformatted(p) => {
                            let _ = writeln!(out, "```text\n{}\n```\n", p.trim_end());
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
                        Block::Paragraph(p) => {
                            let _ = writeln!(out, "<p>{}</p>", html_escape(p));
                        }
                        Block::Preformatted(p) => {
                            let _ = writeln!(out, "<pre>{}</pre>", html_escape(p));
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
                    "Intervallen: 95%-percentielintervallen uit {replicates} bootstrapherhalingen \
                     (seed {}): de trainingssteekproeven van de drie modellen binnen elke klasse \
                     opnieuw getrokken, de modellen opnieuw geschat en de populaties opnieuw \
                     gescoord. Ze dekken de steekproeffout van de modellen, niet de keuze van de \
                     correctie (zie de gevoeligheidstabel).",
                    u.seed
                ),
                Intervals::Analytic => "Intervallen: normale 95%-intervallen uit de analytische \
                     variantie van de kansen in de bladeren (vaste boomvorm); ze missen de keuze \
                     van de splitsingen en kunnen te smal zijn."
                    .to_string(),
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

/// The correction in words and what it assumes, with the register sizes rounded like
/// other counts.
pub fn correction_text(c: &CorrectionFactor, style: &Style) -> String {
    let n = |x: u64| style.count(x as f64);
    let factor = style.numbers.decimal(c.factor, 3);
    match (c.correction, style.lang) {
        (Correction::RegisterSize, Lang::En) => format!(
            "Correction: register-size factor {factor} = {} register members / {} outside wajong, wsw and wiw_id; \
             assumes the old groups resemble the trained ones in their share of comparable persons",
            n(c.register_size),
            n(c.register_size_trained)
        ),
        (Correction::RegisterSize, Lang::Nl) => format!(
            "Correctie: factor registeromvang {factor} = {} personen in het doelgroepregister / {} buiten wajong, wsw en wiw/id; \
             aangenomen dat de oude groepen evenveel vergelijkbare personen tellen als de getrainde",
            n(c.register_size),
            n(c.register_size_trained)
        ),
        (Correction::Fixed(_), Lang::En) => format!(
            "Correction: fixed factor {factor} given by the user; assumes the factor times the \
             model's probability is the probability of being comparable"
        ),
        (Correction::Fixed(_), Lang::Nl) => format!(
            "Correctie: vaste factor {factor}, opgegeven door de gebruiker; aangenomen dat de \
             factor maal de kans van het model de kans op vergelijkbaarheid is"
        ),
        (Correction::ElkanNoto, lang) => match &c.labelling {
            Some(rate) => {
                let d = |x: f64| style.numbers.decimal(x, 4);
                let how = match (rate.interval_method, lang) {
                    (LabellingInterval::NormalMean, Lang::En) => {
                        "normal interval of the mean, model held fixed".to_string()
                    }
                    (LabellingInterval::NormalMean, Lang::Nl) => {
                        "normaal interval van het gemiddelde, model vast".to_string()
                    }
                    (LabellingInterval::Bootstrap { replicates }, Lang::En) => {
                        format!("bootstrap, {replicates} replicates")
                    }
                    (LabellingInterval::Bootstrap { replicates }, Lang::Nl) => {
                        format!("bootstrap, {replicates} herhalingen")
                    }
                };
                match lang {
                    Lang::En => format!(
                        "Correction: Elkan-Noto labelling rate c = {} (95% interval {}-{}, {how}; mean \
                         score of {} held-out register members), comparability = min(1, p / c), factor \
                         1/c = {factor}; assumes the register's trained sub-groups are selected \
                         completely at random from the comparable persons (SCAR: the same c whatever \
                         the features) and that the model recognises comparable persons",
                        d(rate.c),
                        d(rate.interval.low),
                        d(rate.interval.high),
                        n(rate.held_out_positives as u64)
                    ),
                    Lang::Nl => format!(
                        "Correctie: Elkan-Noto, labelkans c = {} (95%-interval {}-{}, {how}; gemiddelde \
                         score van {} achtergehouden registerleden), vergelijkbaarheid = min(1, p / c), \
                         factor 1/c = {factor}; aangenomen dat de getrainde registergroepen volledig \
                         aselect uit de vergelijkbare personen komen (SCAR: dezelfde c ongeacht de \
                         kenmerken) en dat het model vergelijkbare personen herkent",
                        d(rate.c),
                        d(rate.interval.low),
                        d(rate.interval.high),
                        n(rate.held_out_positives as u64)
                    ),
                }
            }
            None => format!("Correction: Elkan-Noto factor {factor}"),
        },
        #[allow(unreachable_patterns)]
        _ => format!("Correction: factor {factor}"),
    }
}
