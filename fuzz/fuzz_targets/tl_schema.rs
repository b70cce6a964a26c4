//! The TL schema parser on arbitrary text: never panics, and every error it reports
//! points inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (schema, errors) = ferrogram_tl_parser::parse_lossy(text);
    let lines = text.lines().count().max(1) as u32;
    for e in &errors {
        assert!(
            e.span.line >= 1 && e.span.line <= lines,
            "{e} outside {lines} lines"
        );
    }
    for d in &schema.definitions {
        let _ = d.inferred_id();
    }
});
