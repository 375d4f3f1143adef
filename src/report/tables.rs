//! The report's tables built from estimates and fitted models: per population the counts
//! table (report tables 4.1, 5.1, 8.4, 8.11, with the job columns beside them) and the
//! distributions by education level and age band (tables 4.2/4.3 and their twins); per
//! model its training design, validation metrics, calibration and, for trees, the leaves
//! (the layout of tables B3.1-B3.3). Every numeric cell records the persons behind it, for
//! disclosure control.

use super::disclosure::RESIDUAL_DOF;
use super::lang::Lang;
use super::table::{Cell, Table};
use crate::estimate::{
    Breakdown, ConfidenceLevel, Correction, CorrectionFactor, ExpectedCounts, FittedStage,
    HoursValidation, Measure, PopulationEstimate, RESULT_COLUMNS,
};
use crate::model::{
    ClassificationTree, FeatureEncoding, FittedLogistic, FittedModel, NodeKind, RegressionTree,
    Validation,
};

/// Which breakdown of a population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BreakdownKind {
    /// By the report's education levels 1-4 (and unknown, when present).
    Education,
    /// By the report's age bands.
    Age,
}

impl BreakdownKind {
    /// The breakdown of a population estimate.
    pub fn of(self, e: &PopulationEstimate) -> &Breakdown {
        match self {
            BreakdownKind::Education => &e.by_education,
            BreakdownKind::Age => &e.by_age,
        }
    }

    fn key(self) -> &'static str {
        match self {
            BreakdownKind::Education => "education",
            BreakdownKind::Age => "age",
        }
    }
}

/// A count cell resting on the persons behind measure `m`.
fn measure_cell(c: &ExpectedCounts, m: Measure) -> Cell {
    let what = match m {
        Measure::Persons | Measure::Comparable => "persons",
        Measure::HadWork => "employed persons",
        Measure::FindsWork | Measure::KeepsWork => "persons without work",
    };
    let cell = match m {
        Measure::Persons => Cell::persons(c.persons),
        _ => Cell::count(c.get(m)),
    };
    cell.on(what, c.persons_behind(m))
}

/// The banen cell of a group: a count resting on the persons without work (those behind
/// finds and keeps); empty without an hours model.
pub(super) fn banen_cell(c: &ExpectedCounts, value: Option<f64>) -> Cell {
    match (c.banen, value) {
        (Some(_), Some(v)) => Cell::count(v).on("persons without work", c.persons - c.employed),
        _ => Cell::empty(),
    }
}

/// The six number cells of a counts row: persons, comparable, mean probability, had
/// work, finds work, keeps work.
fn count_cells(c: &ExpectedCounts) -> [Cell; 6] {
    [
        measure_cell(c, Measure::Persons),
        measure_cell(c, Measure::Comparable),
        Cell::ratio(c.comparable, c.persons as f64).on("persons", c.persons),
        measure_cell(c, Measure::HadWork),
        measure_cell(c, Measure::FindsWork),
        measure_cell(c, Measure::KeepsWork),
    ]
}

