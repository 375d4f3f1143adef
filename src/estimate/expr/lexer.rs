//! Splitting a rule into tokens.

use super::ast::Op;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
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
    pub(super) fn describe(&self) -> String {
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

pub(super) fn op_text(op: Op) -> &'static str {
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
pub(super) fn tokenize(src: &str) -> Result<Vec<(usize, Token)>, (usize, String)> {
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
