//! The parser: text in, [`Schema`] and every error out.

use crate::ast::{
    Category, CoreType, Definition, Flag, Parameter, ParameterKind, Schema, Span, Type,
};
use crate::error::{ParseError, ParseErrorKind};

/// A token of a statement and where it starts.
struct Token<'a> {
    text: &'a str,
    span: Span,
}

/// Parses schema text, returning what could be parsed and every error met.
pub fn parse_lossy(src: &str) -> (Schema, Vec<ParseError>) {
    let mut p = Parser {
        schema: Schema::default(),
        errors: Vec::new(),
        category: Category::Type,
    };
    p.run(src);
    (p.schema, p.errors)
}

struct Parser {
    schema: Schema,
    errors: Vec<ParseError>,
    category: Category,
}

impl Parser {
    fn err(&mut self, span: Span, kind: ParseErrorKind) {
        self.errors.push(ParseError { span, kind });
    }

    fn run(&mut self, src: &str) {
        // The statement being accumulated: its text (newlines turned into spaces)
        // and, for each byte of it, where it came from.
        let mut stmt = String::new();
        let mut positions: Vec<Span> = Vec::new();
        let mut doc: Vec<String> = Vec::new();
        let mut stmt_doc: Vec<String> = Vec::new();

        for (line_idx, raw_line) in src.lines().enumerate() {
            let line_no = line_idx as u32 + 1;
            let (code, comment) = match raw_line.find("//") {
                Some(i) => (&raw_line[..i], Some(&raw_line[i + 2..])),
                None => (raw_line, None),
            };
            let code_trim = code.trim();

            if let Some(c) = comment
                && code_trim.is_empty()
                && stmt.trim().is_empty()
            {
                let text = c.trim_start_matches('/').trim();
                if let Some(rest) = text.strip_prefix("LAYER")
                    && let Ok(n) = rest.trim().parse::<i32>()
                {
                    self.schema.layer = Some(n);
                }
                if !text.is_empty() && !text.chars().all(|ch| ch == '/') {
                    doc.push(text.to_string());
                }
            }
            if code_trim.is_empty() {
                if comment.is_none() && stmt.trim().is_empty() {
                    // A blank line detaches comments from what follows.
                    doc.clear();
                }
                continue;
            }

            if code_trim.starts_with("---") && stmt.trim().is_empty() {
                let col = (code.len() - code.trim_start().len()) as u32 + 1;
                let span = Span { line: line_no, col };
                match code_trim {
                    "---functions---" => self.category = Category::Function,
                    "---types---" => self.category = Category::Type,
                    other => self.err(span, ParseErrorKind::UnknownSection(other.to_string())),
                }
                doc.clear();
                continue;
            }
            if code_trim.starts_with("---") {
                // A section marker inside an unterminated definition.
                let span = positions.iter().copied().find(|_| true).unwrap_or_default();
                self.err(span, ParseErrorKind::MissingSemicolon);
                stmt.clear();
                positions.clear();
                let col = (code.len() - code.trim_start().len()) as u32 + 1;
                match code_trim {
                    "---functions---" => self.category = Category::Function,
                    "---types---" => self.category = Category::Type,
                    other => self.err(
                        Span { line: line_no, col },
                        ParseErrorKind::UnknownSection(other.to_string()),
                    ),
                }
                continue;
            }

            let mut col = 0u32;
            for (byte_idx, ch) in code.char_indices() {
                col += 1;
                let _ = byte_idx;
                if ch == ';' {
                    if stmt.trim().is_empty() {
                        stmt.clear();
                        positions.clear();
                        continue;
                    }
                    if stmt_doc.is_empty() {
                        stmt_doc = std::mem::take(&mut doc);
                    }
                    self.statement(&stmt, &positions, std::mem::take(&mut stmt_doc));
                    stmt.clear();
                    positions.clear();
                    doc.clear();
                    continue;
                }
                if stmt.trim().is_empty() && !ch.is_whitespace() && stmt_doc.is_empty() {
                    stmt_doc = std::mem::take(&mut doc);
                }
                let span = Span { line: line_no, col };
                let mut utf8 = [0u8; 4];
                let s = if ch.is_whitespace() {
                    " "
                } else {
                    ch.encode_utf8(&mut utf8)
                };
                stmt.push_str(s);
                positions.extend(std::iter::repeat_n(span, s.len()));
            }
            stmt.push(' ');
            positions.push(Span {
                line: line_no,
                col: col + 1,
            });
        }
        if !stmt.trim().is_empty() {
            let start = stmt.len() - stmt.trim_start().len();
            self.err(positions[start], ParseErrorKind::MissingSemicolon);
        }
    }

