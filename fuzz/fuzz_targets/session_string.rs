//! Session strings from any text, as `--session-string` and environment
//! variables hand them over: Ferrogram's `fg1…` form and Telethon's `1…` form.
//! Never panics; a Ferrogram string that parses re-encodes to one that parses
//! to the same data.
#![no_main]

use ferrogram_session::{SessionData, telethon};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(session) = SessionData::from_session_string(&text) {
        let again = SessionData::from_session_string(&session.to_session_string())
            .expect("our own string parses");
        assert_eq!(again.home_dc, session.home_dc);
        assert_eq!(again.auth_keys, session.auth_keys);
        assert_eq!(again.dc_options, session.dc_options);
    }
    let _ = telethon::import_string(&text);
});
