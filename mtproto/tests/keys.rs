//! PEM keys in every accepted form describe the same key.

use ferrogram_mtproto::rsa::{RsaPrivateKey, RsaPublicKey};

#[test]
fn pkcs1_spki_and_private_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let read = |n: &str| std::fs::read_to_string(format!("{dir}/{n}")).unwrap();
    let pkcs1 = RsaPublicKey::from_pem(&read("test_rsa_public.pem")).unwrap();
    let spki = RsaPublicKey::from_pem(&read("test_rsa_public_spki.pem")).unwrap();
    let private = RsaPrivateKey::from_pem(&read("test_rsa_private.pem")).unwrap();
    assert_eq!(pkcs1, spki);
    assert_eq!(private.public(), &pkcs1);
    assert_eq!(
        RsaPublicKey::from_pem(&pkcs1.to_pkcs1_pem()).unwrap(),
        pkcs1
    );
    assert!(RsaPrivateKey::from_pem(&read("test_rsa_public.pem")).is_err());
    assert!(
        format!("{private:?}").contains("fingerprint") && !format!("{private:?}").contains(" d:")
    );
}
