//! `--log-requests`: one JSON line per decoded request, secrets redacted.
//!
//! The parameters come from the request's `Debug` form (every generated type
//! derives it), turned into JSON: a struct becomes an object with its type under
//! `"_"`, `None` becomes `null`, `Some(x)` and one-field enum variants become their
//! content, unit variants become their name, vectors become arrays. Fields that
//! carry secrets (tokens, codes, passwords, SRP values, raw `bytes`) are replaced
//! by `"<redacted>"`.

use std::io::Write;
use std::sync::Mutex;

use serde_json::{Map, Value};

/// Field names whose values are never logged.
const SECRET_FIELDS: &[&str] = &[
    "bytes",
    "bot_auth_token",
    "phone_code",
    "password",
    "a",
    "m1",
    "srp_b",
    "secret",
    "token",
    "future_auth_token",
    "encrypted_data",
];

/// Where request lines go.
pub(crate) struct RequestLog {
    out: Mutex<Box<dyn Write + Send>>,
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestLog")
    }
}

impl RequestLog {
    pub(crate) fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out: Mutex::new(out),
        }
    }

    /// Writes one line for a request.
    pub(crate) fn request(&self, dc: i32, session: i64, msg_id: i64, method: &str, debug: &str) {
        let line = serde_json::json!({
            "dc": dc,
            "session": session,
            "msg_id": msg_id,
            "method": method,
            "params": debug_to_json(debug),
        });
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// Converts a derived `Debug` rendering to JSON (see the module docs). Anything it
/// cannot parse is kept as a string.
pub fn debug_to_json(debug: &str) -> Value {
    let mut p = Parser {
        s: debug.as_bytes(),
        i: 0,
    };
    match p.value() {
        Some(v) if p.at_end() => v,
        _ => Value::String(debug.to_owned()),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.s.len()
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || matches!(self.s[self.i], b'_' | b'#'))
        {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'"' => self.string().map(Value::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    items.push(self.value()?);
                    if !self.eat(b',') && self.peek() != Some(b']') {
                        return None;
                    }
                }
                Some(Value::Array(items))
            }
            c if c == b'-' || c.is_ascii_digit() => self.number(),
            _ => {
                let name = self.ident()?;
                match name.as_str() {
                    "true" => return Some(Value::Bool(true)),
                    "false" => return Some(Value::Bool(false)),
                    "None" => return Some(Value::Null),
                    "NaN" | "inf" => return Some(Value::Null),
                    _ => {}
                }
                if self.eat(b'{') {
                    let mut map = Map::new();
                    map.insert("_".into(), Value::String(name));
                    while !self.eat(b'}') {
                        let field = self.ident()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        let v = self.value()?;
                        let field = field.trim_start_matches("r#").to_owned();
                        let v = if SECRET_FIELDS.contains(&field.as_str()) && !v.is_null() {
                            Value::String("<redacted>".into())
                        } else {
                            v
                        };
                        map.insert(field, v);
                        if !self.eat(b',') && self.peek() != Some(b'}') {
                            return None;
                        }
                    }
                    Some(Value::Object(map))
                } else if self.eat(b'(') {
                    let mut items = Vec::new();
                    while !self.eat(b')') {
                        items.push(self.value()?);
                        if !self.eat(b',') && self.peek() != Some(b')') {
                            return None;
                        }
                    }
                    if items.len() == 1 {
                        items.pop()
                    } else {
                        Some(Value::Array(items))
                    }
                } else {
                    Some(Value::String(name))
                }
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric()
                || matches!(self.s[self.i], b'-' | b'.' | b'+'))
        {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        if let Ok(n) = text.parse::<i64>() {
            return Some(Value::from(n));
        }
        if let Ok(n) = text.parse::<u64>() {
            return Some(Value::from(n));
        }
        text.parse::<f64>()
            .ok()
            .map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
    }

    fn string(&mut self) -> Option<String> {
        // Rust's Debug escapes: \" \\ \n \r \t \0 \' \u{XXXX}.
        self.i += 1;
        let mut out = String::new();
        let mut chars = std::str::from_utf8(&self.s[self.i..]).ok()?.char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                '"' => {
                    self.i += k + 1;
                    return Some(out);
                }
                '\\' => match chars.next()?.1 {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '0' => out.push('\0'),
                    'u' => {
                        chars.next()?; // '{'
                        let mut hex = String::new();
                        for (_, h) in chars.by_ref() {
                            if h == '}' {
                                break;
                            }
                            hex.push(h);
                        }
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrogram_tl_types::{AnyObject, Serializable, enums, functions};

    #[test]
    fn debug_of_a_request_becomes_json_with_secrets_redacted() {
        let req = functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: 5,
            api_hash: "h\"q\n\u{7}é".into(),
            bot_auth_token: "123:SECRET".into(),
        };
        let any = AnyObject::from_bytes(&req.to_bytes()).unwrap();
        let v = debug_to_json(&format!("{any:?}"));
        assert_eq!(v["_"], "ImportBotAuthorization");
        assert_eq!(v["api_id"], 5);
        assert_eq!(v["api_hash"], "h\"q\n\u{7}é");
        assert_eq!(v["bot_auth_token"], "<redacted>");
        assert!(!v.to_string().contains("SECRET"));

        let peer = enums::InputPeer::from(ferrogram_tl_types::types::InputPeerUser {
            user_id: -7,
            access_hash: i64::MIN,
        });
        let v = debug_to_json(&format!(
            "{:?}",
            Some(vec![peer, enums::InputPeer::InputPeerSelf])
        ));
        assert_eq!(v[0]["_"], "InputPeerUser");
        assert_eq!(v[0]["user_id"], -7);
        assert_eq!(v[0]["access_hash"], i64::MIN);
        assert_eq!(v[1], "InputPeerSelf");
        assert_eq!(debug_to_json("None"), Value::Null);
        assert_eq!(debug_to_json("Foo { x: 1.5, y: [1, 2] }")["x"], 1.5);
        assert_eq!(
            debug_to_json("not { valid"),
            Value::String("not { valid".into())
        );
    }
}
