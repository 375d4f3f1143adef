//! SVG plots (feature `plots`): the distribution of comparability scores per population
//! against the register members, the calibration curve of each model, and bars of the
//! education and age distributions (gross, comparable, finds work, keeps work), and,
//! with an hours model, the expected banen per population with their bootstrap intervals.
//!
//! Every plot is drawn from a [`Table`], so disclosure control checks its numbers first
//! and a plot shows only what the table publishes: a suppressed bin or bar is not drawn.
//! The SVG backend of plotters is used alone (no font files: text is written as SVG
//! `<text>` and sized by the viewer).
//!
//! ```
//! use banenafspraak::estimate::EstimationParams;
//! use banenafspraak::report::{plots, Lang, Style};
//! use banenafspraak::synth::SynthParams;
//! let pop = SynthParams { persons: 20_000, seed: 3, ..SynthParams::default() }.generate()?;
//! let mut params = EstimationParams::default();
//! params.set_min_leaf(200, 20);
//! let estimates = params.run(&pop)?;
//! let data = plots::plot_data(&estimates, &pop, &params.populations, Lang::En)?;
//! let svg = data[0].render(&Style::report(Lang::En))?;
//! assert!(svg.content.starts_with("<svg"));
//! # Ok::<(), banenafspraak::Error>(())
//! ```

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::Style;
use super::lang::Lang;
use super::scores::score_distribution_tables;
use super::table::{html_escape, Cell, Status, Table, Value};
use super::tables::{banen_cell, breakdown_table, calibration_table, BreakdownKind};
use crate::error::{Error, Result};
use crate::estimate::{ConfidenceLevel, Estimates, PopulationEstimate, ScoredPopulation};
use crate::schema::Population;

/// An SVG document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg {
    /// File name without extension (`ww_scores`).
    pub name: String,
    /// The SVG text.
    pub content: String,
}

/// The SVG text, as a notebook or a file shows it.
impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.content)
    }
}

impl Svg {
    /// Writes `DIR/name.svg` and returns the path.
    pub fn save(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(format!("{}.svg", self.name));
        std::fs::write(&path, &self.content).map_err(|e| Error::io(path.display(), e))?;
        Ok(path)
    }

    /// Notebook display: the SVG inline in HTML (Jupyter), its name in text (REPL).
    pub fn evcxr_display(&self) {
        let plain = format!("{}.svg ({} bytes of SVG)", self.name, self.content.len());
        let html = format!(
            "<div class=\"banenafspraak-plot\" title=\"{}\">{}</div>",
            html_escape(&self.name),
            self.content
        );
        print!("{}", super::notebook::mime_blocks(&plain, &html));
    }
}

/// What a plot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotKind {
    /// Score histogram of a population against register members (a
    /// [`ScoreHistogram`](super::ScoreHistogram) table).
    Scores,
    /// Calibration curve of a model (a [`calibration_table`]).
    Calibration,
    /// Distribution bars (a [`breakdown_table`]).
    Breakdown,
    /// Expected banen per population, with interval whiskers ([`banen_table`]).
    Banen,
}

/// A plot's table and how to draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotData {
    /// File name without extension.
    pub name: String,
    /// The kind of plot.
    pub kind: PlotKind,
    /// The numbers, to be checked by disclosure control before rendering.
    pub table: Table,
}

/// The tables of every plot of a run: per population its score histogram (20 bins) and its
/// education and age bars, per model its calibration curve, and with an hours model the
/// banen of every population.
pub fn plot_data(
    e: &Estimates,
    pop: &Population,
    populations: &[ScoredPopulation],
    lang: Lang,
) -> Result<Vec<PlotData>> {
    let mut out = Vec::new();
    for h in score_distribution_tables(&e.fitted, pop, populations, 20)? {
        out.push(PlotData {
            name: format!("{}_scores", h.population),
            kind: PlotKind::Scores,
            table: h
                .table(lang)
                .with_id(format!("plot_{}_scores", h.population)),
        });
    }
    for p in &e.populations {
        for (kind, key) in [
            (BreakdownKind::Education, "education"),
            (BreakdownKind::Age, "age"),
        ] {
            out.push(PlotData {
                name: format!("{}_{key}", p.name),
                kind: PlotKind::Breakdown,
                table: breakdown_table(p, kind, lang).with_id(format!("plot_{}_{key}", p.name)),
            });
        }
    }
    if e.populations.iter().any(|p| p.total.banen.is_some()) {
        out.push(PlotData {
            name: "banen".into(),
            kind: PlotKind::Banen,
            table: banen_table(&e.populations, lang).with_id("plot_banen"),
        });
    }
    for stage in [
        &e.fitted.comparability,
        &e.fitted.job_find,
        &e.fitted.job_keep,
    ] {
        out.push(PlotData {
            name: format!("{}_calibration", stage.name),
            kind: PlotKind::Calibration,
            table: calibration_table(stage.name, &stage.validation, lang)
                .with_id(format!("plot_{}_calibration", stage.name)),
        });
    }
    Ok(out)
}

