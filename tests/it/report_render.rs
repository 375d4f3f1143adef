//! The report's WW tables (Panteia 2023, tables 4.1 and 4.2) rendered from estimates with
//! the published figures: Markdown and HTML, English and Dutch number formats, CSV and JSON.

use banenafspraak::estimate::{Breakdown, ExpectedCounts, PopulationEstimate, SubgroupCounts};
use banenafspraak::report::{
    breakdown_table, counts_table, BreakdownKind, Lang, OutputFormat, Report, Style,
};

fn counts(persons: u64, comparable: f64, finds: f64, keeps: f64) -> ExpectedCounts {
    ExpectedCounts {
        persons,
        comparable,
        finds_work: finds,
        keeps_work: keeps,
        ..ExpectedCounts::default()
    }
}

/// WW as in tables 4.1 and 4.2: 158,000 persons, 4,000 comparable (2.5%), 1,100 finding and
/// 400 keeping work; education shares 13.5 / 10.6 / 38.1 / 37.8% of the gross population.
fn ww() -> PopulationEstimate {
    let total = counts(158_000, 3_951.0, 1_087.0, 396.0);
    let sub = |name: &str, label: &str, c: ExpectedCounts| SubgroupCounts {
        name: name.into(),
        label: label.into(),
        counts: c,
    };
    // (persons, share of comparable, of finds, of keeps) per education level.
    let levels = [
        ("1", 21_330, 0.371, 0.362, 0.341),
        ("2", 16_748, 0.087, 0.087, 0.086),
        ("3", 60_198, 0.401, 0.407, 0.423),
        ("4", 59_724, 0.141, 0.144, 0.150),
    ];
    let by_education = Breakdown {
        cells: levels
            .iter()
            .map(|&(code, n, c, f, k)| {
                (
                    code.to_string(),
                    format!("level {code}"),
                    counts(
                        n,
                        c * total.comparable,
                        f * total.finds_work,
                        k * total.keeps_work,
                    ),
                )
            })
            .chain(std::iter::once((
                "unknown".to_string(),
                "unknown".to_string(),
                ExpectedCounts::default(),
            )))
            .collect(),
    };
    PopulationEstimate {
        name: "ww".into(),
        label: "WW".into(),
        total,
        subgroups: vec![
            sub(
                "months_0_12",
                "<= 1 year without work",
                counts(131_300, 3_414.0, 940.0, 345.0),
            ),
            sub(
                "months_13_24",
                "1-2 years without work",
                counts(16_100, 349.0, 90.0, 33.0),
            ),
            sub(
                "months_25_plus",
                "> 2 years without work",
                counts(10_500, 168.0, 45.0, 16.0),
            ),
        ],
        by_education,
        by_age: Breakdown { cells: Vec::new() },
    }
}

#[test]
fn ww_counts_table_in_markdown_english() {
    let md = counts_table(&ww(), Lang::En).to_markdown(&Style::report(Lang::En));
    assert_eq!(
        md,
        "**WW: population, expected comparable and job outcomes**\n\
         \n\
         | group | persons | comparable | mean probability | had work | finds work | keeps work |\n\
         |---|---:|---:|---:|---:|---:|---:|\n\
         | Total | 158,000 | 4,000 | 2.5% | 0 | 1,100 | 400 |\n\
         | <= 1 year without work | 131,300 | 3,400 | 2.6% | 0 | 900 | 300 |\n\
         | 1-2 years without work | 16,100 | 300 | 2.2% | 0 | 100 | 0 |\n\
         | > 2 years without work | 10,500 | 200 | 1.6% | 0 | 0 | 0 |\n\
         \n\
         *Counts rounded to hundreds, each cell on its own: rounded parts need not add up to the rounded total.*  \n"
    );
}

#[test]
fn ww_counts_table_in_markdown_dutch_uses_the_report_labels_and_numbers() {
    let md = counts_table(&ww(), Lang::Nl).to_markdown(&Style::report(Lang::Nl));
    for line in [
        "| Groep | Aantal | Verwachte aantal vergelijkbaar | Gemiddelde kans | Had werk | Vindt werk | Behoudt werk |",
        "| Totaal | 158.000 | 4.000 | 2,5% | 0 | 1.100 | 400 |",
        "| WW’ers <= 1 jaar zonder werk | 131.300 | 3.400 | 2,6% | 0 | 900 | 300 |",
        "| WW’ers 1-2 jaar zonder werk | 16.100 | 300 | 2,2% | 0 | 100 | 0 |",
        "| WW’ers > 2 jaar zonder werk | 10.500 | 200 | 1,6% | 0 | 0 | 0 |",
        "*Afronding op 100-tallen, per cel: afgeronde delen tellen niet altijd op tot het afgeronde totaal.*  ",
    ] {
        assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    }
}