/// The counts table of one population: total and sub-groups (report table 4.1 with the
/// job columns of tables 4.2 and 5.2 beside it).
///
/// ```
/// use banenafspraak::estimate::{Accumulator, PersonScores};
/// use banenafspraak::report::{counts_table, Lang, Style};
/// use banenafspraak::schema::Person;
/// let mut acc = Accumulator::new("ww", "WW", []);
/// for _ in 0..40 {
///     acc.add(&Person::example(), None, PersonScores { comparable: 0.5, find: 0.5, keep: 0.5, hours: None });
/// }
/// let t = counts_table(&acc.finish(), Lang::Nl);
/// assert_eq!(t.columns[1], "Aantal");
/// assert!(t.to_text(&Style::exact(Lang::Nl)).contains("Totaal"));
/// ```
pub fn counts_table(e: &PopulationEstimate, lang: Lang) -> Table {
    let title = match lang {
        Lang::En => format!(
            "{}: population, expected comparable and job outcomes",
            e.label
        ),
        Lang::Nl => format!(
            "{}: aantal, verwachte aantal vergelijkbaar met de personen in het doelgroepregister, en werk",
            e.label
        ),
    };
    let mut t = Table::new(
        title,
        [
            lang.pick("group", "Groep"),
            lang.pick("persons", "Aantal"),
            lang.pick("comparable", "Verwachte aantal vergelijkbaar"),
            lang.pick("mean probability", "Gemiddelde kans"),
            lang.measure(Measure::HadWork),
            lang.measure(Measure::FindsWork),
            lang.measure(Measure::KeepsWork),
        ],
    )
    .with_id(format!("{}_counts", e.name))
    .with_keys([
        "group",
        "persons",
        "comparable",
        "mean_probability",
        "had_work",
        "finds_work",
        "keeps_work",
    ]);
    // Banen (25.5 paid hours a week) only where hours were modelled (schema v1.1).
    let banen = e.total.banen.is_some();
    if banen {
        t.columns.push(lang.pick("banen", "Banen").into());
        t.keys.push("banen".into());
        t.notes.push(
            lang.pick(
                "Banen: expected jobs found and kept, in units of 25.5 paid hours a week (sum of c q k h / 25.5, h the hours model's mean hours).",
                "Banen: verwachte gevonden en behouden banen, in eenheden van 25,5 verloonde uren per week (som van c q k h / 25,5, h de gemiddelde uren van het urenmodel).",
            )
            .to_string(),
        );
    }
    let mut row = |name: &str, c: &ExpectedCounts| {
        let cells = std::iter::once(Cell::text(name)).chain(count_cells(c));
        if banen {
            t.push_row(cells.chain([banen_cell(c, c.banen)]))
        } else {
            t.push_row(cells)
        }
    };
    row(lang.total(), &e.total);
    for g in &e.subgroups {
        row(lang.subgroup(&e.name, &g.name, &g.label), &g.counts);
    }
    t
}

/// The uncertainty of one population's expected counts, total and sub-groups: the 95%
/// intervals of comparable, finds work and keeps work (and of banen, when the bootstrap
/// computed them with an hours model), the analytic leaf-rate standard
/// error of comparable (trees) and the realised-count standard deviation sqrt(sum of
/// c (1 - c)). `None` when no intervals were computed. Interval bounds are counts (rounded
/// and checked like the counts they bound); the two standard deviations are whole numbers.
///
/// ```
/// use banenafspraak::estimate::{Accumulator, CountIntervals, Interval, PersonScores};
/// use banenafspraak::report::{uncertainty_table, Lang, Style};
/// use banenafspraak::schema::Person;
/// let mut acc = Accumulator::new("ww", "WW", []);
/// for _ in 0..40 {
///     acc.add(&Person::example(), None, PersonScores { comparable: 0.5, find: 0.5, keep: 0.5, hours: None });
/// }
/// let mut e = acc.finish();
/// assert!(uncertainty_table(&e, Lang::En).is_none());
/// let i = Interval { low: 15.0, high: 25.0 };
/// e.total.intervals = Some(CountIntervals { comparable: i, finds_work: i, keeps_work: i, ..CountIntervals::default() });
/// let t = uncertainty_table(&e, Lang::En).unwrap();
/// assert!(t.to_text(&Style::exact(Lang::En)).contains("25"));
/// ```
pub fn uncertainty_table(e: &PopulationEstimate, lang: Lang) -> Option<Table> {
    let level = e.total.intervals?.level;
    let pct = level.percent();
    let title = match lang {
        Lang::En => format!("{}: {pct} intervals of the expected counts", e.label),
        Lang::Nl => format!("{}: {pct}-intervallen van de verwachte aantallen", e.label),
    };
    let [low, high] = lang.interval_ends(level);
    let (low, high) = (low.as_str(), high.as_str());
    let mut t = Table::new(
        title,
        [
            lang.pick("group", "Groep"),
            lang.measure(Measure::Comparable),
            low,
            high,
            lang.measure(Measure::FindsWork),
            low,
            high,
            lang.measure(Measure::KeepsWork),
            low,
            high,
            lang.pick("leaf-rate sd", "sd bladkansen"),
            lang.pick("realised sd", "sd realisatie"),
        ],
    )
    .with_id(format!("{}_intervals", e.name))
    .with_keys([
        "group",
        "comparable",
        "comparable_low",
        "comparable_high",
        "finds_work",
        "finds_low",
        "finds_high",
        "keeps_work",
        "keeps_low",
        "keeps_high",
        "leaf_rate_sd",
        "realised_sd",
    ]);
    // Banen (schema v1.1, bootstrap): three more columns.
    let banen = e.total.intervals.and_then(|i| i.banen).is_some();
    if banen {
        t.columns
            .extend([lang.pick("banen", "Banen"), low, high].map(String::from));
        t.keys
            .extend(["banen", "banen_low", "banen_high"].map(String::from));
    }
    let mut row = |name: &str, c: &ExpectedCounts| {
        let bound = |x: f64, m: Measure| Cell {
            value: super::table::Value::Count(x),
            ..measure_cell(c, m)
        };
        let mut cells = vec![Cell::text(name)];
        let i = c.intervals.unwrap_or_default();
        for (m, iv) in [
            (Measure::Comparable, i.comparable),
            (Measure::FindsWork, i.finds_work),
            (Measure::KeepsWork, i.keeps_work),
        ] {
            cells.push(measure_cell(c, m));
            cells.push(bound(iv.low, m));
            cells.push(bound(iv.high, m));
        }
        cells.push(match c.leaf_rate_variance {
            Some(v) => Cell::number(v.comparable.max(0.0).sqrt(), 0).on("persons", c.persons),
            None => Cell::empty(),
        });
        cells.push(Cell::number(c.realised_sd(), 0).on("persons", c.persons));
        if banen {
            // The bounds rest on the persons behind banen, as the count does.
            let iv = i.banen;
            cells.push(banen_cell(c, c.banen));
            cells.push(banen_cell(c, iv.map(|b| b.low)));
            cells.push(banen_cell(c, iv.map(|b| b.high)));
        }
        t.push_row(cells)
    };
    row(lang.total(), &e.total);
    for g in &e.subgroups {
        row(lang.subgroup(&e.name, &g.name, &g.label), &g.counts);
    }
    t.notes.push(format!(
        "{pct} {}",
        lang.pick(
            "low/high: the sampling error of the fitted models (see the intervals above). \
             Leaf-rate sd: the analytic standard error of comparable from the trees' leaf rates, \
             tree shapes held fixed. Realised sd: how much the number of comparable persons itself \
             would vary if each person were comparable by chance with probability c; not an error \
             of the expected count.",
            "onder/boven: de steekproeffout van de geschatte modellen (zie de intervallen \
             hierboven). sd bladkansen: de analytische standaardfout van het aantal vergelijkbaar \
             uit de kansen in de bladeren, bij vaste boomvorm. sd realisatie: hoeveel het aantal \
             vergelijkbare personen zelf zou varieren als ieder met kans c vergelijkbaar is; geen \
             fout van het verwachte aantal.",
        )
    ));
    Some(t)
}

