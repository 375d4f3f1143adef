//! The calibrated synthetic population: valid, deterministic whatever the threads, its
//! composition as calibrated, and honest: the estimates come from models fitted on it
//! (each seed's estimate follows its own population; a perturbed generator moves them the
//! way the report's tree says). That the estimation code never reads the published
//! figures is enforced by the compiler: `synth` is a cargo feature and `.ci/run` builds
//! the library without it.

use banenafspraak::estimate::{EstimationParams, PopulationEstimate, ScoredPopulation};
use banenafspraak::schema::Population;
use banenafspraak::synth::published::{self, POPULATIONS};
use banenafspraak::synth::report_trees::b3_1;
use banenafspraak::synth::{Calibration, Group, SynthParams, FULL_SCALE};

const MODERATE: usize = 1_500_000;

fn generate(persons: usize, seed: u64) -> Population {
    SynthParams {
        persons,
        seed,
        ..SynthParams::default()
    }
    .generate()
    .unwrap()
}

fn estimate(pop: &Population, seed: u64) -> Vec<PopulationEstimate> {
    let mut params = EstimationParams::default();
    params.design.seed = seed;
    // Point estimates only: the bootstrap intervals (the default) are not checked here.
    params.intervals = banenafspraak::estimate::Intervals::None;
    params.run(pop).unwrap().populations
}

#[test]
fn every_person_is_valid_and_the_result_does_not_depend_on_threads() {
    let params = SynthParams {
        persons: 200_000,
        seed: 5,
        ..SynthParams::default()
    };
    let pop = params.generate().unwrap();
    assert_eq!(pop.len(), 200_000);
    for p in pop.persons() {
        assert!(p.check(2019).is_empty(), "{p:?}: {:?}", p.check(2019));
    }
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| params.generate().unwrap());
    assert!(one_thread == pop, "one thread gave another population");
}

#[test]
fn the_composition_is_as_calibrated() {
    let pop = generate(MODERATE, 8);
    let scale = MODERATE as f64 / FULL_SCALE;
    let cal = Calibration::report();
    // Register size and correction factor (report: ~300,000 and 2.9).
    let register = pop.in_register().iter().filter(|&&r| r).count() as f64;
    let trained = pop
        .register_basis()
        .iter()
        .filter(|b| b.is_some_and(|b| !b.is_old_group()))
        .count() as f64;
    let want = published::REGISTER_SIZE * scale;
    assert!(
        (register - want).abs() < 0.03 * want,
        "{register} vs {want}"
    );
    assert!(
        (register / trained - 2.9).abs() < 0.1,
        "{}",
        register / trained
    );
    // Each population's persons and comparable count under the report's own tree.
    let defs = ScoredPopulation::report_populations();
    for (def, published) in defs.iter().zip(POPULATIONS) {
        let (mut n, mut c) = (0.0, 0.0);
        for p in pop.persons().filter(|p| def.contains(p)) {
            n += 1.0;
            c += 2.9 * b3_1(&p);
        }
        let (n_want, c_want) = (
            published.total.persons * scale,
            published.total.comparable * scale,
        );
        assert!(
            (n - n_want).abs() < 0.03 * n_want,
            "{}: {n} vs {n_want}",
            def.name
        );
        assert!(
            (c - c_want).abs() < 0.08 * c_want,
            "{}: {c} vs {c_want}",
            def.name
        );
    }
    // The job cohorts: about 10,000 entrants and 22,000 starters at full scale.
    let entrants = pop
        .persons()
        .filter(|p| banenafspraak::model::design::job_find_outcome(p).is_some())
        .count() as f64;
    let starters = pop
        .kept_job_one_year()
        .iter()
        .filter(|k| k.is_some())
        .count() as f64;
    assert!((entrants / scale - 10_000.0).abs() < 1_000.0, "{entrants}");
    assert!((starters / scale - 22_000.0).abs() < 1_500.0, "{starters}");
    // The calibration meets its sub-group and register targets in expectation within 5%;
    // the distribution targets, traded off where they conflict, within 25% or 50 persons.
    for f in &cal.fit {
        let dev = (f.calibrated - f.wanted).abs();
        let strict = f.target.contains("subgroup") || f.population == "register";
        let ok = if strict {
            dev < 0.05 * f.wanted
        } else {
            dev < 0.25 * f.wanted || dev < 50.0
        };
        assert!(ok, "{} {}: {f:?}", f.population, f.target);
    }
}

/// The comparable count of a population under the report's own tree and factor (the
/// synthetic population's mechanism): what a fitted model should recover.
fn under_b3_1(pop: &Population, def: &ScoredPopulation) -> f64 {
    pop.persons()
        .filter(|p| def.contains(p))
        .map(|p| (2.9 * b3_1(&p)).min(1.0))
        .sum()
}

