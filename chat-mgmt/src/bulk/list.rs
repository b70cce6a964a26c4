//! Lists of users a bulk run acts on, as administrators keep them: CSV (one
//! user a line, or a column named `id`, `user_id`, `user` or `username`
//! under a header) or JSON (an array of ids and usernames, or an object whose
//! `users` is one). Each entry is a user id, a `@username` or a `+phone`.

use ferrogram_client::PeerRef;
use serde_json::Value;

use crate::{Error, Result};

/// Reads a list; the format is JSON when the text starts with `[` or `{`,
/// else CSV. A bad entry is [`Error::BulkInput`] with its line and column.
///
/// ```
/// use ferrogram_chat_mgmt::parse_user_list;
/// let users = parse_user_list("id,name\n123456,Sam\n@spam_bot,\n", "wave.csv").unwrap();
/// assert_eq!(users.len(), 2);
/// ```
pub fn parse_user_list(text: &str, source: &str) -> Result<Vec<PeerRef>> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        parse_json(text, source)
    } else {
        parse_csv(text, source)
    }
}

fn bad(source: &str, line: usize, column: usize, reason: impl Into<String>) -> Error {
    Error::BulkInput {
        file: source.to_owned(),
        line,
        column,
        reason: reason.into(),
    }
}

/// One entry: an id, a username or a phone number.
fn entry(s: &str) -> std::result::Result<PeerRef, String> {
    let s = s.trim();
    if let Some(phone) = s.strip_prefix('+') {
        let digits = phone
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect::<String>();
        if (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(PeerRef::Text(format!("+{digits}")));
        }
        return Err(format!("{s:?} is no phone number"));
    }
    if let Ok(id) = s.parse::<i64>() {
        return if id > 0 {
            Ok(PeerRef::Id(id))
        } else {
            Err(format!("{s:?} is no user id"))
        };
    }
    let name = s.strip_prefix('@').unwrap_or(s);
    let valid = (4..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && name.as_bytes()[0].is_ascii_alphabetic();
    if valid {
        Ok(PeerRef::Text(format!("@{name}")))
    } else {
        Err(format!("{s:?} is no user id, @username or +phone"))
    }
}

fn parse_json(text: &str, source: &str) -> Result<Vec<PeerRef>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| bad(source, e.line().max(1), e.column().max(1), e.to_string()))?;
    let list = match &value {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("users") {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(bad(
                    source,
                    1,
                    1,
                    "expected an array, or an object with \"users\"",
                ));
            }
        },
        _ => return Err(bad(source, 1, 1, "expected an array of users")),
    };
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            let at = |reason: String| bad(source, 1, 1, format!("users[{i}]: {reason}"));
            match v {
                Value::Number(n) => n
                    .as_i64()
                    .ok_or_else(|| at(format!("{n} is no user id")))
                    .and_then(|id| entry(&id.to_string()).map_err(at)),
                Value::String(s) => entry(s).map_err(at),
                other => Err(at(format!("{other} is no id or username"))),
            }
        })
        .collect()
}

/// Splits a CSV line into (column, field) pairs; `"..."` quotes with `""`
/// for a quote.
fn fields(line: &str) -> std::result::Result<Vec<(usize, String)>, usize> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        let start = chars.peek().map_or(line.len(), |&(i, _)| i);
        let mut field = String::new();
        if chars.peek().is_some_and(|&(_, c)| c == '"') {
            chars.next();
            loop {
                match chars.next() {
                    Some((_, '"')) if chars.peek().is_some_and(|&(_, c)| c == '"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some((_, '"')) => break,
                    Some((_, c)) => field.push(c),
                    None => return Err(start + 1),
                }
            }
            match chars.next() {
                None => {
                    out.push((start + 1, field));
                    return Ok(out);
                }
                Some((_, ',')) => {}
                Some((i, _)) => return Err(i + 1),
            }
        } else {
            loop {
                match chars.next() {
                    Some((_, ',')) => break,
                    Some((_, c)) => field.push(c),
                    None => {
                        out.push((start + 1, field));
                        return Ok(out);
                    }
                }
            }
        }
        out.push((start + 1, field));
    }
}

fn parse_csv(text: &str, source: &str) -> Result<Vec<PeerRef>> {
    let mut column: Option<usize> = None;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let row = fields(line).map_err(|col| bad(source, n + 1, col, "unterminated quote"))?;
        let col = match column {
            Some(c) => c,
            None => {
                let header = row.iter().position(|(_, f)| {
                    matches!(
                        f.trim().to_ascii_lowercase().as_str(),
                        "id" | "user_id" | "user" | "username"
                    )
                });
                column = Some(header.unwrap_or(0));
                if header.is_some() || (row.len() > 1 && entry(&row[0].1).is_err()) {
                    continue;
                }
                0
            }
        };
        let Some((at, field)) = row.get(col) else {
            return Err(bad(
                source,
                n + 1,
                line.len() + 1,
                format!("no column {}", col + 1),
            ));
        };
        out.push(entry(field).map_err(|r| bad(source, n + 1, *at, r))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[PeerRef]) -> Vec<String> {
        v.iter()
            .map(|p| match p {
                PeerRef::Id(i) => i.to_string(),
                PeerRef::Text(t) => t.clone(),
                PeerRef::Input(_) => "input".into(),
            })
            .collect()
    }

    #[test]
    fn csv_lists_take_a_header_column_or_the_first() {
        let v = parse_user_list("# wave\n123\n@spam_bot\nspammer_two\n+1 555 0100\n", "a").unwrap();
        assert_eq!(names(&v), ["123", "@spam_bot", "@spammer_two", "+15550100"]);
        let v = parse_user_list(
            "name,user_id\n\"Sam, \"\"the\"\" spammer\",42\nBo,43\n",
            "b",
        )
        .unwrap();
        assert_eq!(names(&v), ["42", "43"]);
        let v = parse_user_list("name,other\nx,y\n", "c").unwrap_err();
        assert!(
            matches!(
                v,
                Error::BulkInput {
                    line: 2,
                    column: 1,
                    ..
                }
            ),
            "{v}"
        );
        let e = parse_user_list("42\n-5\n", "d").unwrap_err();
        assert!(
            matches!(
                e,
                Error::BulkInput {
                    line: 2,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
        let e = parse_user_list("id,name\n7,\"open\n", "e").unwrap_err();
        assert!(
            matches!(
                e,
                Error::BulkInput {
                    line: 2,
                    column: 3,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn json_lists_take_ids_and_usernames() {
        let v = parse_user_list(r#"[1, "@abcd", "+4915112345678"]"#, "a").unwrap();
        assert_eq!(names(&v), ["1", "@abcd", "+4915112345678"]);
        let v = parse_user_list(r#"{"users": [5]}"#, "b").unwrap();
        assert_eq!(names(&v), ["5"]);
        let e = parse_user_list(r#"[1, {"x": 2}]"#, "c").unwrap_err();
        assert!(e.to_string().contains("users[1]"), "{e}");
        let e = parse_user_list("[1,\n 2,,]", "d").unwrap_err();
        assert!(matches!(e, Error::BulkInput { line: 2, .. }), "{e}");
    }
}
