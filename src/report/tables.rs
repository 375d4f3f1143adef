//! The report's tables built from estimates and fitted models: per population the counts
//! table (report tables 4.1, 5.1, 8.4, 8.11, with the job columns beside them) and the
//! distributions by education level and age band (tables 4.2/4.3 and their twins); per
//! model its training design, validation metrics, calibration and, for trees, the leaves
//! (the layout of tables B3.1-B3.3). Every numeric cell records the persons behind it, for
//! disclosure control.

use super::lang::Lang;
use super::table::{Cell, Table};
use crate::estimate::{
    Breakdown, ExpectedCounts, FittedStage, Measure, PopulationEstimate, RESULT_COLUMNS,
};
use crate::model::{ClassificationTree, FittedModel, NodeKind, Validation};

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
    Cell::count(c.get(m)).on(what, c.persons_behind(m))
}

/// The six number cells of a counts row: persons, comparable, mean probability, had
/// work, finds work, keeps work.
fn count_cells(c: &ExpectedCounts) -> [Cell; 6] {
    [
        measure_cell(c, Measure::Persons),
        measure_cell(c, Measure::Comparable),
        Cell::share(c.mean_probability()).on("persons", c.persons),
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
///     acc.add(&Person::example(), None, PersonScores { comparable: 0.5, find: 0.5, keep: 0.5 });
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
    let mut row = |name: &str, c: &ExpectedCounts| {
        t.push_row(std::iter::once(Cell::text(name)).chain(count_cells(c)))
    };
    row(lang.total(), &e.total);
    for g in &e.subgroups {
        row(lang.subgroup(&e.name, &g.name, &g.label), &g.counts);
    }
    t
}

/// The uncertainty of one population's expected counts, total and sub-groups: the 95%
/// intervals of comparable, finds work and keeps work, the analytic leaf-rate standard
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
///     acc.add(&Person::example(), None, PersonScores { comparable: 0.5, find: 0.5, keep: 0.5 });
/// }
/// let mut e = acc.finish();
/// assert!(uncertainty_table(&e, Lang::En).is_none());
/// let i = Interval { low: 15.0, high: 25.0 };
/// e.total.intervals = Some(CountIntervals { comparable: i, finds_work: i, keeps_work: i });
/// let t = uncertainty_table(&e, Lang::En).unwrap();
/// assert!(t.to_text(&Style::exact(Lang::En)).contains("25"));
/// ```
pub fn uncertainty_table(e: &PopulationEstimate, lang: Lang) -> Option<Table> {
    e.total.intervals?;
    let title = match lang {
        Lang::En => format!("{}: 95% intervals of the expected counts", e.label),
        Lang::Nl => format!("{}: 95%-intervallen van de verwachte aantallen", e.label),
    };
    let (low, high) = (
        lang.pick("95% low", "95% onder"),
        lang.pick("95% high", "95% boven"),
    );
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
        t.push_row(cells)
    };
    row(lang.total(), &e.total);
    for g in &e.subgroups {
        row(lang.subgroup(&e.name, &g.name, &g.label), &g.counts);
    }
    t.notes.push(
        lang.pick(
            "95% low/high: the sampling error of the fitted models (see the intervals above). \
             Leaf-rate sd: the analytic standard error of comparable from the trees' leaf rates, \
             tree shapes held fixed. Realised sd: how much the number of comparable persons itself \
             would vary if each person were comparable by chance with probability c; not an error \
             of the expected count.",
            "95% onder/boven: de steekproeffout van de geschatte modellen (zie de intervallen \
             hierboven). sd bladkansen: de analytische standaardfout van het aantal vergelijkbaar \
             uit de kansen in de bladeren, bij vaste boomvorm. sd realisatie: hoeveel het aantal \
             vergelijkbare personen zelf zou varieren als ieder met kans c vergelijkbaar is; geen \
             fout van het verwachte aantal.",
        )
        .to_string(),
    );
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
    for (k, (code, label, c)) in b.cells.iter().enumerate() {
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
                let cell = measure_cell(c, m);
                Cell {
                    value: super::table::Value::Share(b.share(k, m)),
                    ..cell
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

/// Results table version 1 (`shared/spec/microdata-schema.md`) as a [`Table`]: one row per
/// population and sub-group, keyed by [`RESULT_COLUMNS`] (without the six interval columns
/// when no intervals were computed; with them, the bounds are counts like the counts they
/// bound). Rendered as CSV or JSON it is the v1 table; under
/// disclosure control its cells can be rounded and suppressed like any other.
pub fn results_table(populations: &[PopulationEstimate]) -> Table {
    let with_intervals = populations
        .first()
        .is_some_and(|e| e.total.intervals.is_some());
    let keys = if with_intervals {
        &RESULT_COLUMNS[..]
    } else {
        &RESULT_COLUMNS[..8]
    };
    let mut t = Table::new("results table v1", keys.iter().copied())
        .with_id("results")
        .with_keys(keys.iter().copied());
    for e in populations {
        let mut row = |sub: &str, c: &ExpectedCounts| {
            t.push_row(
                [Cell::text(e.name.clone()), Cell::text(sub)]
                    .into_iter()
                    .chain(count_cells(c)),
            );
            if let (true, Some(i)) = (with_intervals, c.intervals) {
                let row = t.rows.len() - 1;
                for (m, iv) in [
                    (Measure::Comparable, i.comparable),
                    (Measure::FindsWork, i.finds_work),
                    (Measure::KeepsWork, i.keeps_work),
                ] {
                    for x in [iv.low, iv.high] {
                        t.rows[row].push(Cell {
                            value: super::table::Value::Count(x),
                            ..measure_cell(c, m)
                        });
                    }
                }
            }
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
        t.push_row([Cell::text(label), Cell::count(n as f64).on("persons", n)]);
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
        Cell::count(v.n as f64).on("persons", v.n as u64),
    ])
    .with_row([
        Cell::text(lang.pick("positives", "positief")),
        Cell::count(v.positives as f64).on("positives", pos),
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
            Cell::text((i + 1).to_string()),
            Cell::count(b.n as f64).on("persons", n),
            Cell::share(b.mean_predicted).on("persons", n),
            Cell::share(b.observed_rate)
                .on("persons", n)
                .on("positives", pos)
                .on("negatives", n - pos),
        ]);
    }
    t
}

/// A tree in the layout of report table B3.1: one row per node below the root, indented
/// two spaces per level, with the condition that leads to it; leaves add their training
/// persons and probability. A leaf's cells rest on its persons, positives and
/// non-positives (unknown for hand-built trees without counts).
pub fn tree_table(name: &str, tree: &ClassificationTree, lang: Lang) -> Table {
    let mut t = Table::new(
        format!("{name}: {}", lang.pick("classification tree", "beslisboom")),
        [
            lang.pick("condition", "Conditie"),
            lang.pick("persons", "Personen"),
            lang.pick("probability", "Kans"),
        ],
    )
    .with_id(format!("{name}_tree"))
    .with_keys(["condition", "persons", "probability"]);
    let leaf_row = |t: &mut Table, text: String, node: &crate::model::Node, p: f64| {
        let (mut n_cell, mut p_cell) = (Cell::empty(), Cell::share(p));
        if let Some(c) = node.counts {
            n_cell = Cell::count(c.n as f64)
                .on("persons", c.n)
                .on("positives", c.positives)
                .on("non-positives", c.n - c.positives);
            p_cell = p_cell
                .on("persons", c.n)
                .on("positives", c.positives)
                .on("non-positives", c.n - c.positives);
        }
        t.push_row([Cell::text(text), n_cell, p_cell]);
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
                t.push_row([Cell::text(text), Cell::empty(), Cell::empty()]);
                stack.extend(children(id).into_iter().flatten());
            }
        }
    }
    t
}

/// The tables of one fitted model: training design, validation, calibration and, for a
/// tree, its leaves.
pub fn stage_tables(stage: &FittedStage, lang: Lang) -> Vec<Table> {
    let mut out = vec![
        training_table(stage, lang),
        validation_table(stage.name, &stage.validation, lang),
        calibration_table(stage.name, &stage.validation, lang),
    ];
    if let FittedModel::Tree(tree) = &stage.model {
        out.push(tree_table(stage.name, tree, lang));
    }
    out
}