/// A distribution table in the report's layout (tables 4.2, 4.3): the total counts first,
/// then per category the share of each measure (gross, comparable, had work, finds work,
/// keeps work). A category with nobody in it (`unknown` education, usually) is left out.
pub fn breakdown_table(e: &PopulationEstimate, kind: BreakdownKind, lang: Lang) -> Table {
    let b = kind.of(e);
    let title = match (kind, lang) {
        (BreakdownKind::Education, Lang::En) => {
            format!("{}: distribution by education level", e.label)
        }
        (BreakdownKind::Age, Lang::En) => format!("{}: distribution by age band", e.label),
        (BreakdownKind::Education, Lang::Nl) => format!(
            "{}: verdeling naar opleidingsniveau van het aantal vergelijkbaar met doelgroepregister dat werk vindt en behoudt",
            e.label
        ),
        (BreakdownKind::Age, Lang::Nl) => format!(
            "{}: verdeling naar leeftijd van het aantal vergelijkbaar met doelgroepregister dat werk vindt en behoudt",
            e.label
        ),
    };
    let first = match kind {
        BreakdownKind::Education => lang.pick("education level", "Opleidingsniveau"),
        BreakdownKind::Age => lang.pick("age", "Leeftijd"),
    };
    let mut t = Table::new(
        title,
        std::iter::once(first.to_string())
            .chain(Measure::ALL.iter().map(|&m| lang.measure(m).to_string())),
    )
    .with_id(format!("{}_by_{}", e.name, kind.key()))
    .with_keys(
        std::iter::once(kind.key().to_string()).chain(Measure::ALL.iter().map(|m| {
            match m {
                Measure::Persons => "gross",
                Measure::Comparable => "comparable",
                Measure::HadWork => "had_work",
                Measure::FindsWork => "finds_work",
                Measure::KeepsWork => "keeps_work",
            }
            .to_string()
        })),
    );
    t.push_row(
        std::iter::once(Cell::text(lang.total()))
            .chain(Measure::ALL.iter().map(|&m| measure_cell(&e.total, m))),
    );
    for (code, label, c) in &b.cells {
        if c.persons == 0 && code == "unknown" {
            continue;
        }
        let label = match kind {
            BreakdownKind::Education => lang.education(code, label),
            BreakdownKind::Age => lang.age_band(code, label),
        };
        t.partition.push(t.rows.len());
        t.push_row(
            std::iter::once(Cell::text(label.into_owned())).chain(Measure::ALL.iter().map(|&m| {
                let of: f64 = b.cells.iter().map(|(_, _, c)| c.get(m)).sum();
                Cell {
                    basis: measure_cell(c, m).basis,
                    ..Cell::ratio(c.get(m), of)
                }
            })),
        );
    }
    if kind == BreakdownKind::Education {
        t.notes.push(
            lang.pick(
                "Education levels: 1 = primary at most; 2 = vmbo, havo/vwo lower years; 3 = mbo, havo/vwo upper years, praktijkonderwijs; 4 = hbo, wo.",
                "1 = hoogste opleiding basisonderwijs; 2 = havo/vwo onderbouw, vmbo-g/t, vmbo-b/k; 3 = mbo1-4, havo/vwo bovenbouw, praktijkonderwijs; 4 = hbo, wo, associate degree, doctor.",
            )
            .to_string(),
        );
    }
    t
}

