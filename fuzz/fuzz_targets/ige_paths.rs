//! AES-256-IGE on this CPU's path (AES-NI where it has it) against the portable
//! path, both ways, and the one-loop packet decryption against decrypting then
//! hashing: the same bytes out, whatever the key, IV and data.
#![no_main]

use ferrogram_mtproto::crypto::{self, portable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((key, rest)) = data.split_first_chunk::<32>() else {
        return;
    };
    let Some((iv, rest)) = rest.split_first_chunk::<32>() else {
        return;
    };
    let Some((prefix, rest)) = rest.split_first_chunk::<32>() else {
        return;
    };
    let len = rest.len() / 16 * 16;
    let input = &rest[..len];
    for encrypt in [true, false] {
        let mut fast = input.to_vec();
        let mut slow = input.to_vec();
        if encrypt {
            crypto::encrypt_ige(&mut fast, key, iv).expect("whole blocks");
            portable::encrypt_ige(&mut slow, key, iv).expect("whole blocks");
        } else {
            crypto::decrypt_ige(&mut fast, key, iv).expect("whole blocks");
            portable::decrypt_ige(&mut slow, key, iv).expect("whole blocks");
        }
        assert_eq!(fast, slow, "encrypt: {encrypt}");
    }
    if let Some((header, body)) = input.split_first_chunk::<32>() {
        let (mut h1, mut b1) = (*header, body.to_vec());
        let (mut h2, mut b2) = (*header, body.to_vec());
        let fast = crypto::decrypt_packet_body(key, iv, prefix, &mut h1, &mut b1).expect("blocks");
        let slow =
            portable::decrypt_packet_body(key, iv, prefix, &mut h2, &mut b2).expect("blocks");
        assert_eq!((h1, &b1, fast), (h2, &b2, slow));
        assert_eq!(fast, crypto::sha256(&[prefix, &h1, &b1]));
    }
});
