//! The CLI's `--until` dates and `--for` durations from any text: an error or
//! a value, never a panic; a date that parses prints (RFC 3339, UTC) as text
//! that parses to the same instant.
#![no_main]

use ferrogram_cli::time::{after, parse_duration, parse_rfc3339, rfc3339};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(t) = parse_rfc3339(&text) {
        let printed = rfc3339(t);
        let again = parse_rfc3339(&printed).expect("our own output parses");
        // The printed form is to the second; fractions were ignored on input.
        assert_eq!(again, t, "{text:?} -> {printed}");
    }
    if let Ok(d) = parse_duration(&text) {
        let _ = after(std::time::SystemTime::UNIX_EPOCH, d);
    }
});
