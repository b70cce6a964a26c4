//! The bulk tool's reports (`ferrogram bulk --undo FILE`): any text is a
//! report or an `Error::BulkInput`, never a panic; a report written out
//! and read back is the same.
#![no_main]

use ferrogram_chat_mgmt::{BulkReport, Error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match BulkReport::from_json(&text, "report") {
        Ok(report) => {
            let back = BulkReport::from_json(&report.to_json(), "report").unwrap();
            assert_eq!(back, report);
        }
        Err(Error::BulkInput { line, column, .. }) => assert!(line >= 1 && column >= 1),
        Err(e) => panic!("a report error of another kind: {e}"),
    }
});
