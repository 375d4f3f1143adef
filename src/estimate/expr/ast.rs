//! The typed syntax tree of a rule and the schema columns a rule may name.

use crate::schema::{Column, DaysColumn, EducationLevel, Person, ValueType};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Test(Test),
}

/// One comparison, typed by its column.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Test {
    /// An integer column (optional ones are empty when `None`).
    Int {
        column: IntColumn,
        op: Op,
        value: f64,
    },
    /// A 0/1 column equal (or not) to `value`.
    Bool {
        column: BoolColumn,
        equal: bool,
        value: bool,
    },
    /// A code column (stored as its index), in a set or not.
    Code {
        column: CodeColumn,
        set: Vec<u8>,
        negated: bool,
    },
    /// An extra column, resolved by name on the population.
    Extra {
        name: String,
        position: usize,
        op: Op,
        values: Vec<Literal>,
        negated: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

impl Op {
    pub(super) fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq | Op::In => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Literal {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IntColumn {
    Age,
    Generation,
    YearsSpecialSecondary,
    Days(DaysColumn),
    DisabilityPct,
    MonthsWithoutWork,
    MonthsBijstand,
    RegisterEntryYear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BoolColumn {
    Employed,
    Ww,
    Bijstand,
    Nug,
    InRegister,
    FoundJob,
    KeptJob,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CodeColumn {
    Sex,
    Migration,
    Education,
    EducationLevel,
    WiaClass,
    RegisterBasis,
}

impl IntColumn {
    pub(super) fn get(self, p: &Person<'_>) -> Option<u16> {
        match self {
            IntColumn::Age => Some(p.age.into()),
            IntColumn::Generation => Some(p.generation.into()),
            IntColumn::YearsSpecialSecondary => Some(p.years_special_secondary.into()),
            IntColumn::Days(c) => Some(p.days.get(c)),
            IntColumn::DisabilityPct => Some(p.disability_pct.into()),
            IntColumn::MonthsWithoutWork => p.months_without_work,
            IntColumn::MonthsBijstand => p.months_bijstand,
            IntColumn::RegisterEntryYear => p.register_entry_year,
        }
    }
}

impl BoolColumn {
    pub(super) fn get(self, p: &Person<'_>) -> Option<bool> {
        match self {
            BoolColumn::Employed => Some(p.employed),
            BoolColumn::Ww => Some(p.ww),
            BoolColumn::Bijstand => Some(p.bijstand),
            BoolColumn::Nug => Some(p.nug),
            BoolColumn::InRegister => Some(p.in_register),
            BoolColumn::FoundJob => p.found_job_within_year,
            BoolColumn::KeptJob => p.kept_job_one_year,
        }
    }
}

impl CodeColumn {
    pub(super) fn get(self, p: &Person<'_>) -> Option<u8> {
        match self {
            CodeColumn::Sex => Some(p.sex.index()),
            CodeColumn::Migration => Some(p.migration.index()),
            CodeColumn::Education => Some(p.education.index()),
            CodeColumn::EducationLevel => Some(p.education.level().index()),
            CodeColumn::WiaClass => Some(p.wia_class.index()),
            CodeColumn::RegisterBasis => p.register_basis.map(|b| b.index()),
        }
    }
}

/// What a name in a rule refers to.
pub(super) enum Operand {
    Int(IntColumn),
    Bool(BoolColumn),
    Code(CodeColumn, &'static [&'static str]),
    Extra(String),
}

pub(super) fn operand(name: &str) -> Result<Operand, String> {
    if name == "education_level" {
        return Ok(Operand::Code(
            CodeColumn::EducationLevel,
            EducationLevel::CODES,
        ));
    }
    let Some(column) = Column::from_name(name) else {
        return Ok(Operand::Extra(name.to_string()));
    };
    let int = |c| Ok(Operand::Int(c));
    let boolean = |c| Ok(Operand::Bool(c));
    let codes = match column.spec().value_type {
        ValueType::Code(codes) => codes,
        _ => &[],
    };
    let code = |c| Ok(Operand::Code(c, codes));
    if let Some(d) = DaysColumn::ALL.iter().find(|d| d.column() == column) {
        return int(IntColumn::Days(*d));
    }
    match column {
        Column::PersonId => Err("person_id is a key: a rule may not select persons by id".into()),
        Column::Sex => code(CodeColumn::Sex),
        Column::Age => int(IntColumn::Age),
        Column::Migration => code(CodeColumn::Migration),
        Column::Generation => int(IntColumn::Generation),
        Column::Education => code(CodeColumn::Education),
        Column::YearsSpecialSecondary => int(IntColumn::YearsSpecialSecondary),
        Column::Employed => boolean(BoolColumn::Employed),
        Column::Ww => boolean(BoolColumn::Ww),
        Column::Bijstand => boolean(BoolColumn::Bijstand),
        Column::Nug => boolean(BoolColumn::Nug),
        Column::WiaClass => code(CodeColumn::WiaClass),
        Column::DisabilityPct => int(IntColumn::DisabilityPct),
        Column::MonthsWithoutWork => int(IntColumn::MonthsWithoutWork),
        Column::MonthsBijstand => int(IntColumn::MonthsBijstand),
        Column::InRegister => boolean(BoolColumn::InRegister),
        Column::RegisterBasis => code(CodeColumn::RegisterBasis),
        Column::RegisterEntryYear => int(IntColumn::RegisterEntryYear),
        Column::FoundJobWithinYear => boolean(BoolColumn::FoundJob),
        Column::KeptJobOneYear => boolean(BoolColumn::KeptJob),
        Column::JobHoursPerWeek => Err(
            "job_hours_per_week is an outcome of the job keepers: a rule may not select on it"
                .into(),
        ),
        // The days columns were matched above.
        _ => Err(format!("column {column} cannot be used in a rule")),
    }
}