/// Renders every plot into `dir` (created if missing); returns the files written.
pub fn write_svgs(dir: &Path, plots: &[PlotData], style: &Style) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
    plots.iter().map(|p| p.render(style)?.save(dir)).collect()
}

const SIZE: (u32, u32) = (760, 440);
/// Font size and line height (pixels) of the category labels under grouped bars.
const LABEL_SIZE: u32 = 11;
const LABEL_LINE: i32 = 13;
const COLORS: [RGBColor; 4] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
];

fn plot_error(e: impl std::fmt::Display) -> Error {
    Error::io("plot", std::io::Error::other(e.to_string()))
}

/// The share in column `k` of row `r`, unless suppressed or not a share.
fn share_at(t: &Table, r: usize, k: usize) -> Option<f64> {
    let cell = t.rows.get(r)?.get(k)?;
    match (cell.status, &cell.value) {
        (Status::Suppressed, _) => None,
        (_, Value::Share(x)) if x.is_finite() => Some(*x),
        _ => None,
    }
}

impl PlotData {
    /// Draws the plot in a style (language of labels, notation of the axes).
    pub fn render(&self, style: &Style) -> Result<Svg> {
        let mut content = String::new();
        {
            let root = SVGBackend::with_string(&mut content, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            match self.kind {
                PlotKind::Scores => draw_scores(&root, &self.table, style),
                PlotKind::Calibration => draw_calibration(&root, &self.table, style),
                PlotKind::Breakdown => draw_breakdown(&root, &self.table, style),
                PlotKind::Banen => draw_banen(&root, &self.table, style),
            }?;
            root.present().map_err(plot_error)?;
        }
        Ok(Svg {
            name: self.name.clone(),
            content,
        })
    }
}

/// Tick labels in percent with as many decimals as the tick step needs, so that a narrow
/// range does not repeat a label (`0%, 0%, 1%, 1%`). plotters places about ten ticks.
fn percent_axis(style: &Style, range: f64) -> impl Fn(&f64) -> String + '_ {
    let step = range * 100.0 / 10.0;
    let decimals = if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 3.0) as usize
    };
    move |v: &f64| style.numbers.percent(*v, decimals)
}

/// A grid that guides the eye without competing with the data: faint major lines, no minor
/// lines.
fn quiet_mesh<DB: DrawingBackend, X: Ranged, Y: Ranged>(
    mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, DB>,
) {
    mesh.bold_line_style(BLACK.mix(0.12)).max_light_lines(0);
}

/// Average glyph width of the SVG sans-serif font, in ems, for wrapping labels.
const GLYPH_EM: f64 = 0.6;

