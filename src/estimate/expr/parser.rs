//! The parser of the grammar in the module doc, building typed tests as it goes.

use super::ast::{operand, Literal, Node, Op, Operand, Test};
use super::lexer::Token;

pub(super) struct Parser {
    pub(super) tokens: Vec<(usize, Token)>,
    pub(super) next: usize,
    pub(super) end: usize,
}

pub(super) type Parsed<T> = Result<T, (usize, String)>;

impl Parser {
    pub(super) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }
    pub(super) fn position(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(p, _)| *p)
    }
    pub(super) fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "the end of the rule".into(), Token::describe)
    }
    pub(super) fn expected<T>(&self, what: &str) -> Parsed<T> {
        Err((
            self.position(),
            format!("expected {what}, found {}", self.found()),
        ))
    }
    pub(super) fn eat(&mut self, t: &Token) -> bool {
        let hit = self.peek() == Some(t);
        if hit {
            self.next += 1;
        }
        hit
    }

    pub(super) fn or(&mut self) -> Parsed<Node> {
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            left = Node::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    pub(super) fn and(&mut self) -> Parsed<Node> {
        let mut left = self.unary()?;
        while self.eat(&Token::And) {
            left = Node::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    pub(super) fn unary(&mut self) -> Parsed<Node> {
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

    pub(super) fn comparison(&mut self) -> Parsed<Node> {
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
    pub(super) fn bare(&self, operand: Operand, name: &str, pos: usize) -> Parsed<Node> {
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

    pub(super) fn value(&mut self) -> Parsed<(usize, Literal)> {
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

    pub(super) fn list(&mut self) -> Parsed<Vec<(usize, Literal)>> {
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
pub(super) fn typed_test(
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