#[test]
fn ww_education_table_in_both_number_formats() {
    let nl = breakdown_table(&ww(), BreakdownKind::Education, Lang::Nl)
        .to_markdown(&Style::report(Lang::Nl));
    for line in [
        "| Opleidingsniveau | Bruto aantal | Vergelijkbaar | Had werk | Vindt werk | Behoudt werk |",
        "| Totaal | 158.000 | 4.000 | 0 | 1.100 | 400 |",
        "| Opleidingsniv. 1 | 13,5% | 37,1% | 0,0% | 36,2% | 34,1% |",
        "| Opleidingsniv. 2 | 10,6% | 8,7% | 0,0% | 8,7% | 8,6% |",
        "| Opleidingsniv. 3 | 38,1% | 40,1% | 0,0% | 40,7% | 42,3% |",
        "| Opleidingsniv. 4 | 37,8% | 14,1% | 0,0% | 14,4% | 15,0% |",
    ] {
        assert!(nl.lines().any(|l| l == line), "missing {line:?} in\n{nl}");
    }
    // Nobody with unknown education: the row is left out, as in the report.
    assert!(!nl.contains("Onbekend"));
    let en = breakdown_table(&ww(), BreakdownKind::Education, Lang::En)
        .to_markdown(&Style::report(Lang::En));
    assert!(
        en.contains("| level 1 | 13.5% | 37.1% | 0.0% | 36.2% | 34.1% |"),
        "{en}"
    );
    assert!(en.contains("| Total | 158,000 | 4,000 | 0 | 1,100 | 400 |"));
}

#[test]
fn ww_counts_table_in_html_is_escaped_and_well_formed() {
    let html = counts_table(&ww(), Lang::En).to_html(&Style::report(Lang::En));
    let doc = roxmltree::Document::parse(&html).expect("the fragment is well-formed");
    let table = doc.root_element();
    assert_eq!(table.tag_name().name(), "table");
    let caption = table
        .descendants()
        .find(|n| n.has_tag_name("caption"))
        .unwrap();
    assert_eq!(
        caption.text(),
        Some("WW: population, expected comparable and job outcomes")
    );
    let rows: Vec<Vec<String>> = table
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| {
            tr.children()
                .filter(|c| c.is_element())
                .map(|c| c.text().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0],
        [
            "group",
            "persons",
            "comparable",
            "mean probability",
            "had work",
            "finds work",
            "keeps work"
        ]
    );
    assert_eq!(
        rows[1],
        ["Total", "158,000", "4,000", "2.5%", "0", "1,100", "400"]
    );
    assert_eq!(rows[2][0], "<= 1 year without work");
    // Raw text escaped: "<=" never appears as markup.
    assert!(html.contains("&lt;= 1 year without work"));
    assert!(html.contains("<th scope=\"row\" style=\"text-align:left;font-weight:normal\">Total</th><td style=\"text-align:right\">158,000</td>"));
    // The rounding footnote in the footer.
    assert!(rows.last().unwrap()[0].starts_with("Counts rounded to hundreds"));
    let nl = counts_table(&ww(), Lang::Nl).to_html(&Style::report(Lang::Nl));
    assert!(nl.contains("<td style=\"text-align:right\">158.000</td>"));
    assert!(nl.contains("<td style=\"text-align:right\">2,5%</td>"));
}

