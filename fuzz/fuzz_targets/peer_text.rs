//! Textual peer references (`@name`, links, `+phone`, ids, `me`) as a user
//! types them for `get_input_entity` and the CLI: `None` or a reading that
//! keeps its promises, never a panic.
#![no_main]

use ferrogram_client::PeerText;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let trimmed = text.trim();
    match PeerText::parse(&text) {
        None => {}
        Some(PeerText::Me) => {
            assert!(trimmed.eq_ignore_ascii_case("me") || trimmed.eq_ignore_ascii_case("self"))
        }
        Some(PeerText::Username(name)) => {
            assert!((4..=32).contains(&name.len()), "{name:?}");
            assert!(
                name.starts_with(|c: char| c.is_ascii_lowercase()),
                "{name:?}"
            );
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name:?}"
            );
        }
        Some(PeerText::Invite(hash)) => assert!(!hash.is_empty()),
        Some(PeerText::Phone(digits)) => {
            assert!(trimmed.starts_with('+'), "{text:?}");
            assert!(digits.len() >= 5 && digits.chars().all(|c| c.is_ascii_digit()));
        }
        Some(PeerText::Id(id)) => assert_eq!(trimmed.parse::<i64>().ok(), Some(id)),
        Some(other) => panic!("a reading the target does not know: {other:?}"),
    }
});