/// Results table version 2 (`shared/spec/microdata-schema.md`) as a [`Table`]: one row per
/// population and sub-group, keyed by [`RESULT_COLUMNS`], the same columns in every mode
/// and for every model (interval bounds and banen empty where not computed; the bounds
/// are counts, checked like the counts they bound). Rendered as CSV or as JSON rows it
/// has the `disclosure` column last; under disclosure control its cells are rounded and
/// suppressed like any other.
pub fn results_table(populations: &[PopulationEstimate]) -> Table {
    let mut t = Table::new("results table v2", RESULT_COLUMNS)
        .with_id("results")
        .with_keys(RESULT_COLUMNS);
    for e in populations {
        let mut row = |sub: &str, c: &ExpectedCounts| {
            let mut cells: Vec<Cell> = [Cell::text(e.name.clone()), Cell::text(sub)]
                .into_iter()
                .chain(count_cells(c))
                .collect();
            let bounds = c
                .intervals
                .map(|i| [i.comparable, i.finds_work, i.keeps_work]);
            for (k, m) in [Measure::Comparable, Measure::FindsWork, Measure::KeepsWork]
                .into_iter()
                .enumerate()
            {
                for high in [false, true] {
                    cells.push(match bounds {
                        Some(b) => Cell {
                            value: super::table::Value::Count(if high {
                                b[k].high
                            } else {
                                b[k].low
                            }),
                            ..measure_cell(c, m)
                        },
                        None => Cell::empty(),
                    });
                }
            }
            // banen, banen_low, banen_high: empty without an hours model.
            let bound = |high: bool| {
                c.intervals
                    .and_then(|i| i.banen)
                    .map(|b| if high { b.high } else { b.low })
            };
            cells.extend([
                banen_cell(c, c.banen),
                banen_cell(c, bound(false)),
                banen_cell(c, bound(true)),
            ]);
            t.push_row(cells);
        };
        row("total", &e.total);
        for g in &e.subgroups {
            row(&g.name, &g.counts);
        }
    }
    t
}

/// How a model was trained: eligible persons, positives, training and validation rows.
pub fn training_table(stage: &FittedStage, lang: Lang) -> Table {
    let mut t = Table::new(
        format!(
            "{}: {}",
            stage.name,
            lang.pick("training design", "opzet van de training")
        ),
        [
            lang.pick("training design", "Opzet"),
            lang.pick("persons", "Personen"),
        ],
    )
    .with_id(format!("{}_training", stage.name))
    .with_keys(["item", "persons"]);
    let negatives = stage.eligible.saturating_sub(stage.eligible_positive) as u64;
    for (label, n) in [
        (
            lang.pick("eligible", "in aanmerking"),
            stage.eligible as u64,
        ),
        (
            lang.pick("of whom positive", "waarvan positief"),
            stage.eligible_positive as u64,
        ),
        (lang.pick("of whom negative", "waarvan negatief"), negatives),
        (lang.pick("trained on", "getraind op"), stage.n_train as u64),
        (
            lang.pick("validated on", "gevalideerd op"),
            stage.n_validate as u64,
        ),
    ] {
        t.push_row([Cell::text(label), Cell::persons(n).on("persons", n)]);
    }
    t
}

