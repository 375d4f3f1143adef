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

#[test]
fn every_plot_is_valid_svg_with_its_elements() {
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
    let data = plot_data(&estimates, &pop, &params.populations, Lang::Nl).unwrap();
    // Four score histograms, eight breakdowns, three calibration curves.
    assert_eq!(data.len(), 15);
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
