//! Tables, CSV, JSON lines, dates and durations.

use std::io::{IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::CliError;

/// How a listing is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Json,
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// RFC 3339 in UTC, to the second.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// A Unix timestamp as RFC 3339.
pub fn unix(t: i32) -> String {
    rfc3339(UNIX_EPOCH + Duration::from_secs(t.max(0) as u64))
}

/// Parses `2026-11-25T12:00:00Z` or with an offset (`+02:00`); fractions of a
/// second are ignored.
pub fn parse_rfc3339(s: &str) -> Result<SystemTime, CliError> {
    let bad = || {
        CliError::usage(format!(
            "not an RFC 3339 time: {s:?} (like 2026-11-25T18:00:00Z)"
        ))
    };
    let s = s.trim();
    let (date, time) = s.split_once(['T', 't', ' ']).ok_or_else(bad)?;
    let mut ymd = date.split('-');
    let y: i64 = ymd.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let mo: u32 = ymd.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let d: u32 = ymd.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let at = time.rfind(['+', '-']).ok_or_else(bad)?;
        let (c, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':').ok_or_else(bad)?;
        let oh: i64 = oh.parse().map_err(|_| bad())?;
        let om: i64 = om.parse().map_err(|_| bad())?;
        (c, sign * (oh * 3600 + om * 60))
    };
    let clock = clock.split('.').next().unwrap_or(clock);
    let mut hms = clock.split(':');
    let h: i64 = hms.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let mi: i64 = hms.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let se: i64 = hms
        .next()
        .map_or(Some(0), |x| x.parse().ok())
        .ok_or_else(bad)?;
    if h > 23 || mi > 59 || se > 60 {
        return Err(bad());
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset;
    if secs < 0 {
        return Err(bad());
    }
    Ok(UNIX_EPOCH + Duration::from_secs(secs as u64))
}

/// Parses `90s`, `10m`, `1h30m`, `2d`, `1w` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<Duration, CliError> {
    let bad = || CliError::usage(format!("not a duration: {s:?} (like 30s, 10m, 1h30m, 2d)"));
    let s = s.trim();
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = s.parse::<u64>() {
        return Ok(Duration::from_secs(n));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// One CSV field, quoted when it must be (borrowed when it need not be).
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Pads or cuts `s` to `width` characters.
pub fn cell(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// A progress line on stderr, drawn only when stderr is a terminal.
pub struct Progress {
    on: bool,
    what: &'static str,
    last: usize,
}

impl Progress {
    pub fn new(what: &'static str) -> Self {
        Self {
            on: std::io::stderr().is_terminal(),
            what,
            last: 0,
        }
    }

    /// Redraws (every 100 items) as `[#####.....] done/total what`.
    pub fn update(&mut self, done: usize, total: Option<usize>) {
        if !self.on || (done - self.last.min(done) < 100 && done != total.unwrap_or(0)) {
            return;
        }
        self.last = done;
        let line = match total {
            Some(t) if t > 0 => {
                let filled = (done.min(t) * 30 / t).min(30);
                format!(
                    "\r[{}{}] {done}/{t} {}",
                    "#".repeat(filled),
                    ".".repeat(30 - filled),
                    self.what
                )
            }
            _ => format!("\r{done} {}", self.what),
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Ends the line.
    pub fn finish(&mut self) {
        if self.on {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let t = parse_rfc3339("2026-11-25T12:34:56Z").unwrap();
        assert_eq!(rfc3339(t), "2026-11-25T12:34:56Z");
        let t2 = parse_rfc3339("2026-11-25T14:34:56+02:00").unwrap();
        assert_eq!(t, t2);
        assert_eq!(unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(unix(951_782_400), "2000-02-29T00:00:00Z");
        assert!(parse_rfc3339("2026-13-01T00:00:00Z").is_err());
        assert!(parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
        assert!(parse_duration("1x").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("5m3").is_err());
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("Ada"), "Ada");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
