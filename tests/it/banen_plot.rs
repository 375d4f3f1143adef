//! The banen plot (issue 11): one bar per population with its bootstrap interval, drawn
//! from a checked table like every plot.
#![cfg(feature = "plots")]

use banenafspraak::estimate::{EstimationParams, Intervals};
use banenafspraak::report::plots::{plot_data, PlotKind};
use banenafspraak::report::{apply, DisclosureMode, DisclosureRules, Lang, Style, Value};
use banenafspraak::schema::{Person, Population};
use banenafspraak::synth::SynthParams;

fn run(pop: &Population) -> banenafspraak::estimate::Estimates {
    let mut p = EstimationParams::default();
    p.set_min_leaf(200, 20);
    p.hours_tree.min_leaf = 20;
    p.intervals = Intervals::Bootstrap { replicates: 20 };
    p.run(pop).unwrap()
}

#[test]
fn the_banen_plot_has_a_bar_and_a_whisker_per_population() {
    let pop = SynthParams {
        persons: 40_000,
        seed: 12,
        reference_year: 2019,
    }
    .generate()
    .unwrap();
    let e = run(&pop);
    let params = EstimationParams::default();
    let data = plot_data(&e, &pop, &params.populations, Lang::En).unwrap();
    let banen = data.iter().find(|d| d.kind == PlotKind::Banen).unwrap();
    assert_eq!(banen.table.rows.len(), 4);
    let svg = banen.render(&Style::report(Lang::En)).unwrap().content;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for label in ["WW", "WIA", "Bijstand", "NUG"] {
        assert!(texts.contains(&label), "{label} not labelled: {texts:?}");
    }
    // Tick labels do not repeat (no `100, 100, 0` from rounding counts).
    let ticks: Vec<&&str> = texts.iter().filter(|t| t.parse::<f64>().is_ok()).collect();
    let mut unique = ticks.clone();
    unique.dedup();
    assert!(ticks.len() >= 3 && unique.len() == ticks.len(), "{ticks:?}");
    // Bars in the third colour, one per population with banen above 0; whiskers as lines.
    let bars = svg.matches("fill=\"#2CA02C\"").count();
    let positive = e
        .populations
        .iter()
        .filter(|p| p.total.banen.unwrap() > 0.0)
        .count();
    assert_eq!(bars, positive, "{svg}");
    assert!(svg.matches("<polyline").count() >= positive, "{svg}");
    // Under strict the plotted numbers are the rounded counts.
    let mut t = banen.table.clone();
    apply(
        &mut t,
        DisclosureMode::Strict,
        &DisclosureRules::default(),
        Some(100),
    );
    for row in &t.rows {
        if let Value::Count(x) = row[1].value {
            assert_eq!(x % 100.0, 0.0);
        }
    }
    // Without hours there are no banen to plot.
    let mut without = Population::new();
    for p in pop.persons() {
        without.push(&Person {
            job_hours_per_week: None,
            ..p
        });
    }
    let e = run(&without);
    let data = plot_data(&e, &without, &params.populations, Lang::En).unwrap();
    assert!(data.iter().all(|d| d.kind != PlotKind::Banen));
}
