//! The rule language of user-defined populations and sub-groups (`--population
//! 'NAME: EXPR'`, scenario files): comparisons over the person file's columns, extra
//! columns included, combined with `and`, `or`, `not` and parentheses. Owns parsing,
//! checking against the schema and evaluation on one person; knows nothing of models or
//! reports.
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | primary
//! primary := "(" expr ")" | column [op value | ["not"] "in" "(" value ("," value)* ")"]
//! op      := "=" | "!=" | "<" | "<=" | ">" | ">="
//! value   := number | code | 'text' | "text"
//! ```
//!
//! A bare column is true when a 0/1 column is 1. Schema columns are checked when the rule
//! is parsed: an unknown column or code, `<` on a code, or `person_id` (a key never selects
//! anyone) is an error naming the position. `education_level` (1-4 or `unknown`) is the
//! report's grouping of `education`. Any other name is an extra column of the file, checked
//! when the population is bound to a file ([`PopulationRule::check_columns`]); its cells compare as
//! numbers when the value is a number, as text otherwise. An empty cell (an empty extra
//! cell, or `months_bijstand` outside bijstand) makes every comparison false, `!=`
//! included, so `not (x = 1)` is how "not 1, or empty" is written.

use std::fmt;

use crate::schema::{Column, DaysColumn, EducationLevel, Person, Population, ValueType};

/// A parsed, checked rule.
///
/// ```
/// use banenafspraak::estimate::PopulationRule;
/// use banenafspraak::schema::Person;
/// let rule = PopulationRule::parse("ww = 1 and months_without_work <= 12")?;
/// let mut p = Person::example();
/// assert!(!rule.matches(&p));
/// p.ww = true;
/// p.months_without_work = Some(6);
/// assert!(rule.matches(&p));
/// let err = PopulationRule::parse("ww = 1 and age <").unwrap_err();
/// assert_eq!(err.position, 17);
/// # Ok::<(), banenafspraak::estimate::RuleError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRule {
    source: String,
    root: Node,
}

/// A rule that does not parse or does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The rule as written.
    pub rule: String,
    /// 1-based character position of the problem (one past the end for a rule that stops
    /// too early).
    pub position: usize,
    /// What was expected or what is wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let caret = " ".repeat(self.position.saturating_sub(1));
        write!(
            f,
            "in rule `{}` at position {}: {}\n  {}\n  {caret}^",
            self.rule, self.position, self.message, self.rule
        )
    }
}

impl std::error::Error for RuleError {}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Test(Test),
}