/// Validation metrics on the held-out part: persons, positives, AUC, Brier score, log
/// loss. A metric rests on the positives and the negatives.
pub fn validation_table(name: &str, v: &Validation, lang: Lang) -> Table {
    let (pos, neg) = (v.positives as u64, (v.n - v.positives) as u64);
    let metric = |value: f64, decimals: usize| {
        Cell::number(value, decimals)
            .on("positives", pos)
            .on("negatives", neg)
    };
    Table::new(
        format!(
            "{name}: {}",
            lang.pick(
                "validation on the held-out part",
                "validatie op het achtergehouden deel"
            )
        ),
        [lang.pick("metric", "Maat"), lang.pick("value", "Waarde")],
    )
    .with_id(format!("{name}_validation"))
    .with_keys(["metric", "value"])
    .with_row([
        Cell::text(lang.pick("persons", "personen")),
        Cell::persons(v.n as u64).on("persons", v.n as u64),
    ])
    .with_row([
        Cell::text(lang.pick("positives", "positief")),
        Cell::persons(pos).on("positives", pos),
    ])
    .with_row([Cell::text("AUC"), metric(v.auc, 4)])
    .with_row([Cell::text("Brier"), metric(v.brier, 5)])
    .with_row([Cell::text("log loss"), metric(v.log_loss, 5)])
}

/// The calibration table: per decile of the predictions, the persons in it, the mean
/// predicted probability and the observed rate. The bins' smallest and largest
/// predictions are left out: they are one person's value each.
pub fn calibration_table(name: &str, v: &Validation, lang: Lang) -> Table {
    let mut t = Table::new(
        format!("{name}: {}", lang.pick("calibration", "kalibratie")),
        [
            lang.pick("bin", "Klasse"),
            lang.pick("persons", "Personen"),
            lang.pick("mean predicted", "Gemiddelde voorspelling"),
            lang.pick("observed", "Waargenomen"),
        ],
    )
    .with_id(format!("{name}_calibration"))
    .with_keys(["bin", "persons", "mean_predicted", "observed"]);
    for (i, b) in v.calibration.iter().enumerate() {
        let n = b.n as u64;
        let pos = (b.observed_rate * b.n as f64).round() as u64;
        t.push_row([
            // A number, not a label: a bin's number is not an id.
            Cell::number((i + 1) as f64, 0),
            Cell::persons(n).on("persons", n),
            Cell::share(b.mean_predicted).on("persons", n),
            Cell {
                ratio: Some((pos as f64, n as f64)),
                ..Cell::share(b.observed_rate)
            }
            .on("persons", n)
            .on("positives", pos)
            .on("negatives", n - pos),
        ]);
    }
    t
}

