//! The testserver's JSON fixtures (`ferrogram serve --fixture FILE`, the
//! `FERROGRAM_FIXTURE` of the Python peers' tests): any text is a fixture or an
//! `Error::Fixture` naming the offending path, never a panic.
#![no_main]

use ferrogram_testserver::{Error, TestServer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match TestServer::builder().fixture_json(&text) {
        Ok(_) => {}
        Err(Error::Fixture { path, reason }) => {
            assert_eq!(path, "<string>");
            assert!(!reason.is_empty());
        }
        Err(e) => panic!("a fixture error of another kind: {e}"),
    }
});
