//! SVG plots of the register monitor (feature `plots`): banen over time against the
//! baseline and the target, retention curves by basis, and the cohort's months-worked
//! bars by basis. Drawn from the monitor's checked tables, so a suppressed cell is not
//! drawn; plot files are [`Svg`]s like the estimate's.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::format::Style;
use super::monitor::MonitorTable;
use super::plots::Svg;
use super::table::{Status, Table, Value};
use crate::error::{Error, Result};
use crate::monitor::MonitorParams;

const SIZE: (u32, u32) = (800, 480);
/// The cohort bars need room for nine group labels.
const WIDE: (u32, u32) = (1150, 480);

fn plot_error(e: impl std::fmt::Display) -> Error {
    Error::io("plot", std::io::Error::other(e.to_string()))
}

/// The number of a published cell (`None`: suppressed, empty or text).
fn number(t: &Table, r: usize, k: usize) -> Option<f64> {
    let c = t.rows.get(r)?.get(k)?;
    if c.status == Status::Suppressed {
        return None;
    }
    match c.value {
        Value::Count(x) | Value::Share(x) => Some(x),
        _ => None,
    }
}

fn color(k: usize) -> RGBColor {
    const C: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
    ];
    C[k % C.len()]
}

fn svg(
    name: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<Svg> {
    let mut content = String::new();
    {
        let root = SVGBackend::with_string(&mut content, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg {
        name: name.into(),
        content,
    })
}

/// The three plots, from the checked tables (those present).
pub fn plots(tables: &[MonitorTable], params: &MonitorParams, style: &Style) -> Result<Vec<Svg>> {
    let find = |m: &str| tables.iter().find(|t| t.measure == m);
    let mut out = Vec::new();
    if let Some(t) = find("banen") {
        out.push(svg("monitor_banen", SIZE, |root| {
            draw_banen(root, t, params, style)
        })?);
    }
    if let Some(t) = find("job_retention") {
        out.push(svg("monitor_retention", SIZE, |root| {
            draw_retention(root, t, style)
        })?);
    }
    if let Some(t) = find("months_worked_36") {
        out.push(svg("monitor_cohort", WIDE, |root| {
            draw_cohort(root, t, style)
        })?);
    }
    Ok(out)
}

fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    pos: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(plot_error)
}

/// Total banen per month, with the baseline and baseline + target as lines.
fn draw_banen(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    mt: &MonitorTable,
    p: &MonitorParams,
    style: &Style,
) -> Result<()> {
    let t = &mt.table;
    let lang = style.lang;
    let points: Vec<(f64, f64)> = (0..t.rows.len())
        .filter_map(|r| Some((r as f64, number(t, r, 1)?)))
        .collect();
    let n = t.rows.len().max(2) as f64;
    let top = points
        .iter()
        .map(|p| p.1)
        .fold(p.baseline + p.target, f64::max)
        * 1.08;
    let mut chart = ChartBuilder::on(root)
        .caption(
            lang.pick(
                "Banen of register members",
                "Banen van personen in het register",
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .margin_right(36)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..n - 1.0, 0f64..top)
        .map_err(plot_error)?;
    let periods = mt.periods.clone();
    chart
        .configure_mesh()
        .x_labels(8)
        .x_label_formatter(&|x| periods.get(x.round() as usize).cloned().unwrap_or_default())
        .y_label_formatter(&|y| style.numbers.integer(*y as i64))
        .y_desc(lang.pick("banen", "banen"))
        .draw()
        .map_err(plot_error)?;
    chart
        .draw_series(LineSeries::new(points, color(0).stroke_width(2)))
        .map_err(plot_error)?
        .label(lang.pick("banen (total)", "banen (totaal)"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], color(0).stroke_width(2)));
    for (k, (y, label)) in [
        (
            p.baseline,
            lang.pick("baseline (end 2012)", "nulmeting (eind 2012)"),
        ),
        (
            p.baseline + p.target,
            lang.pick("baseline + target", "nulmeting + doel"),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let c = color(3 + k);
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, y), (n - 1.0, y)],
                8,
                5,
                c.stroke_width(2),
            ))
            .map_err(plot_error)?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], c.stroke_width(2)));
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// One retention curve per group: 100% at 0 months, then the table's durations.
fn draw_retention(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    mt: &MonitorTable,
    style: &Style,
) -> Result<()> {
    let t = &mt.table;
    let lang = style.lang;
    let durations: Vec<f64> = mt
        .periods
        .iter()
        .map(|p| p.parse().unwrap_or(0.0))
        .collect();
    let max_d = durations.last().copied().unwrap_or(24.0);
    let mut chart = ChartBuilder::on(root)
        .caption(
            lang.pick("Job retention (Kaplan-Meier)", "Baanbehoud (Kaplan-Meier)"),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..max_d, 0f64..1.05)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc(lang.pick(
            "months since the job started",
            "maanden sinds de start van de baan",
        ))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_desc(lang.pick(
            "share of job spells lasting",
            "aandeel baanperiodes dat duurt",
        ))
        .y_label_formatter(&|v| style.numbers.percent(*v, 0))
        .draw()
        .map_err(plot_error)?;
    for k in 1..t.columns.len() {
        let pts: Vec<(f64, f64)> = std::iter::once((0.0, 1.0))
            .chain(
                durations
                    .iter()
                    .enumerate()
                    .filter_map(|(r, &d)| Some((d, number(t, r, k)?))),
            )
            .collect();
        if pts.len() < 2 {
            continue;
        }
        // The total in black and thick, the groups in colours.
        let c = if k == 1 { BLACK } else { color(k - 2) };
        chart
            .draw_series(LineSeries::new(
                pts.clone(),
                c.stroke_width(if k == 1 { 3 } else { 1 }),
            ))
            .map_err(plot_error)?
            .label(t.columns[k].clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], c.stroke_width(2)));
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))
            .map_err(plot_error)?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft)
}

/// Bars of the months-worked bins side by side for each group.
fn draw_cohort(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    mt: &MonitorTable,
    style: &Style,
) -> Result<()> {
    let t = &mt.table;
    let lang = style.lang;
    let groups = t.columns.len().saturating_sub(1).max(1);
    let bins = mt.periods.len();
    let mut chart = ChartBuilder::on(root)
        .caption(
            lang.pick(
                "Months worked in the cohort window, by basis",
                "Gewerkte maanden in het cohortvenster, naar grondslag",
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..groups as f64, 0f64..1.0)
        .map_err(plot_error)?;
    let labels: Vec<String> = t.columns[1..].to_vec();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups * 2 + 1)
        .x_label_formatter(&|x| {
            let k = x.floor() as usize;
            if (x - k as f64 - 0.5).abs() < 0.26 {
                labels.get(k).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc(lang.pick(
            "share of the group's persons",
            "aandeel van de personen in de groep",
        ))
        .y_label_formatter(&|v| style.numbers.percent(*v, 0))
        .draw()
        .map_err(plot_error)?;
    let w = 0.8 / bins as f64;
    for (b, period) in mt.periods.iter().enumerate() {
        let c = color(b);
        let bars: Vec<Rectangle<(f64, f64)>> = (0..groups)
            .filter_map(|g| {
                let y = number(t, b, g + 1)?;
                let x0 = g as f64 + 0.1 + b as f64 * w;
                Some(Rectangle::new(
                    [(x0, 0.0), (x0 + w * 0.9, y)],
                    c.mix(0.85).filled(),
                ))
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(plot_error)?
            .label(format!("{period} {}", lang.pick("months", "maanden")))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
