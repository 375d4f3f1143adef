//! The SVG plots: every plot of a small run parses as XML with an `<svg>` root, has the
//! expected elements, and draws only what disclosure control publishes.
#![cfg(feature = "plots")]

use banenafspraak::estimate::EstimationParams;
use banenafspraak::report::plots::{plot_data, PlotKind};
use banenafspraak::report::{apply, DisclosureMode, DisclosureRules, Lang, Style};
use banenafspraak::synth::SynthParams;

fn rects(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants().filter(|n| n.has_tag_name("rect")).count()
}

/// The plots of a small seeded run, labelled in `lang`.
fn small_run_plots(lang: Lang) -> Vec<banenafspraak::report::plots::PlotData> {
    let pop = SynthParams {
        persons: 20_000,
        seed: 5,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let mut params = EstimationParams::default();
    params.set_min_leaf(200, 20);
    let estimates = params.run(&pop).unwrap();
    plot_data(&estimates, &pop, &params.populations, lang).unwrap()
}

#[test]
fn every_plot_is_valid_svg_with_its_elements() {
    let data = small_run_plots(Lang::Nl);
    // Four score histograms, eight breakdowns, three calibration curves, banen (the
    // synthetic file has job_hours_per_week).
    assert_eq!(data.len(), 16);
    let style = Style::report(Lang::Nl);
    for d in &data {
        let svg = d.render(&style).unwrap();
        let doc = roxmltree::Document::parse(&svg.content).expect("well-formed SVG");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{}", d.name);
        assert_eq!(root.attribute("width"), Some("760"));
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(str::trim)
            .collect();
        assert!(texts.contains(&d.table.title.as_str()), "{}: title", d.name);
        match d.kind {
            PlotKind::Scores => {
                assert!(texts.contains(&"register (aandeel)"), "{texts:?}");
                assert!(rects(&svg.content) > 3);
            }
            PlotKind::Breakdown => {
                for label in [
                    "Bruto aantal",
                    "Vergelijkbaar",
                    "Vindt werk",
                    "Behoudt werk",
                ] {
                    assert!(texts.contains(&label), "{}: {label} in {texts:?}", d.name);
                }
                if d.name.ends_with("_age") {
                    assert!(texts.contains(&"50 jaar of ouder"), "{texts:?}");
                }
            }
            // Checked in tests/it/banen_plot.rs.
            PlotKind::Banen => assert!(rects(&svg.content) > 1),
            PlotKind::Calibration => {
                let circles = doc
                    .descendants()
                    .filter(|n| n.has_tag_name("circle"))
                    .count();
                assert_eq!(circles, d.table.rows.len(), "{}", d.name);
                assert!(texts.contains(&"perfecte kalibratie"));
            }
        }
    }
    // Suppressed bins are not drawn.
    let scores = data.iter().find(|d| d.kind == PlotKind::Scores).unwrap();
    let before = rects(&scores.render(&style).unwrap().content);
    let mut checked = scores.clone();
    let rules = DisclosureRules {
        min_persons: 50,
        ..DisclosureRules::default()
    };
    let check = apply(
        &mut checked.table,
        DisclosureMode::Strict,
        &rules,
        Some(100),
    );
    let gone = check
        .findings
        .iter()
        .filter(|f| matches!(f.column, Some(2 | 4)))
        .count();
    assert!(gone > 0);
    let drawn = |d: &banenafspraak::report::plots::PlotData| {
        (0..d.table.rows.len())
            .flat_map(|r| [2, 4].map(|k| (r, k)))
            .filter(|&(r, k)| {
                d.table.rows[r][k].status != banenafspraak::report::Status::Suppressed
                    && matches!(d.table.rows[r][k].value, banenafspraak::report::Value::Share(x) if x > 0.0)
            })
            .count()
    };
    let after = rects(&checked.render(&style).unwrap().content);
    assert_eq!(before - after, drawn(scores) - drawn(&checked));
}

/// The `<text>` elements of an SVG with their anchor position and font size.
fn placed_texts(svg: &str) -> Vec<(String, f64, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let num = |a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
            let size = n
                .attribute("font-size")
                .and_then(|v| v.trim_end_matches("px").parse().ok())
                .unwrap_or(12.0);
            Some((n.text()?.trim().to_owned(), num("x")?, num("y")?, size))
        })
        .collect()
}

