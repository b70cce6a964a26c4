//! A canonical, positional JSON form of TL values, for differential testing.
//!
//! Every boxed value becomes `{"_":ID,"f":[FIELDS...]}` with its constructor id as a
//! number and its fields in schema order (the `flags` words left out, `flags.N?true`
//! fields as booleans, absent optional fields as `null`). `bytes`, `int128` and
//! `int256` are lowercase hex strings; `double` is the hex of its IEEE-754 bits
//! (little-endian), so no float formatting is involved. Field names are deliberately
//! absent: implementations disagree on them (`self` vs `is_self`), not on positions.

use std::fmt::Write as _;

/// Writes the canonical JSON form of a value.
pub trait CanonicalJson {
    /// Appends the canonical JSON of `self` to `out`.
    fn write_canonical_json(&self, out: &mut String);

    /// The canonical JSON of `self`.
    fn to_canonical_json(&self) -> String {
        let mut s = String::new();
        self.write_canonical_json(&mut s);
        s
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl CanonicalJson for $t {
            fn write_canonical_json(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )*};
}
number!(i32, i64, u32);

impl CanonicalJson for bool {
    fn write_canonical_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl CanonicalJson for f64 {
    fn write_canonical_json(&self, out: &mut String) {
        hex(&self.to_le_bytes(), out);
    }
}

impl CanonicalJson for String {
    fn write_canonical_json(&self, out: &mut String) {
        json_string(self, out);
    }
}

/// TL `string`, as the generated fields hold it.
impl CanonicalJson for compact_str::CompactString {
    fn write_canonical_json(&self, out: &mut String) {
        json_string(self, out);
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl<const N: usize> CanonicalJson for [u8; N] {
    fn write_canonical_json(&self, out: &mut String) {
        hex(self, out);
    }
}

/// TL `bytes`.
impl CanonicalJson for Vec<u8> {
    fn write_canonical_json(&self, out: &mut String) {
        hex(self, out);
    }
}

impl<T: CanonicalJson> CanonicalJson for Vec<T> {
    fn write_canonical_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_canonical_json(out);
        }
        out.push(']');
    }
}

impl<T: CanonicalJson> CanonicalJson for Option<T> {
    fn write_canonical_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_canonical_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: CanonicalJson + ?Sized> CanonicalJson for Box<T> {
    fn write_canonical_json(&self, out: &mut String) {
        (**self).write_canonical_json(out)
    }
}

fn hex(bytes: &[u8], out: &mut String) {
    out.push('"');
    for b in bytes {
        // Both nibbles are below 16, so `from_digit` always has a digit.
        for nibble in [b >> 4, b & 15] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out.push('"');
}

/// Opens a boxed value: `{"_":ID,"f":[`.
#[doc(hidden)]
pub fn open(id: u32, out: &mut String) {
    out.push_str("{\"_\":");
    out.push_str(&id.to_string());
    out.push_str(",\"f\":[");
}
