//! The optional sections of a report as checked tables: the sensitivity table (comparable
//! totals under each correction and comparability model) and the diagnostics (score
//! overlap, score bins, balance). Every number is a cell with the persons behind it, so
//! disclosure control treats them like the report's own tables: score minima and maxima
//! are extremes, a total or a share rests on its population, a bin on its persons.

use super::lang::Lang;
use super::table::{Cell, Table};
use crate::estimate::diagnostics::QUANTILES;
use crate::estimate::{Balance, Diagnostics, Overlap, ScoreDistribution, SensitivityTable};

/// The sensitivity table: one row per setting (correction, factor, model, what differs
/// from the run) with each population's expected comparable total.
pub fn sensitivity_table(s: &SensitivityTable, lang: Lang) -> Table {
    let mut columns = vec![
        lang.pick("correction", "Correctie").to_string(),
        lang.pick("factor", "Factor").into(),
        lang.pick("model", "Model").into(),
    ];
    let mut keys = vec!["correction".to_string(), "factor".into(), "model".into()];
    columns.extend(s.populations.iter().cloned());
    keys.extend(s.populations.iter().map(|p| key_of(p)));
    columns.push(
        lang.pick("varied from the run", "Afwijkend van de run")
            .into(),
    );
    keys.push("varied".into());
    let mut t = Table::new(
        lang.pick(
            "Sensitivity: expected comparable persons under each correction and comparability model",
            "Gevoeligheid: verwachte aantal vergelijkbaar bij elke correctie en elk vergelijkbaarheidsmodel",
        ),
        columns,
    )
    .with_id("sensitivity")
    .with_keys(keys);
    for r in &s.rows {
        let mut factor = Cell::number(r.factor, 3);
        if let Some(n) = r.held_out {
            factor = factor.on("held-out register members", n);
        }
        let mut row = vec![
            Cell::text(format!(
                "{}{}",
                r.correction,
                if r.baseline { " *" } else { "" }
            )),
            factor,
            Cell::text(r.model.clone()),
        ];
        for (d, &c) in r.comparable.iter().enumerate() {
            let persons = s.persons.get(d).copied().unwrap_or(0);
            row.push(Cell::count(c).on("persons", persons));
        }
        row.push(Cell::text(r.varied.clone()));
        t.push_row(row);
    }
    t.notes.push(
        lang.pick(
            "* the run's own settings. Each row refits only the comparability model on the run's sample \
             and split and applies one correction; the job models do not affect these counts. \
             register-size: f = register size / register size without wajong, wsw, wiw_id; elkan-noto: \
             1 / c, c the mean score of held-out register members (assumes SCAR); fixed: a factor given \
             by the user.",
            "* de instellingen van de run. Elke rij schat alleen het vergelijkbaarheidsmodel opnieuw op de \
             steekproef en splitsing van de run en past een correctie toe; de werkmodellen tellen hier niet \
             mee. register-size: f = registeromvang / registeromvang zonder wajong, wsw, wiw/id; \
             elkan-noto: 1 / c, c de gemiddelde score van achtergehouden registerleden (SCAR); fixed: een \
             factor van de gebruiker.",
        )
        .to_string(),
    );
    t.notes.extend(s.notes.iter().cloned());
    t
}

