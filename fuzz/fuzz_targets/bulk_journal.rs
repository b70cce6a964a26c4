//! The bulk tool's journals (`ferrogram bulk --resume FILE`, JSON lines a
//! killed run may have cut short): any bytes are a journal or an
//! `Error::BulkInput` naming the line, never a panic; a journal read back
//! from its own records is the same.
#![no_main]

use ferrogram_chat_mgmt::{Error, parse_journal};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_journal(data, "journal") {
        Ok((records, _torn)) => {
            let mut again = Vec::new();
            for r in &records {
                serde_json::to_writer(&mut again, r).unwrap();
                again.push(b'\n');
            }
            let (back, torn) = parse_journal(&again, "journal").unwrap();
            assert!(!torn);
            assert_eq!(back, records);
        }
        Err(Error::BulkInput { line, column, .. }) => assert!(line >= 1 && column >= 1),
        Err(e) => panic!("a journal error of another kind: {e}"),
    }
});