/// Splits a label into lines of at most `width` pixels at `size` pixels a glyph-height,
/// breaking between words (a word longer than the width gets a line of its own).
fn wrap_label(label: &str, width: f64, size: f64) -> Vec<String> {
    let max_chars = ((width / (size * GLYPH_EM)).floor() as usize).max(1);
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max_chars => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Side-by-side bars per score bin: the population's share and the register's share.
fn draw_scores(root: &DrawingArea<SVGBackend<'_>, Shift>, t: &Table, style: &Style) -> Result<()> {
    let bins = t.rows.len().max(1);
    let width = 1.0 / bins as f64;
    let series = [(2usize, t.columns.get(2)), (4usize, t.columns.get(4))];
    let ymax = (0..bins)
        .flat_map(|r| series.iter().filter_map(move |(k, _)| share_at(t, r, *k)))
        .fold(0.0f64, f64::max)
        .max(0.01)
        * 1.1;
    let lang = style.lang;
    let mut chart = ChartBuilder::on(root)
        .caption(&t.title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..1f64, 0f64..ymax)
        .map_err(plot_error)?;
    let x_fmt = percent_axis(style, 1.0);
    let y_fmt = percent_axis(style, ymax);
    let mut mesh = chart.configure_mesh();
    quiet_mesh(&mut mesh);
    mesh.disable_x_mesh()
        .x_desc(lang.pick(
            "corrected comparability c",
            "gecorrigeerde kans op vergelijkbaarheid",
        ))
        .y_desc(lang.pick("share of persons", "aandeel personen"))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(plot_error)?;
    for (j, (k, label)) in series.iter().enumerate() {
        let color = COLORS[j];
        let bars: Vec<Rectangle<(f64, f64)>> = (0..bins)
            .filter_map(|r| {
                // An empty bin draws nothing (not even a flat bar).
                let y = share_at(t, r, *k).filter(|&y| y > 0.0)?;
                let x0 = r as f64 * width + j as f64 * width / 2.0;
                Some(Rectangle::new(
                    [
                        (x0 + width * 0.05, 0.0),
                        (x0 + width / 2.0 - width * 0.05, y),
                    ],
                    color.mix(0.8).filled(),
                ))
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(plot_error)?
            .label(label.map_or("", String::as_str))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(plot_error)?;
    Ok(())
}

/// Observed rate against mean prediction per bin, with the diagonal of perfect
/// calibration.
fn draw_calibration(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    t: &Table,
    style: &Style,
) -> Result<()> {
    let points: Vec<(f64, f64)> = (0..t.rows.len())
        .filter_map(|r| Some((share_at(t, r, 2)?, share_at(t, r, 3)?)))
        .collect();
    let max = points
        .iter()
        .map(|&(x, y)| x.max(y))
        .fold(0.0f64, f64::max)
        .max(0.01);
    let top = (max * 1.1).min(1.0);
    let lang = style.lang;
    let mut chart = ChartBuilder::on(root)
        .caption(&t.title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..top, 0f64..top)
        .map_err(plot_error)?;
    let fmt = percent_axis(style, top);
    let mut mesh = chart.configure_mesh();
    quiet_mesh(&mut mesh);
    mesh.x_desc(lang.pick("mean predicted probability", "gemiddelde voorspelde kans"))
        .y_desc(lang.pick("observed rate", "waargenomen aandeel"))
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()
        .map_err(plot_error)?;
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (top, top)], BLACK.mix(0.4)))
        .map_err(plot_error)?
        .label(lang.pick("perfect calibration", "perfecte kalibratie"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], BLACK.mix(0.4)));
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            COLORS[0].stroke_width(2),
        ))
        .map_err(plot_error)?
        .label(lang.pick("validation bins", "validatieklassen"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], COLORS[0].stroke_width(2)));
    chart
        .draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, 4, COLORS[0].filled())),
        )
        .map_err(plot_error)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(plot_error)?;
    Ok(())
}

