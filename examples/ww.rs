//! One population as a tutorial of the API: WW recipients (unemployment insurance) outside the register (report tables
//! 4.1-4.3), estimated on the synthetic population.
//!
//! ```text
//! cargo run --release --example ww
//! ```

use banenafspraak::estimate::{EstimationParams, ScoredPopulation};
use banenafspraak::report::tables::{breakdown_table, counts_table, BreakdownKind};
use banenafspraak::report::Lang;
use banenafspraak::synth::SynthParams;

fn main() -> banenafspraak::Result<()> {
    // 1. Persons: the synthetic Dutch population aged 16-66 (11.4 million; a real run reads
    //    a CBS extract with `schema::read_csv_path` instead).
    let pop = SynthParams::full_scale(2019).generate()?;

    // 2. The method with the report's settings: a sample of 1,000,000 for the
    //    comparability tree, the two job cohorts for the job trees, the register-size
    //    correction factor computed from the data. Only this population is scored.
    let params = EstimationParams {
        populations: vec![ScoredPopulation::ww()],
        ..EstimationParams::default()
    };
    let estimates = params.run(&pop)?;

    // 3. The report's tables: counts by sub-group, then the distributions.
    println!("{}", estimates.fitted.correction.describe());
    let e = &estimates.populations[0];
    println!("{}", counts_table(e, Lang::En));
    println!("{}", breakdown_table(e, BreakdownKind::Education, Lang::En));
    println!("{}", breakdown_table(e, BreakdownKind::Age, Lang::En));
    Ok(())
}