/// One comparison, typed by its column.
#[derive(Debug, Clone, PartialEq)]
enum Test {
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
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

impl Op {
    fn holds(self, ord: std::cmp::Ordering) -> bool {
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
enum Literal {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IntColumn {
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
enum BoolColumn {
    Employed,
    Ww,
    Bijstand,
    Nug,
    InRegister,
    FoundJob,
    KeptJob,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeColumn {
    Sex,
    Migration,
    Education,
    EducationLevel,
    WiaClass,
    RegisterBasis,
}

impl IntColumn {
    fn get(self, p: &Person<'_>) -> Option<u16> {
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
    fn get(self, p: &Person<'_>) -> Option<bool> {
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
    fn get(self, p: &Person<'_>) -> Option<u8> {
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
enum Operand {
    Int(IntColumn),
    Bool(BoolColumn),
    Code(CodeColumn, &'static [&'static str]),
    Extra(String),
}

fn operand(name: &str) -> Result<Operand, String> {
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

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(f64),
    Text(String),
    Op(Op),
    Open,
    Close,
    Comma,
    And,
    Or,
    Not,
    In,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Name(n) => format!("`{n}`"),
            Token::Number(x) => format!("the number {x}"),
            Token::Text(t) => format!("the text '{t}'"),
            Token::Op(op) => format!("`{}`", op_text(*op)),
            Token::Open => "`(`".into(),
            Token::Close => "`)`".into(),
            Token::Comma => "`,`".into(),
            Token::And => "`and`".into(),
            Token::Or => "`or`".into(),
            Token::Not => "`not`".into(),
            Token::In => "`in`".into(),
        }
    }
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Eq => "=",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::In => "in",
    }
}

/// Splits a rule into tokens with their 1-based character positions.
fn tokenize(src: &str) -> Result<Vec<(usize, Token)>, (usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        let two = chars.get(i + 1).copied();
        let (token, len) = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => (Token::Open, 1),
            ')' => (Token::Close, 1),
            ',' => (Token::Comma, 1),
            '=' if two == Some('=') => (Token::Op(Op::Eq), 2),
            '=' => (Token::Op(Op::Eq), 1),
            '!' if two == Some('=') => (Token::Op(Op::Ne), 2),
            '<' if two == Some('=') => (Token::Op(Op::Le), 2),
            '<' if two == Some('>') => (Token::Op(Op::Ne), 2),
            '<' => (Token::Op(Op::Lt), 1),
            '>' if two == Some('=') => (Token::Op(Op::Ge), 2),
            '>' => (Token::Op(Op::Gt), 1),
            '\'' | '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .ok_or((pos, format!("text opened with {c} is not closed")))?;
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                (Token::Text(text), end + 2)
            }
            c if c.is_ascii_digit() || (c == '-' && two.is_some_and(|d| d.is_ascii_digit())) => {
                let len = 1 + chars[i + 1..]
                    .iter()
                    .take_while(|d| d.is_ascii_digit() || **d == '.')
                    .count();
                let text: String = chars[i..i + len].iter().collect();
                let x = text
                    .parse::<f64>()
                    .map_err(|_| (pos, format!("`{text}` is not a number")))?;
                (Token::Number(x), len)
            }
            c if c.is_alphabetic() || c == '_' => {
                let len = chars[i..]
                    .iter()
                    .take_while(|d| d.is_alphanumeric() || **d == '_')
                    .count();
                let word: String = chars[i..i + len].iter().collect();
                let token = match word.to_ascii_lowercase().as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "in" => Token::In,
                    _ => Token::Name(word),
                };
                (token, len)
            }
            other => return Err((pos, format!("unexpected character `{other}`"))),
        };
        out.push((pos, token));
        i += len;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Parser

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
}

type Parsed<T> = Result<T, (usize, String)>;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }
    fn position(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(p, _)| *p)
    }
    fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "the end of the rule".into(), Token::describe)
    }
    fn expected<T>(&self, what: &str) -> Parsed<T> {
        Err((
            self.position(),
            format!("expected {what}, found {}", self.found()),
        ))
    }
    fn eat(&mut self, t: &Token) -> bool {
        let hit = self.peek() == Some(t);
        if hit {
            self.next += 1;
        }
        hit
    }

    fn or(&mut self) -> Parsed<Node> {
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            left = Node::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parsed<Node> {
        let mut left = self.unary()?;
        while self.eat(&Token::And) {
            left = Node::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Parsed<Node> {
        if self.eat(&Token::Not) {
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        if self.eat(&Token::Open) {
            let inner = self.or()?;
            if !self.eat(&Token::Close) {
                return self.expected("`)` or `and`/`or`");
            }
            return Ok(inner);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Parsed<Node> {
        let name_pos = self.position();
        let Some(Token::Name(name)) = self.peek().cloned() else {
            return self.expected("a column name, `not` or `(`");
        };
        self.next += 1;
        let operand = operand(&name).map_err(|m| (name_pos, m))?;
        let (op, negated) = match self.peek() {
            Some(Token::Op(op)) => (*op, false),
            Some(Token::In) => (Op::In, false),
            Some(Token::Not)
                if self.tokens.get(self.next + 1).map(|t| &t.1) == Some(&Token::In) =>
            {
                self.next += 1;
                (Op::In, true)
            }
            _ => return self.bare(operand, &name, name_pos),
        };
        self.next += 1;
        let values = if op == Op::In {
            self.list()?
        } else {
            vec![self.value()?]
        };
        typed_test(operand, name, name_pos, op, negated, values).map(Node::Test)
    }

    /// A column without a comparison: true when a 0/1 column is 1.
    fn bare(&self, operand: Operand, name: &str, pos: usize) -> Parsed<Node> {
        match operand {
            Operand::Bool(column) => Ok(Node::Test(Test::Bool {
                column,
                equal: true,
                value: true,
            })),
            _ if self.peek().is_none()
                || matches!(self.peek(), Some(Token::And | Token::Or | Token::Close)) =>
            {
                Err((
                    pos,
                    format!("`{name}` is not a 0/1 column: compare it, e.g. `{name} = ...`"),
                ))
            }
            _ => self.expected("a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`)"),
        }
    }

    fn value(&mut self) -> Parsed<(usize, Literal)> {
        let pos = self.position();
        let lit = match self.peek().cloned() {
            Some(Token::Number(x)) => Literal::Number(x),
            Some(Token::Text(t)) => Literal::Text(t),
            Some(Token::Name(n)) => Literal::Text(n),
            _ => return self.expected("a value (a number, a code or 'text')"),
        };
        self.next += 1;
        Ok((pos, lit))
    }

    fn list(&mut self) -> Parsed<Vec<(usize, Literal)>> {
        if !self.eat(&Token::Open) {
            return self.expected("`(` after `in`");
        }
        let mut values = vec![self.value()?];
        while self.eat(&Token::Comma) {
            values.push(self.value()?);
        }
        if !self.eat(&Token::Close) {
            return self.expected("`,` or `)`");
        }
        Ok(values)
    }
}

/// Checks a comparison against its column's type and builds the typed test.
fn typed_test(
    operand: Operand,
    name: String,
    name_pos: usize,
    op: Op,
    negated: bool,
    values: Vec<(usize, Literal)>,
) -> Parsed<Test> {
    let ordered = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
    match operand {
        Operand::Int(column) => {
            if op == Op::In {
                return Err((
                    name_pos,
                    format!("`in` needs a code column; `{name}` is a number: use `>=` and `<=`"),
                ));
            }
            let (pos, lit) = &values[0];
            match lit {
                Literal::Number(value) => Ok(Test::Int {
                    column,
                    op,
                    value: *value,
                }),
                Literal::Text(t) => Err((*pos, format!("`{name}` is a number; `{t}` is not"))),
            }
        }
        Operand::Bool(column) => {
            if ordered || op == Op::In {
                return Err((name_pos, format!("`{name}` is 0 or 1: use `=` or `!=`")));
            }
            let (pos, lit) = &values[0];
            let value = match lit {
                Literal::Number(x) if *x == 0.0 => false,
                Literal::Number(x) if *x == 1.0 => true,
                Literal::Text(t) if t == "true" => true,
                Literal::Text(t) if t == "false" => false,
                _ => return Err((*pos, format!("`{name}` is 0 or 1"))),
            };
            Ok(Test::Bool {
                column,
                equal: op == Op::Eq,
                value,
            })
        }
        Operand::Code(column, codes) => {
            if ordered {
                return Err((
                    name_pos,
                    format!("`{name}` is a code: use `=`, `!=` or `in`"),
                ));
            }
            let set = values
                .iter()
                .map(|(pos, lit)| {
                    let text = match lit {
                        Literal::Text(t) => t.clone(),
                        Literal::Number(x) => format!("{x}"),
                    };
                    codes
                        .iter()
                        .position(|c| *c == text)
                        .map(|i| i as u8)
                        .ok_or((
                            *pos,
                            format!(
                                "`{text}` is not a code of {name}; expected one of {}",
                                codes.join(", ")
                            ),
                        ))
                })
                .collect::<Parsed<Vec<u8>>>()?;
            Ok(Test::Code {
                column,
                set,
                negated: negated || op == Op::Ne,
            })
        }
        Operand::Extra(name) => Ok(Test::Extra {
            name,
            position: name_pos,
            op,
            values: values.into_iter().map(|(_, l)| l).collect(),
            negated,
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation

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
    fn get(&self, name: &str) -> Option<&'a str> {
        self.pop.extra(name).map(|c| c.get(self.row))
    }
}

impl Test {
    fn eval(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
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
    fn eval(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
        match self {
            Node::Or(a, b) => a.eval(p, extras) || b.eval(p, extras),
            Node::And(a, b) => a.eval(p, extras) && b.eval(p, extras),
            Node::Not(a) => !a.eval(p, extras),
            Node::Test(t) => t.eval(p, extras),
        }
    }

    fn extra_names<'s>(&'s self, out: &mut Vec<(&'s str, usize)>) {
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

impl PopulationRule {
    /// Parses and checks a rule against the schema's columns and codes.
    pub fn parse(src: &str) -> Result<PopulationRule, RuleError> {
        let fail = |(position, message): (usize, String)| RuleError {
            rule: src.to_string(),
            position,
            message,
        };
        let tokens = tokenize(src).map_err(fail)?;
        let end = src.chars().count() + 1;
        let mut parser = Parser {
            tokens,
            next: 0,
            end,
        };
        let root = parser.or().map_err(fail)?;
        if parser.next < parser.tokens.len() {
            return Err(fail((
                parser.position(),
                format!(
                    "expected `and`, `or` or the end of the rule, found {}",
                    parser.found()
                ),
            )));
        }
        Ok(PopulationRule {
            source: src.to_string(),
            root,
        })
    }

    /// The rule as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the person matches, with extra columns looked up in `extras`. Without
    /// extras, a comparison on an extra column is false.
    pub fn matches_with(&self, p: &Person<'_>, extras: Option<Extras<'_>>) -> bool {
        self.root.eval(p, extras)
    }

    /// Whether the person matches, on schema columns only.
    pub fn matches(&self, p: &Person<'_>) -> bool {
        self.matches_with(p, None)
    }

    /// Whether the rule names extra columns (and so needs [`Extras`]).
    pub fn uses_extra_columns(&self) -> bool {
        let mut names = Vec::new();
        self.root.extra_names(&mut names);
        !names.is_empty()
    }

    /// Checks that every extra column the rule names is in `pop`, and that none holds a
    /// person's key.
    pub fn check_columns(&self, pop: &Population) -> Result<(), RuleError> {
        let mut names = Vec::new();
        self.root.extra_names(&mut names);
        for (name, position) in names {
            let fail = |message: String| RuleError {
                rule: self.source.clone(),
                position,
                message,
            };
            if pop.extra(name).is_none() {
                let mut known: Vec<&str> = crate::schema::COLUMNS.iter().map(|c| c.name).collect();
                known.extend(pop.extra_column_names());
                return Err(fail(format!(
                    "`{name}` is neither a schema column nor an extra column of the file (columns: {})",
                    known.join(", ")
                )));
            }
            if is_key_name(name) {
                return Err(fail(format!(
                    "`{name}` is a key: a rule may not select persons by id"
                )));
            }
        }
        Ok(())
    }
}

/// Names that hold person keys in CBS files.
fn is_key_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "rinpersoon" | "rinpersoons" | "person_id"
    )
}

impl fmt::Display for PopulationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for PopulationRule {
    type Err = RuleError;
    fn from_str(s: &str) -> Result<PopulationRule, RuleError> {
        PopulationRule::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Education, WiaClass};

    fn err(src: &str) -> RuleError {
        PopulationRule::parse(src).expect_err(src)
    }

    #[test]
    fn comparisons_on_each_kind_of_column() {
        let mut p = Person::example();
        p.age = 30;
        p.education = Education::Mbo1;
        p.wia_class = WiaClass::Wga35To80;
        p.days.set(DaysColumn::Bijstand, 100);
        let cases = [
            ("age = 30", true),
            ("age != 30", false),
            ("age < 30", false),
            ("age <= 30", true),
            ("age > 29.5", true),
            ("age >= 31", false),
            ("days_bijstand >= 100", true),
            ("education = mbo1", true),
            ("education_level = 3", true),
            ("education_level in (1, 2)", false),
            ("education_level not in (1, 2)", true),
            ("wia_class in (wga_35_80, iva)", true),
            ("wia_class != none", true),
            ("ww = 0", true),
            ("ww", false),
            ("not ww", true),
            ("months_bijstand < 600", false),
            ("months_bijstand >= 0", false),
            ("not (months_bijstand >= 0)", true),
            ("age = 30 and ww or education = mbo1", true),
            ("age = 30 and (ww or education = primary)", false),
            ("not age = 30 or ww", false),
            ("AGE = 30", false),
        ];
        for (src, want) in cases {
            let r = match PopulationRule::parse(src) {
                Ok(r) => r,
                // `AGE` is not a schema column: an extra column, false without extras.
                Err(e) => panic!("{src}: {e}"),
            };
            assert_eq!(r.matches(&p), want, "{src}");
        }
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        let mut p = Person::example();
        p.ww = true;
        p.age = 20;
        // (ww and age > 60) or age < 25: true; ww and (age > 60 or age < 25): true;
        // distinguishes: not ww and age < 25 = (not ww) and (age < 25): false.
        assert!(PopulationRule::parse("ww and age > 60 or age < 25")
            .unwrap()
            .matches(&p));
        assert!(!PopulationRule::parse("not ww and age < 25")
            .unwrap()
            .matches(&p));
        assert!(!PopulationRule::parse("age > 60 and ww or age > 60")
            .unwrap()
            .matches(&p));
    }

    #[test]
    fn errors_name_the_position_and_what_was_expected() {
        let cases: [(&str, usize, &str); 12] = [
            ("ww = 1 and age <", 17, "expected a value"),
            ("ww = 1 and", 11, "expected a column name"),
            ("(ww = 1", 8, "expected `)`"),
            ("ww = 1)", 7, "expected `and`, `or` or the end"),
            (
                "sex = mal",
                7,
                "`mal` is not a code of sex; expected one of male, female",
            ),
            ("sex < male", 1, "is a code"),
            ("age in (1, 2)", 1, "`in` needs a code column"),
            ("ww < 1", 1, "is 0 or 1"),
            ("ww = 2", 6, "is 0 or 1"),
            ("age = old", 7, "is a number"),
            ("person_id = 'P1'", 1, "key"),
            ("age = 3 # 4", 9, "unexpected character `#`"),
        ];
        for (src, position, words) in cases {
            let e = err(src);
            assert_eq!(e.position, position, "{src}: {e}");
            assert!(e.message.contains(words), "{src}: {}", e.message);
        }
        assert!(err("education_level = 5")
            .message
            .contains("1, 2, 3, 4, unknown"));
        assert!(err("age = 'unclosed").message.contains("not closed"));
        assert!(err("age").message.contains("not a 0/1 column"));
        let shown = err("ww = 1 and age <").to_string();
        assert!(
            shown.ends_with("ww = 1 and age <\n                  ^"),
            "{shown}"
        );
    }

    #[test]
    fn extra_columns_compare_as_numbers_or_text_and_empty_is_false() {
        let csv = "person_id,sex,age,migration,generation,education,years_special_secondary,\
            days_employee,days_ww,days_bijstand,days_sickness_disability,days_other_social_benefit,\
            days_any_benefit,days_in_school,days_student_with_income,days_no_income,days_nug,\
            employed,ww,bijstand,nug,wia_class,disability_pct,months_without_work,months_bijstand,\
            in_register,register_basis,register_entry_year,found_job_within_year,kept_job_one_year,\
            income,region\n";
        let row = |id: &str, income: &str, region: &str| {
            format!(
                "{id},male,30,none,0,mbo1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,none,0,,,0,,,,,{income},{region}\n"
            )
        };
        let text = format!(
            "{csv}{}{}{}",
            row("a", "19000", "utrecht"),
            row("b", "", "utrecht"),
            row("c", "abc", "zeeland")
        );
        let pop = crate::schema::read_csv(
            text.as_bytes(),
            "t.csv",
            &crate::schema::ReadOptions::default(),
        )
        .unwrap();
        let hits = |src: &str| -> Vec<usize> {
            let r = PopulationRule::parse(src).unwrap();
            r.check_columns(&pop).unwrap();
            (0..pop.len())
                .filter(|&i| r.matches_with(&pop.person(i), Some(Extras::new(&pop, i))))
                .collect()
        };
        assert_eq!(hits("income < 20000"), [0]);
        assert_eq!(hits("income != 5"), [0]);
        assert_eq!(hits("not (income = 19000)"), [1, 2]);
        assert_eq!(hits("region = utrecht"), [0, 1]);
        assert_eq!(hits("region in ('zeeland', drenthe)"), [2]);
        assert_eq!(hits("region not in (zeeland)"), [0, 1]);
        let missing = PopulationRule::parse("age > 3 and regio = x").unwrap();
        let e = missing.check_columns(&pop).unwrap_err();
        assert_eq!(e.position, 13);
        assert!(e.message.contains("`regio` is neither"), "{e}");
        let key = PopulationRule::parse("RINPERSOON = 3").unwrap();
        assert!(key.uses_extra_columns());
    }
}
