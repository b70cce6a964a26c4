//! Differential tests of AES-256-IGE: what this CPU runs (AES-NI where it has it),
//! the portable path, and a reference written here on the `aes` crate from the
//! definition, over random keys, IVs and every length up to 8 KiB, plus a 1 MiB
//! buffer; and the one-loop packet decryption against decrypting then hashing.

use aes::Aes256;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use ferrogram_mtproto::crypto::{self, portable};
use ferrogram_mtproto::testing::SeededRng;
use rand_core::RngCore;

/// IGE from its definition: `c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}`.
fn reference(data: &[u8], key: &[u8; 32], iv: &[u8; 32], encrypt: bool) -> Vec<u8> {
    let aes = Aes256::new(GenericArray::from_slice(key));
    let (mut x, mut y) = (iv[..16].to_vec(), iv[16..].to_vec());
    let mut out = Vec::with_capacity(data.len());
    for block in data.chunks(16) {
        // Encrypting, x is the previous ciphertext; decrypting, the previous plaintext.
        let (chain_in, chain_out) = if encrypt { (&x, &y) } else { (&y, &x) };
        let mut b: Vec<u8> = block.iter().zip(chain_in).map(|(a, b)| a ^ b).collect();
        let ga = GenericArray::from_mut_slice(&mut b);
        if encrypt {
            aes.encrypt_block(ga);
        } else {
            aes.decrypt_block(ga);
        }
        let res: Vec<u8> = b.iter().zip(chain_out).map(|(a, b)| a ^ b).collect();
        if encrypt {
            (x, y) = (res.clone(), block.to_vec());
        } else {
            (x, y) = (block.to_vec(), res.clone());
        }
        out.extend_from_slice(&res);
    }
    out
}

fn random<const N: usize>(rng: &mut SeededRng) -> [u8; N] {
    let mut a = [0u8; N];
    rng.fill_bytes(&mut a);
    a
}

fn check(rng: &mut SeededRng, len: usize) {
    let key = random::<32>(rng);
    let iv = random::<32>(rng);
    let mut plain = vec![0u8; len];
    rng.fill_bytes(&mut plain);
    let want = reference(&plain, &key, &iv, true);
    let mut fast = plain.clone();
    crypto::encrypt_ige(&mut fast, &key, &iv).unwrap();
    assert_eq!(
        fast,
        want,
        "encrypting {len} bytes ({})",
        crypto::ige_backend()
    );
    let mut slow = plain.clone();
    portable::encrypt_ige(&mut slow, &key, &iv).unwrap();
    assert_eq!(slow, want, "portable encryption of {len} bytes");
    assert_eq!(reference(&want, &key, &iv, false), plain);
    crypto::decrypt_ige(&mut fast, &key, &iv).unwrap();
    assert_eq!(
        fast,
        plain,
        "decrypting {len} bytes ({})",
        crypto::ige_backend()
    );
    portable::decrypt_ige(&mut slow, &key, &iv).unwrap();
    assert_eq!(slow, plain, "portable decryption of {len} bytes");
    if len >= 32 {
        let prefix = random::<32>(rng);
        let mut header: [u8; 32] = want[..32].try_into().unwrap();
        let mut body = want[32..].to_vec();
        let (mut h2, mut b2) = (header, body.clone());
        let hash = crypto::decrypt_packet_body(&key, &iv, &prefix, &mut header, &mut body).unwrap();
        portable::decrypt_packet_body(&key, &iv, &prefix, &mut h2, &mut b2).unwrap();
        assert_eq!(
            [&header[..], &body].concat(),
            plain,
            "packet of {len} bytes"
        );
        assert_eq!((header, &body), (h2, &b2));
        assert_eq!(
            hash,
            crypto::sha256(&[&prefix, &plain]),
            "hash, {len} bytes"
        );
    }
}

#[test]
fn every_path_agrees_for_every_length_to_8_kib() {
    let rng = &mut SeededRng::new(0x1ce);
    for blocks in 0..=512 {
        check(rng, blocks * 16);
    }
}

#[test]
fn every_path_agrees_on_a_mebibyte() {
    let rng = &mut SeededRng::new(0x16e);
    check(rng, (1 << 20) + 16);
}

#[test]
fn packets_round_trip_at_every_size_class() {
    use ferrogram_mtproto::crypto::{AuthKey, Direction};
    use ferrogram_mtproto::session::{Envelope, decrypt_message, encrypt_message};
    let rng = &mut SeededRng::new(7);
    let key = AuthKey::from_bytes(random::<256>(rng));
    for len in [0usize, 4, 60, 64, 124, 1024, 4096, 65_536, 1 << 20] {
        let mut body = vec![0u8; len];
        rng.fill_bytes(&mut body);
        let env = Envelope {
            salt: 1,
            session_id: 2,
            msg_id: 3 << 32,
            seq_no: 5,
            body,
        };
        let packet = encrypt_message(&key, Direction::ServerToClient, &env, rng);
        assert_eq!(
            decrypt_message(&key, Direction::ServerToClient, &packet),
            Ok(env.clone())
        );
        // msg_key covers every byte: one flipped bit anywhere is refused.
        let mut bad = packet.clone();
        let at = 24 + (rng.next_u32() as usize) % (packet.len() - 24);
        bad[at] ^= 1 << (rng.next_u32() % 8);
        assert!(decrypt_message(&key, Direction::ServerToClient, &bad).is_err());
    }
}
