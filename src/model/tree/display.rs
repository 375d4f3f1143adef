//! The tree in words: conditions with day counts in the report's units, and the indented
//! table of report table B3.1.

use std::fmt;

use super::build::ClassificationTree;
use super::nodes::{Node, SplitRule, TreeFeature};
use crate::model::FeatureKind;

/// A condition in words; day counts get a reading in the report's units.
pub(super) fn condition_text(feature: &TreeFeature, rule: SplitRule, holds: bool) -> String {
    let name = &feature.name;
    match (rule, &feature.kind) {
        (SplitRule::AtMost(t), kind) => {
            let op = if holds { "<=" } else { ">" };
            let mut s = format!("{name} {op} {t}");
            if name.starts_with("days_") && matches!(kind, FeatureKind::Numeric { .. }) {
                // `<= t` days is `< t + 1` days.
                let bound = days_reading(u32::from(t) + 1);
                s.push_str(&format!(" ({} {bound})", if holds { "<" } else { ">=" }));
            }
            s
        }
        (SplitRule::Equals(k), kind) => {
            let op = if holds { "=" } else { "!=" };
            match kind {
                FeatureKind::Categorical { levels } => match levels.get(usize::from(k)) {
                    Some(level) => format!("{name} {op} {level}"),
                    None => format!("{name} {op} #{k}"),
                },
                FeatureKind::Numeric { .. } => format!("{name} {op} {k}"),
            }
        }
    }
}

/// A number of days in the largest report unit that gives at least 1 (1 week = 7 days,
/// 1 month = 365/12 days, 1 year = 365 days), to one decimal; `~` marks a rounded value.
pub(super) fn days_reading(days: u32) -> String {
    let d = f64::from(days);
    let month = 365.0 / 12.0;
    let (value, unit) = if d >= 365.0 {
        (d / 365.0, "year")
    } else if d >= month {
        (d / month, "month")
    } else if d >= 7.0 {
        (d / 7.0, "week")
    } else {
        (d, "day")
    };
    let rounded = (value * 10.0).round() / 10.0;
    let approx = if (rounded - value).abs() > 1e-9 {
        "~"
    } else {
        ""
    };
    let number = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    let plural = if rounded == 1.0 { "" } else { "s" };
    format!("{approx}{number} {unit}{plural}")
}

/// An indented table like report table B3.1: one line per node below the root, indented
/// two spaces per level, with the condition that leads to it; leaves add their probability
/// (percent, one decimal) and, if known, their training size. A one-leaf tree prints
/// `(all rows)`.
impl fmt::Display for ClassificationTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tree(f, &self.features, &self.nodes, |p| {
            format!("{:>5.1}%", 100.0 * p)
        })
    }
}

/// The indented table of a tree's nodes (pre-order, left first); `value` words a leaf's
/// value (a probability, a mean), followed by its training size when known.
pub(super) fn write_tree(
    f: &mut fmt::Formatter<'_>,
    features: &[TreeFeature],
    nodes: &[Node],
    value: impl Fn(f64) -> String,
) -> fmt::Result {
    // (text with indent, leaf node or None)
    let mut lines: Vec<(String, Option<&Node>)> = Vec::new();
    let root = &nodes[0];
    if root.is_leaf() {
        lines.push(("(all rows)".into(), Some(root)));
    }
    let mut stack: Vec<(usize, String)> = Vec::new();
    if let Some(s) = root.split() {
        stack.push((s.right, condition_text(&features[s.feature], s.rule, false)));
        stack.push((s.left, condition_text(&features[s.feature], s.rule, true)));
    }
    while let Some((id, cond)) = stack.pop() {
        let node = &nodes[id];
        let indent = "  ".repeat(node.depth.saturating_sub(1));
        lines.push((format!("{indent}{cond}"), node.is_leaf().then_some(node)));
        if let Some(s) = node.split() {
            let feat = &features[s.feature];
            stack.push((s.right, condition_text(feat, s.rule, false)));
            stack.push((s.left, condition_text(feat, s.rule, true)));
        }
    }
    let width = lines
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0);
    for (text, leaf) in &lines {
        match leaf.and_then(|n| n.probability().map(|p| (p, n.counts))) {
            Some((p, counts)) => {
                write!(f, "{text:<width$}  {}", value(p))?;
                if let Some(c) = counts {
                    write!(f, "  n = {}", c.n)?;
                }
                writeln!(f)?;
            }
            None => writeln!(f, "{text}")?,
        }
    }
    Ok(())
}
