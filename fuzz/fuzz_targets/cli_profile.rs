//! The CLI's `<session>.profile.json` from any text: a profile or a
//! `ProfileError`, never a panic; a profile that parses writes back to text
//! that parses to the same profile.
#![no_main]

use ferrogram_cli::profile::Profile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = Profile::from_json(&text) {
        let again = Profile::from_json(&p.to_json()).expect("our own output parses");
        assert_eq!(again, p);
    }
});
