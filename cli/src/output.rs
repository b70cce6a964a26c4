//! Tables, CSV, JSON lines, dates and durations.

use std::io::{IsTerminal, Write};
use std::time::{Duration, SystemTime};

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

pub use ferrogram_cli::time::{rfc3339, unix};

/// [`ferrogram_cli::time::parse_rfc3339`], a usage error (exit code 2) when it fails.
pub fn parse_rfc3339(s: &str) -> Result<SystemTime, CliError> {
    Ok(ferrogram_cli::time::parse_rfc3339(s)?)
}

/// [`ferrogram_cli::time::parse_duration`], a usage error (exit code 2) when it fails.
pub fn parse_duration(s: &str) -> Result<Duration, CliError> {
    Ok(ferrogram_cli::time::parse_duration(s)?)
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
    fn parse_errors_are_usage_errors() {
        assert_eq!(parse_rfc3339("yesterday").unwrap_err().code, 2);
        assert_eq!(parse_duration("soon").unwrap_err().code, 2);
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("Ada"), "Ada");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