#[test]
fn another_seed_gives_different_but_close_estimates() {
    // Each seed's estimate follows its own population (within 8% of what B3.1 gives on
    // it), and the two seeds' estimates are within 15% of each other: different data,
    // the same mechanism.
    let defs = ScoredPopulation::report_populations();
    let mut by_seed = Vec::new();
    for seed in [1, 2] {
        let pop = generate(MODERATE, seed);
        let e = estimate(&pop, seed);
        for (def, est) in defs.iter().zip(&e) {
            let want = under_b3_1(&pop, def);
            let rel = (est.total.comparable - want) / want;
            eprintln!(
                "seed {seed} {}: estimate {:.0}, under B3.1 {want:.0} ({:+.1}%)",
                def.name,
                est.total.comparable,
                100.0 * rel
            );
            assert!(
                rel.abs() < 0.08,
                "seed {seed} {}: {:+.1}%",
                def.name,
                100.0 * rel
            );
        }
        by_seed.push(e);
    }
    for (x, y) in by_seed[0].iter().zip(&by_seed[1]) {
        let rel = (x.total.comparable - y.total.comparable).abs() / x.total.comparable;
        assert!(
            rel < 0.15,
            "{}: {} vs {}",
            x.name,
            x.total.comparable,
            y.total.comparable
        );
    }
}

#[test]
fn more_bijstand_recipients_in_a_high_probability_leaf_raise_their_estimate() {
    // Twenty times as many bijstand recipients with a spell without income (B3.1 leaf
    // 15111, 30.2%; calibrated at 0.5% of recipients, now about 9%), keeping the
    // population's size: B3.1 itself gives about 20% more comparable recipients on the
    // moved population, and the fitted models must see at least half of that rise and no
    // more than 1.5 times it (a depth-5 tree fitted greedily mixes the leaf with its
    // neighbours, which dilutes the rise; measured with this seed: +14.3% against +20.5%).
    let mut cal = Calibration::report().clone();
    cal.shift(
        Group::Bijstand,
        "up to 700 days, a spell without income",
        20.0,
    );
    let params = SynthParams {
        persons: MODERATE,
        seed: 3,
        ..SynthParams::default()
    };
    let (pop0, pop1) = (
        params.generate().unwrap(),
        params.generate_with(&cal).unwrap(),
    );
    let base = estimate(&pop0, 3);
    let moved = estimate(&pop1, 3);
    let (b0, b1) = (&base[2], &moved[2]);
    assert_eq!(b0.name, "bijstand");
    let persons = (b1.total.persons as f64 - b0.total.persons as f64).abs();
    assert!(persons < 0.03 * b0.total.persons as f64);
    let bijstand = ScoredPopulation::bijstand();
    let want = under_b3_1(&pop1, &bijstand) / under_b3_1(&pop0, &bijstand) - 1.0;
    let got = b1.total.comparable / b0.total.comparable - 1.0;
    eprintln!(
        "bijstand comparable {:.0} -> {:.0}: {:+.1}% (under B3.1 {:+.1}%)",
        b0.total.comparable,
        b1.total.comparable,
        100.0 * got,
        100.0 * want
    );
    assert!(want > 0.05, "the shift should raise B3.1's count: {want}");
    assert!(
        (0.5 * want..=1.5 * want).contains(&got),
        "fitted rise {:+.1}%, B3.1's {:+.1}%",
        100.0 * got,
        100.0 * want
    );
    // The other populations barely move.
    let ww = (moved[0].total.comparable - base[0].total.comparable).abs();
    assert!(ww < 0.15 * base[0].total.comparable);
}

#[test]
fn keepers_hours_have_the_published_bands_and_no_one_else_has_hours() {
    // About 3,000 keepers: the band shares to within a point or so.
    let pop = generate(4_000_000, 2019);
    let hours = pop.job_hours_per_week().expect("synth writes schema v1.1");
    let kept = pop.kept_job_one_year();
    let keepers: Vec<f64> = (0..pop.len())
        .filter(|&i| kept[i] == Some(true))
        .map(|i| f64::from(hours[i]))
        .collect();
    assert!((0..pop.len()).all(|i| (kept[i] == Some(true)) == (hours[i] > 0.0)));
    assert!(keepers.len() > 2500, "{} keepers", keepers.len());
    eprintln!("{} keepers", keepers.len());
    let share = |lo: f64, hi: f64| {
        keepers.iter().filter(|&&h| lo <= h && h < hi).count() as f64 / keepers.len() as f64
    };
    // Lines 1894-1901 of report.txt; 77% at least 20 hours (lines 1848, 3206-3208).
    let bands = [
        share(0.0, 12.0),
        share(12.0, 20.0),
        share(20.0, 36.0),
        share(36.0, 81.0),
    ];
    for (got, want) in bands.iter().zip([0.11, 0.12, 0.47, 0.30]) {
        assert!((got - want).abs() < 0.03, "bands {bands:?}");
    }
    assert!((share(20.0, 81.0) - 0.77).abs() < 0.025, "bands {bands:?}");
    // The register's average availability of 32.5 hours (line 2012) bounds the mean.
    let mean = keepers.iter().sum::<f64>() / keepers.len() as f64;
    eprintln!("bands {bands:?}, mean {mean:.2}");
    assert!((25.0..32.5).contains(&mean), "mean {mean}");
    // Restricted keepers (disability >= 35%) work fewer hours: the hours model can learn it.
    let disability = pop.disability_pct();
    let mean_of = |restricted: bool| {
        let v: Vec<f64> = (0..pop.len())
            .filter(|&i| kept[i] == Some(true) && (disability[i] >= 35) == restricted)
            .map(|i| f64::from(hours[i]))
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    assert!(
        mean_of(true) + 3.0 < mean_of(false),
        "{} {}",
        mean_of(true),
        mean_of(false)
    );
}