/// A column key from a population label.
fn key_of(label: &str) -> String {
    label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// The diagnostics as tables: the score distributions, the score bins, and per
/// population the balance of its features against the register.
pub fn diagnostics_tables(d: &Diagnostics, lang: Lang) -> Vec<Table> {
    let mut out = vec![
        overlap_table(&d.overlap, lang),
        bins_table(&d.overlap, lang),
    ];
    out.extend(balance_tables(&d.balance, lang));
    out
}

fn quantile_label(q: f64) -> String {
    match q {
        0.0 => "min".to_string(),
        1.0 => "max".to_string(),
        q => format!("p{:.0}", 100.0 * q),
    }
}

fn overlap_table(o: &Overlap, lang: Lang) -> Table {
    let mut columns = vec![
        lang.pick("group", "Groep").to_string(),
        lang.pick("persons", "Personen").into(),
    ];
    columns.extend(QUANTILES.iter().map(|&q| quantile_label(q)));
    columns.push(lang.pick("no support", "zonder steun").into());
    columns.push(lang.pick("comparable there", "vergelijkbaar daar").into());
    let mut t = Table::new(
        lang.pick(
            "Overlap: distribution of the comparability score p(x) (uncorrected model probability)",
            "Overlap: verdeling van de vergelijkbaarheidsscore p(x) (ongecorrigeerde kans van het model)",
        ),
        columns,
    )
    .with_id("diagnostics_overlap");
    let dist = |d: &ScoreDistribution| -> Vec<Cell> {
        let mut row = vec![
            Cell::text(d.group.clone()),
            Cell::persons(d.persons).on("persons", d.persons),
        ];
        row.extend(d.quantiles.iter().zip(QUANTILES).map(|(&x, q)| {
            let cell = Cell::number(x, 4).on("persons", d.persons);
            if q == 0.0 || q == 1.0 {
                cell.extreme()
            } else {
                cell
            }
        }));
        row
    };
    for d in [&o.training_positives, &o.register] {
        let mut row = dist(d);
        row.extend([Cell::empty(), Cell::empty()]);
        t.push_row(row);
    }
    for p in &o.populations {
        let n = p.distribution.persons;
        let mut row = dist(&p.distribution);
        row.push(
            Cell::ratio(p.unsupported_persons as f64, n as f64)
                .on("persons", n)
                .on("persons without support", p.unsupported_persons),
        );
        row.push(
            Cell::share(if p.comparable > 0.0 {
                p.unsupported_comparable / p.comparable
            } else {
                0.0
            })
            .on("persons", n)
            .on("persons without support", p.unsupported_persons),
        );
        t.push_row(row);
    }
    t.notes.push(format!(
        "{} {}",
        lang.pick(
            "No support: share of the population whose score is outside the training positives' range or in a score bin with fewer training positives than",
            "Zonder steun: aandeel van de populatie met een score buiten het bereik van de positieve trainingsrijen of in een scoreklasse met minder positieve trainingsrijen dan",
        ),
        o.min_support
    ));
    t
}

fn bins_table(o: &Overlap, lang: Lang) -> Table {
    let mut columns = vec![
        lang.pick("score bin", "Scoreklasse").to_string(),
        lang.pick("training positives", "positieve trainingsrijen")
            .into(),
        lang.pick("register", "register").into(),
    ];
    columns.extend(o.populations.iter().map(|p| p.distribution.group.clone()));
    let mut t = Table::new(
        lang.pick(
            "Score bins: share of each group per bin",
            "Scoreklassen: aandeel van elke groep per klasse",
        ),
        columns,
    )
    .with_id("diagnostics_bins");
    let share = |d: &ScoreDistribution, k: usize| {
        let n = d.persons;
        let share = d.bin_shares.get(k).copied().unwrap_or(0.0);
        let count = (share * n as f64).round();
        Cell::ratio(count, n as f64)
            .on("persons", n)
            .on("persons in the bin", count as u64)
    };
    for k in 0..o.bin_edges.len().saturating_sub(1) {
        let positives = o.training_positives_per_bin.get(k).copied().unwrap_or(0);
        let mut row = vec![
            // Bin edges are the diagnostics' parameters, not persons' values.
            Cell::text(format!(
                "{}-{}{}",
                o.bin_edges[k],
                o.bin_edges[k + 1],
                if positives < o.min_support {
                    lang.pick(" (no support)", " (zonder steun)")
                } else {
                    ""
                }
            )),
            Cell::persons(positives).on("training positives", positives),
            share(&o.register, k),
        ];
        row.extend(o.populations.iter().map(|p| share(&p.distribution, k)));
        t.push_row(row);
    }
    t
}

fn balance_tables(b: &Balance, lang: Lang) -> Vec<Table> {
    b.populations
        .iter()
        .map(|p| {
            let mut t = Table::new(
                format!(
                    "{}: {}",
                    p.population,
                    lang.pick(
                        "balance against the register members",
                        "balans tegenover de registerleden"
                    )
                ),
                [
                    lang.pick("feature", "Kenmerk"),
                    lang.pick("register", "register"),
                    lang.pick("population", "populatie"),
                    lang.pick("weighted", "gewogen"),
                    "SMD",
                    lang.pick("SMD weighted", "SMD gewogen"),
                    lang.pick("flag", "signaal"),
                ],
            )
            .with_id(format!("diagnostics_balance_{}", key_of(&p.population)))
            .with_keys([
                "feature",
                "register",
                "population",
                "weighted",
                "smd",
                "smd_weighted",
                "flag",
            ]);
            let both = |x: f64, decimals: usize| {
                Cell::number(x, decimals)
                    .on("register members", b.register_persons)
                    .on("persons", p.persons)
            };
            for r in &p.rows {
                t.push_row([
                    Cell::text(match &r.level {
                        Some(l) => format!("{} = {l}", r.feature),
                        None => r.feature.clone(),
                    }),
                    Cell::number(r.register_mean, 3).on("register members", b.register_persons),
                    Cell::number(r.population_mean, 3).on("persons", p.persons),
                    Cell::number(r.weighted_mean, 3).on("persons", p.persons),
                    both(r.smd, 3),
                    both(r.smd_weighted, 3),
                    Cell::text(if r.flagged {
                        format!("> {}", b.threshold)
                    } else {
                        String::new()
                    }),
                ]);
            }
            t.notes.push(
                lang.pick(
                    "SMD: (register mean - population mean) / sqrt((s_register^2 + s_population^2) / 2), the sds \
                     unweighted; for a categorical level the same on its share. Weighted: population members \
                     weighted by their corrected probability c.",
                    "SMD: (gemiddelde register - gemiddelde populatie) / sqrt((s_register^2 + s_populatie^2) / 2), \
                     de sd's ongewogen; voor een categorie hetzelfde op haar aandeel. Gewogen: leden van de \
                     populatie gewogen met hun gecorrigeerde kans c.",
                )
                .to_string(),
            );
            t
        })
        .collect()
}

/// The `--select` grid: one row per tree and candidate setting (depth, minimum leaf
/// size), the fitted tree's leaves, its validation log loss (resting on the validation
/// rows and their positives and negatives) and which setting was chosen.
pub fn selection_table(s: &crate::estimate::Selection, lang: Lang) -> Table {
    let mut t = Table::new(
        lang.pick(
            "Model selection: each tree's depth and minimum leaf size by validation log loss",
            "Modelkeuze: diepte en minimale bladgrootte van elke boom op de log loss van de validatie",
        ),
        [
            lang.pick("model", "Model"),
            lang.pick("max depth", "Max. diepte"),
            lang.pick("min leaf", "Min. blad"),
            lang.pick("leaves", "Bladeren"),
            lang.pick("validation log loss", "Log loss validatie"),
            lang.pick("chosen", "Gekozen"),
        ],
    )
    .with_id("model_selection")
    .with_keys(["model", "max_depth", "min_leaf", "leaves", "log_loss", "chosen"]);
    for c in &s.candidates {
        let (n, pos) = (c.n_validate as u64, c.validate_positives as u64);
        t.push_row([
            Cell::text(c.stage),
            // Settings and a tree's size: parameters, not counts of persons.
            Cell::number(c.max_depth as f64, 0),
            Cell::number(c.min_leaf as f64, 0),
            Cell::number(c.leaves as f64, 0),
            Cell::number(c.log_loss, 5)
                .on("validation rows", n)
                .on("positives", pos)
                .on("negatives", n - pos),
            Cell::text(if c.chosen { lang.pick("yes", "ja") } else { "" }),
        ]);
    }
    t
}

/// What `--select` chose, as a parameters line (settings, printed as given).
pub fn selection_text(s: &crate::estimate::Selection, lang: Lang) -> String {
    let chosen: Vec<String> = s
        .candidates
        .iter()
        .filter(|c| c.chosen)
        .map(|c| {
            format!(
                "{} {} {}, {} {}",
                c.stage,
                lang.pick("depth", "diepte"),
                c.max_depth,
                lang.pick("min leaf", "min. blad"),
                c.min_leaf
            )
        })
        .collect();
    format!(
        "{} {}",
        lang.pick(
            "Chosen by validation log loss (--select):",
            "Gekozen op log loss van de validatie (--select):"
        ),
        chosen.join("; ")
    )
}
