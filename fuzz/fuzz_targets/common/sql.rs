//! Hostile SQLite files for the session targets: either the fuzzer's bytes as
//! the file itself, or a well-formed database whose tables the fuzzer fills
//! with values of any SQLite type (SQLite is dynamically typed, so a column
//! declared INTEGER can hold text, a blob or a float in a file someone edited).

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use rusqlite::types::Value;

/// A fresh file path in a directory private to this process (tmpfs when there
/// is one), removed by [`Scratch::drop`].
pub struct Scratch {
    pub dir: std::path::PathBuf,
}

impl Scratch {
    pub fn new(tag: &str) -> Self {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("ferrogram-fuzz-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Self { dir }
    }

    pub fn file(&self, name: &str) -> std::path::PathBuf {
        let p = self.dir.join(name);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One value of any SQLite type, biased towards the edges the loaders convert
/// (i32/u16 bounds, 256-byte keys, NaN, text that is not a number).
pub fn value(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Value::Null,
        1 => Value::Integer(u.arbitrary()?),
        2 => Value::Integer(*u.choose(&[
            0,
            1,
            -1,
            2,
            i64::from(i32::MAX),
            i64::from(i32::MAX) + 1,
            i64::from(i32::MIN) - 1,
            65_535,
            65_536,
            i64::MIN,
            i64::MAX,
            -1_000_000_000_000,
            -1_000_000_000_001,
        ])?),
        3 => Value::Real(u.arbitrary()?),
        4 => Value::Text(u.arbitrary()?),
        5 => Value::Text(
            (*u.choose(&[
                "127.0.0.1",
                "::1",
                "2001:db8::1",
                "999.1.1.1",
                "",
                "1",
                "nan",
            ])?)
            .to_owned(),
        ),
        6 => {
            let len = *u.choose(&[0usize, 1, 255, 256, 257])?;
            Value::Blob(u.bytes(len.min(u.len()))?.to_vec())
        }
        _ => Value::Blob(u.arbitrary()?),
    })
}

/// Inserts up to three rows of arbitrary values into `table` (`columns` of
/// them); rows a constraint refuses are skipped, as a hand edit would be.
pub fn fill(
    conn: &rusqlite::Connection,
    u: &mut Unstructured<'_>,
    table: &str,
    columns: &[&str],
) -> Result<()> {
    let rows = u.int_in_range(0u8..=3)?;
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    );
    for _ in 0..rows {
        let mut values = Vec::with_capacity(columns.len());
        for _ in columns {
            values.push(value(u)?);
        }
        let _ = conn.execute(&sql, rusqlite::params_from_iter(values));
    }
    Ok(())
}
