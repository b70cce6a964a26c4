//! The crate's one error type, used as a caller would: every part's failure
//! converts into `ferrogram_mtproto::Error` and is matched by variant.

use ferrogram_mtproto::{
    DhError, Error, PlainError, SessionError, check_range, crypto, plain, telegram_dh_prime,
};
use num_bigint::BigUint;

/// What a caller does with any MTProto failure: one match, by part.
fn kind(e: impl Into<Error>) -> &'static str {
    match e.into() {
        Error::Plain(PlainError::TooShort(_)) => "short plain message",
        Error::Plain(_) => "bad plain message",
        Error::Dh(DhError::OutOfRange(_)) => "DH value out of range",
        Error::Dh(_) => "bad DH parameters",
        Error::Session(SessionError::PacketLength(_)) => "bad packet length",
        Error::Session(_) => "refused packet",
        Error::IgeLength(_) => "IGE length",
        Error::Handshake(_) | Error::Rsa(_) | Error::Srp(_) => "other",
        _ => "unknown",
    }
}

#[test]
fn every_part_converts_and_matches_by_variant() {
    assert_eq!(
        kind(plain::decode(&[0; 7]).unwrap_err()),
        "short plain message"
    );
    let p = telegram_dh_prime();
    assert_eq!(
        kind(check_range("g_a", &BigUint::from(1u8), &p).unwrap_err()),
        "DH value out of range"
    );
    let key = crypto::AuthKey::from_bytes([7; 256]);
    let e = ferrogram_mtproto::session::decrypt_message(
        &key,
        crypto::Direction::ServerToClient,
        &[0; 10],
    )
    .unwrap_err();
    assert_eq!(kind(e), "bad packet length");
    let e = crypto::encrypt_ige(&mut [0; 15], &[0; 32], &[0; 32]).unwrap_err();
    assert_eq!(kind(e), "IGE length");
    // Sources and messages survive the conversion.
    let e = Error::from(plain::decode(&[0; 7]).unwrap_err());
    assert!(
        e.to_string().contains("shorter than its 20-byte header"),
        "{e}"
    );
}
