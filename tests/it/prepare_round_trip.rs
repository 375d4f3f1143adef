//! `synth -> prepare -> check`: the source tables written for a synthetic population give
//! the same person file back.

use banenafspraak::schema::{
    read_csv_path, write_csv_path, Column, Person, ReadOptions, RegisterBasis,
};
use banenafspraak::synth::source_tables::{contradiction, write_source_tables};
use banenafspraak::synth::SynthParams;

/// The one documented difference: the contract leaves `found_job_within_year` empty for
/// praktijkroute entrants (they enter with a job), the generator fills it.
fn contract_view<'a>(p: &Person<'a>) -> Person<'a> {
    let mut q = p.clone();
    if q.register_basis == Some(RegisterBasis::Praktijkroute) {
        q.found_job_within_year = None;
    }
    q
}

#[test]
fn synth_prepare_check_gives_the_person_file_back() {
    let truth = SynthParams {
        persons: 20_000,
        seed: 5,
        ..SynthParams::default()
    }
    .generate()
    .unwrap()
    // The source tables carry no SPOLIS hours (schema v1.1): the round trip is of v1.
    .with_job_hours_column(false);
    let dir = tempfile::tempdir().unwrap();
    let (files, report) = write_source_tables(&truth, 2019, dir.path(), true).unwrap();
    // Known gap: a few job-keep cohort members whose employee days and months without
    // work the layouts tried do not reach (and no contradiction is shown for them).
    let missed: Vec<_> = report
        .unreproducible
        .iter()
        .map(|(id, cols)| (id.as_str(), cols.clone()))
        .collect();
    assert!(
        missed
            .iter()
            .all(|(_, cols)| *cols == [Column::KeptJobOneYear]),
        "{missed:?}"
    );
    let prepared = files.prepare_params(2019).run().unwrap();
    assert_eq!(prepared.summary.rows_refused(), 0, "{}", prepared.summary);
    let out = dir.path().join("persons.csv");
    write_csv_path(&prepared.population, &out).unwrap();
    let back = read_csv_path(&out, &ReadOptions::default()).unwrap();
    assert_eq!(back.len(), truth.len());
    let (mut same, mut contradictory) = (0u64, 0u64);
    for (a, b) in truth.persons().zip(back.persons()) {
        if contradiction(&a).is_some() || missed.iter().any(|(id, _)| *id == a.person_id) {
            // Columns that no spells can give at once (the generator draws them
            // independently); the person is still written, from the spells laid out.
            contradictory += 1;
            assert_eq!(
                (a.person_id, a.sex, a.age, a.education),
                (b.person_id, b.sex, b.age, b.education)
            );
            continue;
        }
        assert_eq!(contract_view(&a), b);
        same += 1;
    }
    eprintln!(
        "{same} persons back as they were, {contradictory} not: {:?}, {} missed",
        report.contradictory,
        missed.len()
    );
    assert_eq!(
        contradictory,
        report.contradictory.values().sum::<u64>() + missed.len() as u64
    );
    assert!(
        contradictory * 20 < truth.len() as u64,
        "{contradictory} contradictory persons"
    );
    assert!(
        report.secm_spells > truth.len() as u64,
        "{} spells",
        report.secm_spells
    );
}

#[cfg(feature = "parquet")]
#[test]
fn the_parquet_source_tables_give_the_same_person_file_as_the_csv_ones() {
    use banenafspraak::synth::parquet_tables::write_parquet_tables;
    let truth = SynthParams {
        persons: 3_000,
        seed: 7,
        ..SynthParams::default()
    }
    .generate()
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (csv, _) = write_source_tables(&truth, 2019, dir.path(), true).unwrap();
    let parquet = write_parquet_tables(&csv).unwrap();
    assert!(parquet.secm.extension().is_some_and(|e| e == "parquet"));
    let from_csv = csv.prepare_params(2019).run().unwrap();
    let from_parquet = parquet.prepare_params(2019).run().unwrap();
    assert_eq!(
        from_parquet.summary.rows_refused(),
        0,
        "{}",
        from_parquet.summary
    );
    let rows = |s: &banenafspraak::prepare::Summary| {
        s.tables
            .iter()
            .map(|t| (t.table, t.rows_read, t.rows_used))
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&from_parquet.summary), rows(&from_csv.summary));
    assert_eq!(from_parquet.population.len(), truth.len());
    assert_eq!(from_parquet.population, from_csv.population);
}

#[cfg(all(feature = "cli", feature = "parquet"))]
#[test]
fn synth_source_tables_parquet_then_prepare_then_check_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let run = |args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_banenafspraak"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let os = |p: &std::path::Path| p.as_os_str().to_owned();
    let flag = |s: &str| std::ffi::OsString::from(s);
    let synth = [
        flag("synth"),
        flag("--persons"),
        flag("2000"),
        flag("--output"),
        os(&d("truth.csv")),
        flag("--source-tables"),
        os(dir.path()),
        flag("--parquet"),
    ];
    run(&synth.iter().map(|s| s.as_os_str()).collect::<Vec<_>>());
    let mut prepare = vec![flag("prepare")];
    for (opt, table) in [
        ("--persons", "GBAPERSOONTAB"),
        ("--countries", "LANDAKTUEELREF"),
        ("--secm", "SECMBUS"),
        ("--register", "DOELGROEPREGISTER"),
        ("--education", "HOOGSTEOPLTAB"),
        ("--wia", "WIA"),
        ("--jobseekers", "WERKZOEKENDEN"),
        ("--vso", "INSCHRWECTAB"),
    ] {
        prepare.push(flag(opt));
        prepare.push(os(&d(&format!("{table}.parquet"))));
    }
    prepare.extend([flag("--output"), os(&d("persons.csv"))]);
    run(&prepare.iter().map(|s| s.as_os_str()).collect::<Vec<_>>());
    let checked = run(&[
        &flag("check"),
        &flag("--input"),
        d("persons.csv").as_os_str(),
    ]);
    assert!(checked.contains("valid"), "{checked}");
    assert!(
        checked.contains("2000") || checked.contains("2,000"),
        "{checked}"
    );
}