/// A tree in the layout of report table B3.1: one row per node below the root, indented
/// two spaces per level, with the condition that leads to it; leaves add their training
/// persons, probability and the Wilson interval of that rate at `level` (see
/// [`wilson`](crate::estimate::level::wilson)). A leaf's cells rest on its persons,
/// positives and non-positives (unknown for hand-built trees without counts, which have
/// no interval).
pub fn tree_table(
    name: &str,
    tree: &ClassificationTree,
    level: ConfidenceLevel,
    lang: Lang,
) -> Table {
    let pct = level.percent();
    let [low, high] = lang.interval_ends(level);
    let mut t = Table::new(
        format!("{name}: {}", lang.pick("classification tree", "beslisboom")),
        [
            lang.pick("condition", "Conditie").to_string(),
            lang.pick("persons", "Personen").to_string(),
            lang.pick("probability", "Kans").to_string(),
            low,
            high,
        ],
    )
    .with_id(format!("{name}_tree"))
    .with_keys([
        "condition",
        "persons",
        "probability",
        "probability_low",
        "probability_high",
    ]);
    t.notes.push(format!(
        "{pct} {}",
        lang.pick(
            "low/high: the Wilson interval of the leaf's rate among its training persons.",
            "onder/boven: het Wilson-interval van de kans in het blad onder zijn trainingspersonen.",
        )
    ));
    let leaf_row = |t: &mut Table, text: String, node: &crate::model::Node, p: f64| {
        let mut cells = [Cell::empty(), Cell::share(p), Cell::empty(), Cell::empty()];
        if let Some(c) = node.counts {
            let on = |cell: Cell| {
                cell.on("persons", c.n)
                    .on("positives", c.positives)
                    .on("non-positives", c.n - c.positives)
            };
            cells = [
                on(Cell::persons(c.n)),
                on(Cell::ratio(c.positives as f64, c.n as f64)),
                on(Cell::rate_bound(c.positives, c.n, level, false)),
                on(Cell::rate_bound(c.positives, c.n, level, true)),
            ];
        }
        let [n_cell, p_cell, low, high] = cells;
        t.push_row([Cell::text(text), n_cell, p_cell, low, high]);
    };
    let leaves = tree.leaves();
    if let (1, Some(leaf)) = (leaves.len(), leaves.first()) {
        let node = tree.root();
        leaf_row(
            &mut t,
            lang.pick("(all rows)", "(alle rijen)").into(),
            node,
            leaf.probability,
        );
        return t;
    }
    // Condition texts by (feature, rule, holds), taken from the leaves' paths: the tree
    // words its conditions once, and a node's text depends only on these three.
    let mut words: Vec<(usize, crate::model::SplitRule, bool, String)> = Vec::new();
    for c in leaves.into_iter().flat_map(|l| l.path) {
        if !words
            .iter()
            .any(|w| (w.0, w.1, w.2) == (c.feature, c.rule, c.holds))
        {
            words.push((c.feature, c.rule, c.holds, c.text));
        }
    }
    let children = |id: usize| -> Option<[(usize, String); 2]> {
        let s = tree.node(id)?.split()?;
        let text = |holds: bool| {
            words
                .iter()
                .find(|w| (w.0, w.1, w.2) == (s.feature, s.rule, holds))
                .map_or_else(String::new, |w| w.3.clone())
        };
        Some([(s.right, text(false)), (s.left, text(true))])
    };
    // Pre-order walk, left branch first, as the tree's Display prints it.
    let mut stack: Vec<(usize, String)> = children(0).map(Vec::from).unwrap_or_default();
    while let Some((id, cond)) = stack.pop() {
        let Some(node) = tree.node(id) else { continue };
        let text = format!("{}{cond}", "  ".repeat(node.depth.saturating_sub(1)));
        match &node.kind {
            NodeKind::Leaf { probability } => leaf_row(&mut t, text, node, *probability),
            NodeKind::Split(_) => {
                t.push_row([
                    Cell::text(text),
                    Cell::empty(),
                    Cell::empty(),
                    Cell::empty(),
                    Cell::empty(),
                ]);
                stack.extend(children(id).into_iter().flatten());
            }
        }
    }
    t
}

/// The hours tree of banen in the layout of report table B3.1: one row per node below
/// the root, indented two spaces per level; leaves add their training keepers and mean
/// paid hours per week. A leaf's cells rest on its keepers.
pub fn hours_tree_table(tree: &RegressionTree, lang: Lang) -> Table {
    let mut t = Table::new(
        format!(
            "hours: {}",
            lang.pick(
                "regression tree of paid hours per week",
                "regressieboom van verloonde uren per week"
            )
        ),
        [
            lang.pick("condition", "Conditie"),
            lang.pick("job keepers", "Baanbehouders"),
            lang.pick("mean hours per week", "Gemiddelde uren per week"),
        ],
    )
    .with_id("hours_tree")
    .with_keys(["condition", "persons", "mean_hours"]);
    let leaf_cells = |n: u64, mean: f64| {
        [
            Cell::persons(n).on("job keepers", n),
            Cell::number(mean, 1).on("job keepers", n),
        ]
    };
    let leaves = tree.leaves();
    if let [leaf] = leaves.as_slice() {
        let [n, m] = leaf_cells(leaf.n, leaf.mean);
        t.push_row([Cell::text(lang.pick("(all rows)", "(alle rijen)")), n, m]);
        return t;
    }
    // Pre-order, left first: each leaf's path adds the conditions not yet printed.
    let mut printed: Vec<&crate::model::Condition> = Vec::new();
    for leaf in &leaves {
        let shared = printed
            .iter()
            .zip(&leaf.path)
            .take_while(|(a, b)| **a == *b)
            .count();
        printed.truncate(shared);
        for (depth, c) in leaf.path.iter().enumerate().skip(shared) {
            let text = format!("{}{}", "  ".repeat(depth), c.text);
            printed.push(c);
            if depth + 1 == leaf.path.len() {
                let [n, m] = leaf_cells(leaf.n, leaf.mean);
                t.push_row([Cell::text(text), n, m]);
            } else {
                t.push_row([Cell::text(text), Cell::empty(), Cell::empty()]);
            }
        }
    }
    t
}

