//! Encrypted-packet decryption on arbitrary bytes (both directions), and the client
//! session's handling of arbitrary message bodies behind a valid encryption
//! (containers, gzip, rpc_result, service messages): never panics.
#![no_main]

#[path = "rng.rs"]
mod rng;

use ferrogram_mtproto::crypto::{AuthKey, Direction};
use ferrogram_mtproto::session::{
    ClientSession, Envelope, Timestamp, decrypt_message, encrypt_message,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = AuthKey::from_bytes([7u8; 256]);
    let _ = decrypt_message(&key, Direction::ClientToServer, data);
    let _ = decrypt_message(&key, Direction::ServerToClient, data);
    let mut rng = rng::Rng(1);
    let mut session = ClientSession::new(key.clone(), 1, 0, &mut rng);
    let now = Timestamp::from_secs(1_764_000_000);
    let env = Envelope {
        salt: 1,
        session_id: session.session_id(),
        msg_id: (now.secs << 32) | 1,
        seq_no: 1,
        body: data[..data.len() / 4 * 4].to_vec(),
    };
    let packet = encrypt_message(&key, Direction::ServerToClient, &env, &mut rng);
    let _ = session.handle_packet(&packet, now);
});