/// Grouped bars per category (education level or age band): the shares of gross,
/// comparable, finds work and keeps work.
fn draw_breakdown(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    t: &Table,
    style: &Style,
) -> Result<()> {
    // Columns of a breakdown table: label, gross, comparable, had work, finds, keeps.
    let series = [1usize, 2, 4, 5];
    let rows: Vec<usize> = t.partition.clone();
    let n = rows.len().max(1);
    let ymax = rows
        .iter()
        .flat_map(|&r| series.iter().filter_map(move |&k| share_at(t, r, k)))
        .fold(0.0f64, f64::max)
        .max(0.01)
        * 1.15;
    let mut chart = ChartBuilder::on(root)
        .caption(&t.title, ("sans-serif", 14))
        .margin(12)
        .x_label_area_size((LABEL_LINE * 3 + 16) as u32)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
        .map_err(plot_error)?;
    let fmt = percent_axis(style, ymax);
    let mut mesh = chart.configure_mesh();
    quiet_mesh(&mut mesh);
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_desc(style.lang.pick("share", "aandeel"))
        .y_label_formatter(&fmt)
        .draw()
        .map_err(plot_error)?;
    let group = 0.8 / series.len() as f64;
    for (j, &k) in series.iter().enumerate() {
        let color = COLORS[j];
        let bars: Vec<Rectangle<(f64, f64)>> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, &r)| {
                let y = share_at(t, r, k).filter(|&y| y > 0.0)?;
                let x0 = i as f64 + 0.1 + j as f64 * group;
                Some(Rectangle::new(
                    [(x0, 0.0), (x0 + group * 0.9, y)],
                    color.filled(),
                ))
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(plot_error)?
            .label(t.columns.get(k).map_or("", String::as_str))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(plot_error)?;
    let at = |x: f64| chart.backend_coord(&(x, 0.0));
    let labels: Vec<String> = rows.iter().map(|&r| t.row_label(r)).collect();
    category_labels(root, &labels, at)
}

/// Category names under their groups (group `i` spans `i .. i + 1` on the x axis; `at`
/// gives a point's pixel on the x axis), placed in pixels below the axis and wrapped to
/// the width of a group so that neighbours do not run into each other.
fn category_labels(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    labels: &[String],
    at: impl Fn(f64) -> (i32, i32),
) -> Result<()> {
    let label_style = ("sans-serif", LABEL_SIZE)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let n = labels.len().max(1);
    let ((left, _), (right, _)) = (at(0.0), at(n as f64));
    let group_px = f64::from(right - left) / n as f64 * 0.95;
    for (i, label) in labels.iter().enumerate() {
        let (px, py) = at(i as f64 + 0.5);
        let lines = wrap_label(label, group_px, f64::from(LABEL_SIZE));
        for (k, line) in lines.iter().enumerate() {
            let y = py + 8 + LABEL_LINE * k as i32;
            root.draw(&Text::new(line.as_str(), (px, y), label_style.clone()))
                .map_err(plot_error)?;
        }
    }
    Ok(())
}

/// The banen plot's table: per population its expected banen and, with the bootstrap,
/// the interval's bounds, each resting on the persons behind banen (checked like the
/// counts tables' banen).
pub fn banen_table(populations: &[PopulationEstimate], lang: Lang) -> Table {
    // The run's level: every population's intervals come from the same run.
    let level = populations
        .iter()
        .find_map(|p| p.total.intervals)
        .map_or(ConfidenceLevel::DEFAULT, |i| i.level);
    let [low, high] = lang.interval_ends(level);
    let (low, high) = (low.as_str(), high.as_str());
    let mut t = Table::new(
        lang.pick(
            "Expected banen (25.5 paid hours a week) per population",
            "Verwachte banen (25,5 verloonde uren per week) per populatie",
        ),
        [
            lang.pick("population", "Populatie"),
            lang.pick("banen", "Banen"),
            low,
            high,
        ],
    )
    .with_keys(["population", "banen", "banen_low", "banen_high"]);
    for p in populations {
        let c = &p.total;
        let iv = c.intervals.and_then(|i| i.banen);
        t.push_row([
            Cell::text(p.label.clone()),
            banen_cell(c, c.banen),
            banen_cell(c, iv.map(|i| i.low)),
            banen_cell(c, iv.map(|i| i.high)),
        ]);
    }
    t
}

/// The count in column `k` of row `r`, unless suppressed or not a count.
fn count_at(t: &Table, r: usize, k: usize) -> Option<f64> {
    let cell = t.rows.get(r)?.get(k)?;
    match (cell.status, &cell.value) {
        (Status::Suppressed, _) => None,
        (_, Value::Count(x)) if x.is_finite() => Some(*x),
        _ => None,
    }
}

/// One bar per population (its expected banen) with a whisker from the interval's low to
/// its high bound where the bootstrap gave one.
fn draw_banen(root: &DrawingArea<SVGBackend<'_>, Shift>, t: &Table, style: &Style) -> Result<()> {
    let n = t.rows.len().max(1);
    let ymax = (0..t.rows.len())
        .flat_map(|r| [count_at(t, r, 1), count_at(t, r, 3)])
        .flatten()
        .fold(0.0f64, f64::max)
        .max(1.0)
        * 1.15;
    let mut chart = ChartBuilder::on(root)
        .caption(&t.title, ("sans-serif", 14))
        .margin(12)
        .x_label_area_size((LABEL_LINE * 3 + 16) as u32)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
        .map_err(plot_error)?;
    // Tick positions, not counts of persons: with the decimals their step needs (the
    // report style's rounding to hundreds would print `100, 100, 0`).
    let step = ymax / 10.0;
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 3.0) as usize
    };
    let fmt = |v: &f64| style.numbers.decimal(*v, decimals);
    let mut mesh = chart.configure_mesh();
    quiet_mesh(&mut mesh);
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_desc(style.lang.pick("banen", "banen"))
        .y_label_formatter(&fmt)
        .draw()
        .map_err(plot_error)?;
    let bars = (0..t.rows.len()).filter_map(|r| {
        let y = count_at(t, r, 1).filter(|&y| y > 0.0)?;
        let x0 = r as f64 + 0.25;
        Some(Rectangle::new(
            [(x0, 0.0), (x0 + 0.5, y)],
            COLORS[2].filled(),
        ))
    });
    chart.draw_series(bars).map_err(plot_error)?;
    let whiskers = (0..t.rows.len()).filter_map(|r| {
        let (lo, hi) = (count_at(t, r, 2)?, count_at(t, r, 3)?);
        let x = r as f64 + 0.5;
        Some(PathElement::new(
            vec![(x, lo), (x, hi)],
            BLACK.stroke_width(2),
        ))
    });
    chart.draw_series(whiskers).map_err(plot_error)?;
    let at = |x: f64| chart.backend_coord(&(x, 0.0));
    let labels: Vec<String> = (0..t.rows.len()).map(|r| t.row_label(r)).collect();
    category_labels(root, &labels, at)
}