/// The hours model's validation on the held-out job keepers with hours: its mean absolute
/// error against that of predicting the training keepers' mean, and R² (1 - its squared
/// error over the mean's). Every cell rests on the held-out keepers.
pub fn hours_validation_table(v: &HoursValidation, lang: Lang) -> Table {
    let on = |c: Cell| c.on("held-out job keepers", v.n as u64);
    Table::new(
        lang.pick(
            "hours: validation on the held-out job keepers",
            "uren: validatie op de achtergehouden baanbehouders",
        ),
        [lang.pick("metric", "Maat"), lang.pick("value", "Waarde")],
    )
    .with_id("hours_validation")
    .with_keys(["metric", "value"])
    .with_row([
        Cell::text(lang.pick("held-out job keepers", "achtergehouden baanbehouders")),
        on(Cell::persons(v.n as u64)),
    ])
    .with_row([
        Cell::text(lang.pick(
            "mean absolute error (hours per week)",
            "gemiddelde absolute fout (uren per week)",
        )),
        on(Cell::number(v.mae, 2)),
    ])
    .with_row([
        Cell::text(lang.pick(
            "mean absolute error of the mean",
            "gemiddelde absolute fout van het gemiddelde",
        )),
        on(Cell::number(v.mae_mean, 2)),
    ])
    .with_row([Cell::text("R²"), on(Cell::number(v.r2, 3))])
}

/// The tables of one fitted model: training design, validation, calibration and, for a
/// tree, its leaves (with their rates' Wilson intervals at `level`). A model given rather than fitted here (read from files, a published tree) has no
/// training or validation rows: only its leaves or coefficients.
pub fn stage_tables(stage: &FittedStage, level: ConfidenceLevel, lang: Lang) -> Vec<Table> {
    let mut out = Vec::new();
    if stage.n_train > 0 {
        out.extend([
            training_table(stage, lang),
            validation_table(stage.name, &stage.validation, lang),
            calibration_table(stage.name, &stage.validation, lang),
        ]);
    }
    match &stage.model {
        FittedModel::Tree(tree) => out.push(tree_table(stage.name, tree, level, lang)),
        FittedModel::Logistic(m) => out.push(logistic_table(stage.name, m, lang)),
    }
    out
}

/// The id of the correction table; the export policy refuses strict output whose
/// correction factor had to be suppressed.
pub const CORRECTION_TABLE_ID: &str = "correction";

