//! The dates and durations `ferrogram` reads from its command line
//! (`--until 2026-11-25T18:00:00+02:00`, `--for 1h30m`) and prints (RFC 3339 in
//! UTC). Every parser here takes any text: out-of-range fields, overflowing
//! sums and times past what [`SystemTime`] holds are a [`TimeArgError`], never a
//! panic (the `cli_time` fuzz target holds it to that).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Text that is not a date or duration `ferrogram` accepts; the message quotes
/// it and shows the expected form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeArgError(pub String);

impl std::fmt::Display for TimeArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TimeArgError {}

/// The latest year [`parse_rfc3339`] accepts (RFC 3339 years have four digits).
pub const MAX_YEAR: i64 = 9999;

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
/// `days` comes from a [`SystemTime`] (at most ±2^63 s / 86 400), far inside
/// the range where none of the steps overflows.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // doy < 366 and mp < 12: both fit.
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01; `y` is within 0..=[`MAX_YEAR`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch, negative before it, saturating at `i64`'s ends.
fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// RFC 3339 in UTC, to the second (`2026-11-25T12:34:56Z`).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = unix_seconds(t);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// A Unix timestamp (as Telegram sends them) in RFC 3339; negative ones print
/// as the epoch.
pub fn unix(t: i32) -> String {
    rfc3339(UNIX_EPOCH + Duration::from_secs(u64::from(t.max(0).unsigned_abs())))
}

fn number<T: std::str::FromStr>(s: Option<&str>) -> Option<T> {
    // `parse` accepts a leading `+`, which no date field has.
    s.filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse().ok())
}

/// Parses `2026-11-25T12:00:00Z` or with an offset (`+02:00`); fractions of a
/// second are ignored. Years run from 0 to [`MAX_YEAR`]; a time before the
/// Unix epoch is refused.
pub fn parse_rfc3339(s: &str) -> Result<SystemTime, TimeArgError> {
    let bad = || {
        TimeArgError(format!(
            "not an RFC 3339 time: {s:?} (like 2026-11-25T18:00:00Z)"
        ))
    };
    let s = s.trim();
    let (date, time) = s.split_once(['T', 't', ' ']).ok_or_else(bad)?;
    let mut ymd = date.split('-');
    let y: i64 = number(ymd.next()).ok_or_else(bad)?;
    let mo: u32 = number(ymd.next()).ok_or_else(bad)?;
    let d: u32 = number(ymd.next()).ok_or_else(bad)?;
    if ymd.next().is_some() || y > MAX_YEAR || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let at = time.rfind(['+', '-']).ok_or_else(bad)?;
        let (c, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off
            .get(1..)
            .and_then(|o| o.split_once(':'))
            .ok_or_else(bad)?;
        let oh: i64 = number(Some(oh)).ok_or_else(bad)?;
        let om: i64 = number(Some(om)).ok_or_else(bad)?;
        if oh > 23 || om > 59 {
            return Err(bad());
        }
        (c, sign * (oh * 3600 + om * 60))
    };
    let clock = clock.split('.').next().unwrap_or(clock);
    let mut hms = clock.split(':');
    let h: i64 = number(hms.next()).ok_or_else(bad)?;
    let mi: i64 = number(hms.next()).ok_or_else(bad)?;
    let se: i64 = match hms.next() {
        None => 0,
        some => number(some).ok_or_else(bad)?,
    };
    if hms.next().is_some() || h > 23 || mi > 59 || se > 60 {
        return Err(bad());
    }
    // Every term is bounded (y <= 9999, offsets < 1 day): no overflow.
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset;
    let secs = u64::try_from(secs).map_err(|_| bad())?;
    Ok(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Parses `90s`, `10m`, `1h30m`, `2d`, `1w` (a bare number is seconds); a sum
/// past `u64` seconds is refused.
pub fn parse_duration(s: &str) -> Result<Duration, TimeArgError> {
    let bad = || TimeArgError(format!("not a duration: {s:?} (like 30s, 10m, 1h30m, 2d)"));
    let s = s.trim();
    if s.is_empty() {
        return Err(bad());
    }
    if let Some(n) = number::<u64>(Some(s)) {
        return Ok(Duration::from_secs(n));
    }
    let mut total = 0u64;
    let mut digits = 0..0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() {
            if digits.is_empty() {
                digits = i..i;
            }
            digits.end = i + 1;
            continue;
        }
        let n: u64 = number(s.get(digits.clone())).ok_or_else(bad)?;
        digits = 0..0;
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
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// `now + duration`, or an error when the sum is past what [`SystemTime`]
/// holds (`--for 99999999999w`).
pub fn after(now: SystemTime, duration: Duration) -> Result<SystemTime, TimeArgError> {
    now.checked_add(duration)
        .ok_or_else(|| TimeArgError(format!("{duration:?} from now is too far in the future")))
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
        assert_eq!(unix(-5), "1970-01-01T00:00:00Z");
        assert_eq!(unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            rfc3339(parse_rfc3339("9999-12-31T23:59:59Z").unwrap()),
            "9999-12-31T23:59:59Z"
        );
        assert!(parse_rfc3339("2026-13-01T00:00:00Z").is_err());
        assert!(parse_rfc3339("yesterday").is_err());
        assert!(parse_rfc3339("1969-12-31T23:59:59Z").is_err());
    }

    #[test]
    fn hostile_dates_are_errors_not_panics() {
        // Each of these overflowed or panicked before the bounds were checked:
        // a year past i64 arithmetic, a `+` sign `parse` accepted, an offset of
        // 10^15 hours, and `-` alone after the time.
        for s in [
            "99999999999999999-01-01T00:00:00Z",
            "+2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00+999999999999999:00",
            "2026-01-01T00:00:00-",
            "2026-01-01T00:00:00:00Z",
            "2026-01-01-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
        ] {
            assert!(parse_rfc3339(s).is_err(), "{s}");
        }
        assert!(rfc3339(UNIX_EPOCH + Duration::from_secs(u64::MAX / 4)).contains('T'));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
        assert_eq!(
            parse_duration("1w1s").unwrap(),
            Duration::from_secs(604_801)
        );
        for s in [
            "1x",
            "h",
            "5m3",
            "+5",
            "",
            "99999999999999999999s",
            "30511999999999w",
        ] {
            assert!(parse_duration(s).is_err(), "{s}");
        }
    }

    #[test]
    fn a_duration_past_system_time_is_an_error() {
        let huge = parse_duration(&format!("{}", u64::MAX)).unwrap();
        assert!(after(SystemTime::now(), huge).is_err());
        let hour = parse_duration("1h").unwrap();
        assert!(after(SystemTime::now(), hour).unwrap() > SystemTime::now());
    }
}