/// Every plot of a run, plus a score plot whose shares are squeezed into 0-2%.
fn plots_with_a_narrow_range() -> Vec<banenafspraak::report::plots::PlotData> {
    let mut data = small_run_plots(Lang::En);
    let mut narrow = data[0].clone();
    for row in &mut narrow.table.rows {
        for cell in row.iter_mut() {
            if let banenafspraak::report::Value::Share(x) = &mut cell.value {
                *x *= 0.02;
            }
        }
    }
    narrow.name.push_str("_narrow");
    data.push(narrow);
    data
}

#[test]
fn axis_tick_labels_never_repeat_on_an_axis() {
    let style = Style::report(Lang::En);
    for d in plots_with_a_narrow_range() {
        let svg = d.render(&style).unwrap();
        let ticks: Vec<_> = placed_texts(&svg.content)
            .into_iter()
            .filter(|(t, ..)| t.ends_with('%') && t.len() <= 7)
            .collect();
        // Labels of the y axis share their x, labels of the x axis share their y.
        for axis in [0usize, 1] {
            let mut groups: std::collections::BTreeMap<i64, Vec<&str>> = Default::default();
            for (t, x, y, _) in &ticks {
                let key = if axis == 0 { *x } else { *y };
                groups.entry(key.round() as i64).or_default().push(t);
            }
            for labels in groups.values().filter(|l| l.len() > 2) {
                let mut seen = std::collections::HashSet::new();
                for l in labels {
                    assert!(
                        seen.insert(*l),
                        "{}: tick {l} repeats in {labels:?}",
                        d.name
                    );
                }
            }
        }
    }
}

#[test]
fn category_labels_under_the_bars_do_not_overlap() {
    let style = Style::report(Lang::Nl);
    let mut checked = 0;
    for d in plots_with_a_narrow_range()
        .into_iter()
        .filter(|d| d.kind == PlotKind::Breakdown)
    {
        let svg = d.render(&style).unwrap();
        // Lines of the category labels: centred text below the plotting area, in rows.
        let texts = placed_texts(&svg.content);
        let mut rows: std::collections::BTreeMap<i64, Vec<(f64, f64)>> = Default::default();
        for (t, x, y, size) in &texts {
            if *y > 360.0 {
                // Centred: a box of half its estimated width (0.65 em a glyph) each side.
                let half = t.chars().count() as f64 * size * 0.65 / 2.0;
                rows.entry(y.round() as i64)
                    .or_default()
                    .push((x - half, x + half));
            }
        }
        for boxes in rows.values_mut() {
            boxes.sort_by(|a, b| a.0.total_cmp(&b.0));
            for pair in boxes.windows(2) {
                assert!(
                    pair[0].1 <= pair[1].0,
                    "{}: labels overlap: {pair:?}",
                    d.name
                );
            }
            checked += boxes.len();
        }
    }
    assert!(checked >= 32, "category label lines found: {checked}");
}

#[test]
fn the_grid_has_no_minor_lines() {
    let style = Style::report(Lang::En);
    let d = &plots_with_a_narrow_range()[0];
    let svg = d.render(&style).unwrap();
    let doc = roxmltree::Document::parse(&svg.content).unwrap();
    // plotters draws grid lines and tick marks as <line>s: about ten major lines and
    // their ticks per axis; a minor grid adds four lines between each pair (over 100).
    let lines = doc.descendants().filter(|n| n.has_tag_name("line")).count();
    assert!(lines <= 60, "{}: {lines} grid lines", d.name);
}
