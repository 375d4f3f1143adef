//! Evaluating a rule on one person.

use super::ast::{Literal, Node, Test};
use crate::schema::{Person, Population};

/// Where extra columns are looked up: the population and row of the person.
#[derive(Clone, Copy)]
pub struct Extras<'a> {
    pop: &'a Population,
    row: usize,
}

impl<'a> Extras<'a> {
    /// The extra cells of row `row` of `pop`.
    pub fn new(pop: &'a Population, row: usize) -> Extras<'a> {
        Extras { pop, row }
    }
    pub(super) fn get(&self, name: &str) -> Option<&'a str> {
        self.pop.extra(name).map(|c| c.get(self.row))
    }
}

impl Test {
    pub(super) fn eval(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
        match self {
            Test::Int { column, op, value } => column
                .get(p)
                .and_then(|v| f64::from(v).partial_cmp(value))
                .is_some_and(|o| op.holds(o)),
            Test::Bool {
                column,
                equal,
                value,
            } => column.get(p).is_some_and(|v| (v == *value) == *equal),
            Test::Code {
                column,
                set,
                negated,
            } => column.get(p).is_some_and(|v| set.contains(&v) != *negated),
            Test::Extra {
                name,
                op,
                values,
                negated,
                ..
            } => {
                let Some(cell) = extras.and_then(|e| e.get(name)).filter(|c| !c.is_empty()) else {
                    return false;
                };
                let hit = values
                    .iter()
                    .any(|lit| compare(cell, lit).is_some_and(|o| op.holds(o)));
                // `!=` holds when the cell differs from the one value; `not in` when it is
                // none of them.
                hit != *negated
            }
        }
    }
}

fn compare(cell: &str, lit: &Literal) -> Option<std::cmp::Ordering> {
    match lit {
        Literal::Number(x) => cell.trim().parse::<f64>().ok()?.partial_cmp(x),
        Literal::Text(t) => Some(cell.cmp(t.as_str())),
    }
}

impl Node {
    pub(super) fn eval(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
        match self {
            Node::Or(a, b) => a.eval(p, extras) || b.eval(p, extras),
            Node::And(a, b) => a.eval(p, extras) && b.eval(p, extras),
            Node::Not(a) => !a.eval(p, extras),
            Node::Test(t) => t.eval(p, extras),
        }
    }

    pub(super) fn extra_names<'s>(&'s self, out: &mut Vec<(&'s str, usize)>) {
        match self {
            Node::Or(a, b) | Node::And(a, b) => {
                a.extra_names(out);
                b.extra_names(out);
            }
            Node::Not(a) => a.extra_names(out),
            Node::Test(Test::Extra { name, position, .. }) => out.push((name, *position)),
            Node::Test(_) => {}
        }
    }
}
