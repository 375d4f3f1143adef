//! The code cells of `examples/notebook.ipynb`, in order, as one program, so that the
//! notebook cannot go stale: `cargo test` runs it (the test `the_notebook_runs`) and checks
//! that the notebook's code cells are exactly the blocks below (`the_cells_are_this_code`).
//! A cell's last expression, which the notebook displays, is `show(..)` here.
//!
//! ```text
//! cargo run --release --example notebook
//! ```

use std::fmt::Display;

/// What the notebook displays under a cell: its value as text (HTML in Jupyter).
fn show(value: impl Display) {
    println!("{value}");
}

/// The notebook, cell by cell. Each `// cell` starts the code of one code cell after the
/// `:dep` cell. Returns what the last cell prints, which the README quotes.
fn notebook() -> banenafspraak::Result<String> {
    // cell
    use banenafspraak::estimate::*;
    use banenafspraak::report::*;
    use banenafspraak::schema::Population;
    use banenafspraak::synth::SynthParams;

    // cell
    let pop: Population = SynthParams::full_scale(2019).generate()?;
    show(pop.len());

    // cell
    let ww: ScoredPopulation = ScoredPopulation::ww();
    show(ww.members(&pop).len());

    // cell
    let params: EstimationParams = EstimationParams {
        populations: vec![ww],
        ..EstimationParams::default()
    };
    let estimates: Estimates = params.run(&pop)?;
    show(estimates.fitted.correction.factor);

    // cell
    show(estimates.fitted.comparability.clone());

    // cell
    let ww_estimate: PopulationEstimate = estimates.populations[0].clone();
    show(counts_table(&ww_estimate, Lang::En));

    // cell
    let dutch: Report = Report::from_population(&ww_estimate, Style::report(Lang::Nl));
    show(dutch);

    // cell
    let mut export: Report = Report::from_population(&ww_estimate, Style::report(Lang::Nl));
    let mut check: CheckReport = CheckReport::new(
        DisclosureMode::Strict,
        DisclosureRules::default(),
        Some(100),
    );
    check.apply_to(&mut export);
    check.scan(&[export.scan_input("ww.md")], pop.person_ids().iter());
    show(check);

    // cell
    let data: Vec<plots::PlotData> =
        plots::plot_data(&estimates, &pop, &params.populations, Lang::Nl)?;
    show(data[0].render(&Style::report(Lang::Nl))?);

    // cell
    let text: String = counts_table(&ww_estimate, Lang::Nl).to_text(&Style::report(Lang::Nl));
    println!("{text}");
    Ok(text)
}

fn main() -> banenafspraak::Result<()> {
    notebook().map(drop)
}

#[cfg(test)]
mod tests {
    /// The `:dep` line the notebook starts with.
    const DEP: &str = r#":dep banenafspraak = { path = "..", default-features = false, features = ["plots", "synth"] }"#;

    /// The code cells of the notebook, each as its lines.
    fn notebook_cells() -> Vec<Vec<String>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/notebook.ipynb");
        let text = std::fs::read_to_string(path).expect("examples/notebook.ipynb");
        let nb: serde_json::Value = serde_json::from_str(&text).expect("the notebook is JSON");
        let cells = nb["cells"].as_array().expect("cells");
        cells
            .iter()
            .filter(|c| c["cell_type"] == "code")
            .map(|c| {
                let source: String = match &c["source"] {
                    serde_json::Value::Array(lines) => {
                        lines.iter().filter_map(|l| l.as_str()).collect()
                    }
                    other => other.as_str().unwrap_or_default().to_owned(),
                };
                source.lines().map(str::to_owned).collect()
            })
            .collect()
    }

    /// The blocks of `notebook()` above, with `show(X);` written back as the cell's `X`.
    fn program_cells() -> Vec<Vec<String>> {
        let text = include_str!("notebook.rs");
        let body = text
            .split("fn notebook() -> banenafspraak::Result<String> {\n")
            .nth(1)
            .and_then(|rest| rest.split("\n    Ok(text)\n}").next())
            .expect("the body of notebook()");
        body.split("    // cell\n")
            .skip(1)
            .map(|block| {
                let mut lines: Vec<String> = block
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned())
                    .collect();
                if let Some(last) = lines.pop() {
                    let shown = last
                        .strip_prefix("show(")
                        .and_then(|l| l.strip_suffix(");"));
                    let value = match shown {
                        Some(expr) => expr.to_owned(),
                        None => last.strip_suffix(';').unwrap_or(&last).to_owned(),
                    };
                    lines.push(value);
                }
                lines
            })
            .collect()
    }

    #[test]
    fn the_cells_are_this_code() {
        let notebook = notebook_cells();
        assert_eq!(notebook.first().map(|c| c.join("\n")), Some(DEP.to_owned()));
        let program = program_cells();
        assert_eq!(notebook.len() - 1, program.len(), "code cells after :dep");
        for (i, (cell, block)) in notebook[1..].iter().zip(&program).enumerate() {
            assert_eq!(
                cell,
                block,
                "code cell {} differs from examples/notebook.rs",
                i + 2
            );
        }
    }

    /// The text block of the README's notebook section that follows `marker`.
    fn readme_block(marker: &str) -> String {
        let readme = include_str!("../README.md");
        let after = readme
            .split(marker)
            .nth(1)
            .expect("the marker in the README");
        let block = after
            .split("```text\n")
            .nth(1)
            .expect("a text block after it");
        block.split("```").next().unwrap_or_default().to_owned()
    }

    #[test]
    fn the_notebook_runs_and_the_readme_quotes_its_last_cell() {
        let printed = super::notebook().expect("every cell of the notebook runs");
        let quoted = readme_block("The WW cell of the executed notebook");
        assert_eq!(
            quoted.trim_end(),
            printed.trim_end(),
            "README's quote of the last cell"
        );
    }
}
