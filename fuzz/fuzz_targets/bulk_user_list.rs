//! The bulk tool's lists of users (`ferrogram bulk --list FILE`, CSV or
//! JSON): any text is a list or an `Error::BulkInput` with a line and a
//! column inside the text, never a panic.
#![no_main]

use ferrogram_chat_mgmt::{Error, parse_user_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_user_list(&text, "list") {
        Ok(users) => assert!(users.len() <= text.len()),
        Err(Error::BulkInput {
            file, line, column, ..
        }) => {
            assert_eq!(file, "list");
            assert!(line >= 1 && column >= 1, "{line}:{column}");
            // The text's lines, the empty one after a last newline counted.
            assert!(
                line <= text.matches('\n').count() + 1,
                "line {line} of {text:?}"
            );
        }
        Err(e) => panic!("a list error of another kind: {e}"),
    }
});