/// The correction as checked cells: the factor (resting on the register members it is
/// computed from, or for Elkan-Noto on the held-out register members), the register
/// sizes and, for Elkan-Noto, the labelling rate c with its interval.
pub fn correction_table(c: &CorrectionFactor, lang: Lang) -> Table {
    let mut t = Table::new(
        lang.pick("Correction", "Correctie"),
        [lang.pick("item", "Onderdeel"), lang.pick("value", "Waarde")],
    )
    .with_id(CORRECTION_TABLE_ID)
    .with_keys(["item", "value"]);
    let trained = c.register_size_trained;
    let old = c.register_size.saturating_sub(trained);
    let (method, factor) = match (c.correction, &c.labelling) {
        (Correction::RegisterSize, _) => (
            lang.pick("register-size factor", "factor registeromvang"),
            Cell::number(c.factor, 3)
                .on("register members outside wajong, wsw and wiw_id", trained)
                .on("register members in wajong, wsw or wiw_id", old),
        ),
        (Correction::ElkanNoto, Some(rate)) => (
            lang.pick("Elkan-Noto factor 1/c", "Elkan-Noto-factor 1/c"),
            Cell::number(c.factor, 3)
                .on("held-out register members", rate.held_out_positives as u64),
        ),
        (Correction::ElkanNoto, None) => ("Elkan-Noto", Cell::number(c.factor, 3)),
        // A factor given by the user is a parameter, not a statistic of persons.
        (Correction::Fixed(_), _) => (
            lang.pick("fixed factor", "vaste factor"),
            Cell::number(c.factor, 3),
        ),
    };
    t.push_row([Cell::text(method), factor]);
    t.push_row([
        Cell::text(lang.pick("register members", "personen in het doelgroepregister")),
        Cell::persons(c.register_size).on("persons", c.register_size),
    ]);
    t.push_row([
        Cell::text(lang.pick(
            "of whom outside wajong, wsw and wiw_id",
            "waarvan buiten wajong, wsw en wiw/id",
        )),
        Cell::persons(trained).on("persons", trained),
    ]);
    if let Some(rate) = &c.labelling {
        let held_out = rate.held_out_positives as u64;
        let on = |x: f64| Cell::number(x, 4).on("held-out register members", held_out);
        t.push_row([
            Cell::text(lang.pick("labelling rate c", "labelkans c")),
            on(rate.c),
        ]);
        let [low, high] = lang.interval_ends(rate.level);
        t.push_row([Cell::text(format!("c, {low}")), on(rate.interval.low)]);
        t.push_row([Cell::text(format!("c, {high}")), on(rate.interval.high)]);
        t.push_row([
            Cell::text(lang.pick("held-out register members", "achtergehouden registerleden")),
            Cell::persons(held_out).on("held-out register members", held_out),
        ]);
    }
    t
}

/// A logistic model's coefficients, standard errors and z values. Every coefficient
/// rests on the training positives and negatives and on the model's residual degrees of
/// freedom (training rows minus parameters), checked against the residual-dof rule; a
/// category level's coefficient also on the training rows with the level, their
/// positives and their negatives (a level of few persons is suppressed under strict).
pub fn logistic_table(name: &str, m: &FittedLogistic, lang: Lang) -> Table {
    let mut t = Table::new(
        format!(
            "{name}: {}",
            lang.pick("logistic coefficients", "logistische coefficienten")
        ),
        [
            lang.pick("coefficient", "Coefficient"),
            lang.pick("estimate", "Schatting"),
            lang.pick("std. error", "Standaardfout"),
            "z",
        ],
    )
    .with_id(format!("{name}_coefficients"))
    .with_keys(["coefficient", "estimate", "std_error", "z"]);
    let positives = m.positives() as u64;
    let negatives = m.n_train().saturating_sub(m.positives()) as u64;
    let dof = (m.n_train() as u64).saturating_sub(m.names().len() as u64 + 1);
    let cell = |x: f64, decimals: usize| {
        Cell::number(x, decimals)
            .on("positives", positives)
            .on("negatives", negatives)
            .on(RESIDUAL_DOF, dof)
    };
    // A category level's coefficient compares the rows with the level against the
    // reference level: it rests on those rows, their positives and their negatives too.
    let mut row = |label: &str, b: f64, se: f64, level: Option<(u64, u64)>| {
        let cell = |x: f64, decimals: usize| match level {
            Some((n, p)) => cell(x, decimals)
                .on("training rows with the level", n)
                .on("positives with the level", p)
                .on("negatives with the level", n - p),
            None => cell(x, decimals),
        };
        t.push_row([Cell::text(label), cell(b, 6), cell(se, 6), cell(b / se, 2)]);
    };
    row("(intercept)", m.intercept(), m.intercept_se(), None);
    for (i, ((label, &b), &se)) in m
        .names()
        .iter()
        .zip(m.coefficients())
        .zip(m.std_errors())
        .enumerate()
    {
        row(label, b, se, m.level_rows().get(i).copied().flatten());
    }
    if !m.dropped().is_empty() {
        t.notes.push(format!(
            "{} {}",
            lang.pick(
                "Dropped (constant in the training rows):",
                "Weggelaten (constant in de trainingsrijen):"
            ),
            m.dropped().join(", ")
        ));
    }
    if m.features()
        .iter()
        .any(|e| matches!(e, FeatureEncoding::Standardised { .. }))
    {
        t.notes.push(
            lang.pick(
                "Numeric features standardised: coefficients are per training sd.",
                "Numerieke kenmerken gestandaardiseerd: coefficienten per standaardafwijking in de training.",
            )
            .into(),
        );
    }
    t
}