#[test]
fn machine_formats_carry_unrounded_values_and_keys() {
    let t = counts_table(&ww(), Lang::Nl);
    let csv = t.to_csv(None);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("group,persons,comparable,mean_probability,had_work,finds_work,keeps_work,disclosure")
    );
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "Totaal,158000,3951,{},0,1087,396,unchecked",
                3951.0 / 158_000.0
            )
            .as_str()
        )
    );
    // Rounded when asked (report style, or --disclosure strict).
    assert!(t
        .to_csv(Some(100))
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("Totaal,158000,4000,"));
    let json: serde_json::Value = serde_json::from_str(&t.to_json(None)).unwrap();
    assert_eq!(json["id"], "ww_counts");
    assert_eq!(json["rows"][0]["comparable"], 3951.0);
    // Persons are whole numbers in JSON, in every mode.
    assert!(json["rows"][0]["persons"].is_u64());
    assert_eq!(json["rows"][1]["group"], "WW’ers <= 1 jaar zonder werk");
    assert_eq!(json["columns"][1]["label"], "Aantal");
    assert_eq!(json["cells"].as_array().unwrap().len(), 0);
}

#[test]
fn a_report_renders_in_every_format() {
    let mut r = Report::from_population(&ww(), Style::report(Lang::Nl));
    r.paragraph("Bron: CBS, bewerking <banenafspraak>");
    let md = r.render(OutputFormat::Markdown);
    assert!(md.starts_with("## WW\n\n**WW: aantal"), "{md}");
    let html = r.render(OutputFormat::Html);
    roxmltree::Document::parse(&html).expect("well-formed");
    assert!(html.contains("<p>Bron: CBS, bewerking &lt;banenafspraak&gt;</p>"));
    let text = r.render(OutputFormat::Text);
    let total = text.lines().find(|l| l.starts_with("Totaal")).unwrap();
    let cells: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(
        cells,
        ["Totaal", "158.000", "4.000", "2,5%", "0", "1.100", "400"]
    );
    let csv = r.render(OutputFormat::Csv);
    assert!(csv.starts_with("# ww_counts: WW: aantal"));
    let json: serde_json::Value = serde_json::from_str(&r.render(OutputFormat::Json)).unwrap();
    assert_eq!(json["lang"], "nl");
    assert_eq!(json["blocks"][1]["content"]["rows"][0]["persons"], 158000.0);
}

#[test]
fn notebook_display_prints_text_and_html_blocks() {
    let blocks = banenafspraak::report::notebook::mime_blocks(
        &counts_table(&ww(), Lang::En).to_string(),
        &counts_table(&ww(), Lang::En).to_html(&Style::default()),
    );
    let plain = blocks
        .split("EVCXR_BEGIN_CONTENT text/plain\n")
        .nth(1)
        .unwrap();
    assert!(plain.starts_with("WW: population"));
    let html = blocks
        .split("EVCXR_BEGIN_CONTENT text/html\n")
        .nth(1)
        .unwrap()
        .split("\nEVCXR_END_CONTENT")
        .next()
        .unwrap();
    roxmltree::Document::parse(html).expect("well-formed HTML block");
    assert_eq!(blocks.matches("EVCXR_END_CONTENT").count(), 2);
}
/// Banen: a column of the counts table in both languages and in results table v2 when the
/// estimates have them (schema v1.1), nothing added when they do not.
#[test]
fn banen_are_a_column_only_when_hours_were_modelled() {
    use banenafspraak::estimate::RESULT_COLUMNS;
    use banenafspraak::report::results_table;
    let plain = ww();
    let mut with = ww();
    with.groups_mut()
        .for_each(|c| c.banen = Some(c.keeps_work * 1.1));
    for lang in [Lang::En, Lang::Nl] {
        let t = counts_table(&with, lang);
        assert_eq!(t.keys.last().map(String::as_str), Some("banen"));
        assert_eq!(
            t.columns.last().map(String::as_str),
            Some(lang.pick("banen", "Banen"))
        );
        let text = t.to_text(&Style::report(lang));
        assert!(text.contains(lang.pick("  banen", "  Banen")), "{text}");
        assert!(!counts_table(&plain, lang)
            .keys
            .contains(&"banen".to_string()));
    }
    let banen_at = RESULT_COLUMNS.iter().position(|&k| k == "banen").unwrap();
    let csv = results_table(&[with]).to_csv(None);
    let total = csv.lines().nth(1).unwrap();
    let cell: f64 = total.split(',').nth(banen_at).unwrap().parse().unwrap();
    assert!((cell - 396.0 * 1.1).abs() < 1e-9, "{total}");
    let csv = results_table(&[plain]).to_csv(None);
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.split(',').nth(banen_at) == Some("")),
        "{csv}"
    );
}