    fn statement(&mut self, stmt: &str, positions: &[Span], doc: Vec<String>) {
        let mut tokens = Vec::new();
        let mut start = None;
        for (i, ch) in stmt.char_indices() {
            match (ch == ' ', start) {
                (true, Some(s)) => {
                    tokens.push(Token {
                        text: &stmt[s..i],
                        span: positions[s],
                    });
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            tokens.push(Token {
                text: &stmt[s..],
                span: positions[s],
            });
        }
        if tokens.is_empty() {
            return;
        }
        let source = tokens.iter().map(|t| t.text).collect::<Vec<_>>().join(" ");
        let eq = tokens.iter().position(|t| t.text == "=");
        let is_core = tokens
            .iter()
            .take(eq.unwrap_or(tokens.len()))
            .any(|t| t.text == "?" || t.text == "#" || t.text == "[" || t.text.ends_with("*["));
        let Some(eq) = eq else {
            self.err(tokens[0].span, ParseErrorKind::MissingEquals);
            return;
        };
        if is_core {
            self.core_type(&tokens, eq);
            return;
        }
        let head = &tokens[0];
        let Some((namespace, name, explicit_id)) = self.head(head) else {
            return;
        };
        let mut generics: Vec<String> = Vec::new();
        let mut params: Vec<Parameter> = Vec::new();
        let mut ok = true;
        for tok in &tokens[1..eq] {
            if tok.text.starts_with('{') {
                match parse_generic(tok.text) {
                    Some(g) => generics.push(g.to_string()),
                    None => {
                        self.err(
                            tok.span,
                            ParseErrorKind::InvalidGeneric(tok.text.to_string()),
                        );
                        ok = false;
                    }
                }
                continue;
            }
            match self.parameter(tok, &generics, &params) {
                Some(p) => params.push(p),
                None => ok = false,
            }
        }
        let result = &tokens[eq + 1..];
        let ty = match result {
            [] => {
                let span = tokens[eq].span;
                self.err(span, ParseErrorKind::MissingResultType);
                return;
            }
            [one] => match self.ty(one, &generics, false) {
                Some(t) => t,
                None => return,
            },
            [first, ..] => {
                let text = result.iter().map(|t| t.text).collect::<Vec<_>>().join(" ");
                self.err(first.span, ParseErrorKind::InvalidType(text));
                return;
            }
        };
        if !ok {
            return;
        }
        let mut def = Definition {
            namespace,
            name,
            explicit_id,
            id: 0,
            generics,
            params,
            ty,
            category: self.category,
            doc,
            source,
            span: head.span,
        };
        def.id = explicit_id.unwrap_or_else(|| def.inferred_id());
        self.schema.definitions.push(def);
    }

    fn core_type(&mut self, tokens: &[Token<'_>], eq: usize) {
        let head = &tokens[0];
        let (name, id) = match head.text.split_once('#') {
            Some((n, id)) => (n, Some(id)),
            None => (head.text, None),
        };
        if !is_ident(name) {
            self.err(head.span, ParseErrorKind::InvalidName(name.to_string()));
            return;
        }
        let explicit_id = match id {
            Some(id) => match parse_id(id) {
                Some(v) => Some(v),
                None => {
                    self.err(head.span, ParseErrorKind::InvalidId(id.to_string()));
                    return;
                }
            },
            None => None,
        };
        if eq + 1 >= tokens.len() {
            self.err(tokens[eq].span, ParseErrorKind::MissingResultType);
            return;
        }
        let body = tokens[1..eq]
            .iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ");
        let ty = tokens[eq + 1..]
            .iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ");
        self.schema.core_types.push(CoreType {
            name: name.to_string(),
            explicit_id,
            ty,
            body,
            span: head.span,
        });
    }

    fn head(&mut self, head: &Token<'_>) -> Option<(Vec<String>, String, Option<u32>)> {
        let (full, id) = match head.text.split_once('#') {
            Some((n, id)) => (n, Some(id)),
            None => (head.text, None),
        };
        let mut parts: Vec<String> = full.split('.').map(str::to_string).collect();
        if parts.iter().any(|p| !is_ident(p)) {
            self.err(head.span, ParseErrorKind::InvalidName(full.to_string()));
            return None;
        }
        let name = parts.pop().unwrap_or_default();
        let explicit_id = match id {
            Some(id) => match parse_id(id) {
                Some(v) => Some(v),
                None => {
                    let span = Span {
                        col: head.span.col + full.chars().count() as u32 + 1,
                        ..head.span
                    };
                    self.err(span, ParseErrorKind::InvalidId(id.to_string()));
                    return None;
                }
            },
            None => None,
        };
        Some((parts, name, explicit_id))
    }

    fn parameter(
        &mut self,
        tok: &Token<'_>,
        generics: &[String],
        earlier: &[Parameter],
    ) -> Option<Parameter> {
        let Some((name, ty)) = tok.text.split_once(':') else {
            self.err(
                tok.span,
                ParseErrorKind::InvalidParameter(tok.text.to_string()),
            );
            return None;
        };
        if !is_ident(name) || ty.is_empty() {
            self.err(
                tok.span,
                ParseErrorKind::InvalidParameter(tok.text.to_string()),
            );
            return None;
        }
        if earlier.iter().any(|p| p.name == name) {
            self.err(
                tok.span,
                ParseErrorKind::DuplicateParameter(name.to_string()),
            );
            return None;
        }
        let ty_span = Span {
            col: tok.span.col + name.chars().count() as u32 + 1,
            ..tok.span
        };
        if ty == "#" {
            return Some(Parameter {
                name: name.to_string(),
                kind: ParameterKind::Flags,
            });
        }
        let (flag, ty) = match ty.split_once('?') {
            Some((cond, rest)) => {
                let Some((fname, idx)) = cond.split_once('.') else {
                    self.err(ty_span, ParseErrorKind::InvalidFlag(cond.to_string()));
                    return None;
                };
                let index = match idx.parse::<u32>() {
                    Ok(i) if i < 32 && idx.bytes().all(|b| b.is_ascii_digit()) => i,
                    _ => {
                        self.err(ty_span, ParseErrorKind::InvalidFlag(cond.to_string()));
                        return None;
                    }
                };
                let declared = earlier
                    .iter()
                    .any(|p| p.name == fname && matches!(p.kind, ParameterKind::Flags));
                if !declared {
                    self.err(
                        ty_span,
                        ParseErrorKind::UnknownFlagsField(fname.to_string()),
                    );
                    return None;
                }
                let inner_span = Span {
                    col: ty_span.col + cond.chars().count() as u32 + 1,
                    ..ty_span
                };
                (
                    Some(Flag {
                        name: fname.to_string(),
                        index,
                    }),
                    Token {
                        text: rest,
                        span: inner_span,
                    },
                )
            }
            None => (
                None,
                Token {
                    text: ty,
                    span: ty_span,
                },
            ),
        };
        let ty = self.ty(&ty, generics, true)?;
        Some(Parameter {
            name: name.to_string(),
            kind: ParameterKind::Normal { ty, flag },
        })
    }

    fn ty(&mut self, tok: &Token<'_>, generics: &[String], allow_bang: bool) -> Option<Type> {
        let mut text = tok.text;
        let bang = text.starts_with('!');
        if bang {
            text = &text[1..];
            if !allow_bang || !generics.iter().any(|g| g == text) {
                self.err(tok.span, ParseErrorKind::UnknownGeneric(text.to_string()));
                return None;
            }
        }
        match parse_type(text, generics) {
            Some(mut t) => {
                t.bang = bang;
                Some(t)
            }
            None => {
                self.err(tok.span, ParseErrorKind::InvalidType(tok.text.to_string()));
                None
            }
        }
    }
}

fn parse_generic(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let (name, kind) = inner.split_once(':')?;
    (is_ident(name) && kind == "Type").then_some(name)
}

fn parse_type(text: &str, generics: &[String]) -> Option<Type> {
    let (percent, text) = match text.strip_prefix('%') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (base, arg) = match text.find('<') {
        Some(i) => {
            let inner = text[i + 1..].strip_suffix('>')?;
            (&text[..i], Some(Box::new(parse_type(inner, generics)?)))
        }
        None => (text, None),
    };
    if base.contains('>') {
        return None;
    }
    let mut parts: Vec<String> = base.split('.').map(str::to_string).collect();
    if parts.iter().any(|p| !is_ident(p)) {
        return None;
    }
    let name = parts.pop()?;
    let generic_ref = parts.is_empty() && generics.contains(&name);
    let bare = percent || name.starts_with(|c: char| c.is_ascii_lowercase());
    Some(Type {
        namespace: parts,
        name,
        bare,
        percent,
        generic_ref,
        bang: false,
        generic_arg: arg,
    })
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_id(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}
