//! RSA keys from PEM text, as `ferrogram --rsa-key FILE` and the testserver
//! read them: public (PKCS#1 and SPKI) and private (PKCS#1) keys from any
//! bytes. Never panics; a key that parses re-encodes to a key that parses the
//! same.
#![no_main]

use ferrogram_mtproto::rsa::{RsaPrivateKey, RsaPublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(key) = RsaPublicKey::from_pem(&text) {
        let again = RsaPublicKey::from_pem(&key.to_pkcs1_pem()).expect("our own PEM parses");
        assert_eq!(again.fingerprint(), key.fingerprint());
    }
    let _ = RsaPrivateKey::from_pem(&text);
});
