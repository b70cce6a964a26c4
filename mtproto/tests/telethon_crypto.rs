//! Cross-checks against Telethon 1.45.0 on random inputs: AES-IGE, MTProto 2.0's KDF
//! and msg_key, auth-key id and aux hash, and RSA in the form Telethon sends
//! (`sha1 + data + padding`), decrypted here with the private half.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use ferrogram_mtproto::crypto::{self, AuthKey, Direction};
use ferrogram_mtproto::rsa::RsaPrivateKey;

fn arr<const N: usize>(s: &str) -> [u8; N] {
    peer::unhex(s).try_into().expect("length")
}

#[test]
fn telethon_agrees_on_ige_kdf_msg_key_and_rsa() {
    let Some(python) = peer::python("Telethon crypto cross-check") else {
        return;
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let out = peer::run(
        &python,
        &[
            &peer::script("telethon_crypto.py"),
            &format!("{dir}/test_rsa_public.pem"),
            "200",
        ],
    );
    let private = RsaPrivateKey::from_pem(
        &std::fs::read_to_string(format!("{dir}/test_rsa_private.pem")).unwrap(),
    )
    .unwrap();
    let mut cases = 0;
    for line in String::from_utf8(out).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| v[k].as_str().unwrap().to_string();
        // IGE both ways.
        let mut data = peer::unhex(&s("data"));
        crypto::encrypt_ige(&mut data, &arr(&s("key")), &arr(&s("iv"))).unwrap();
        assert_eq!(data, peer::unhex(&s("ige")));
        crypto::decrypt_ige(&mut data, &arr(&s("key")), &arr(&s("iv"))).unwrap();
        assert_eq!(data, peer::unhex(&s("data")));
        // KDF and msg_key.
        let auth = AuthKey::from_bytes(arr(&s("auth_key")));
        let dir = if v["client"].as_bool().unwrap() {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        let (key, iv) = crypto::derive_aes_key_iv(&auth, &arr(&s("msg_key")), dir);
        assert_eq!(
            (key.to_vec(), iv.to_vec()),
            (peer::unhex(&s("aes_key")), peer::unhex(&s("aes_iv")))
        );
        assert_eq!(
            crypto::msg_key(&auth, dir, &peer::unhex(&s("plaintext"))).to_vec(),
            peer::unhex(&s("computed_msg_key"))
        );
        // Key id and aux hash (Telethon reads both as unsigned little-endian).
        assert_eq!(u64::from_le_bytes(auth.id()), v["key_id"].as_u64().unwrap());
        assert_eq!(
            u64::from_le_bytes(auth.aux_hash()),
            v["aux_hash"].as_u64().unwrap()
        );
        // RSA: Telethon's block decrypts to sha1(data) + data.
        let inner = peer::unhex(&s("rsa_data"));
        let (hash, rest) = private
            .decrypt_sha1_padded(&peer::unhex(&s("rsa")))
            .unwrap();
        assert_eq!(hash, crypto::sha1(&[&inner]));
        assert_eq!(&rest[..inner.len()], &inner[..]);
        cases += 1;
    }
    assert_eq!(cases, 200);
    println!("Telethon agrees on {cases} random IGE/KDF/msg_key/key-id/RSA cases");
}
