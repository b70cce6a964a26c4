//! MTProto 2.0 by hand, with no I/O: a client encrypts a message with an auth
//! key, the server decrypts it and every check runs; a tampered byte is
//! refused with a typed error. Run:
//! `cargo run -p ferrogram-mtproto --example encrypt_packet`.

use ferrogram_mtproto::session::{Envelope, decrypt_message, encrypt_message};
use ferrogram_mtproto::{AuthKey, Direction, Error, SessionError};
use rand_core::{OsRng, RngCore};

fn main() {
    // An auth key is what the handshake creates; here, 256 random bytes.
    let mut key = [0u8; 256];
    OsRng.fill_bytes(&mut key);
    let key = AuthKey::from_bytes(key);

    let message = Envelope {
        salt: 0x1122_3344_5566_7788,
        session_id: 42,
        msg_id: 0x6000_0000_0000_0004,
        seq_no: 1,
        // A TL-serialized request (TL bodies are multiples of 4 bytes).
        body: ferrogram_tl_types::Serializable::to_bytes(
            &ferrogram_tl_types::functions::help::GetConfig {},
        ),
    };
    let packet = encrypt_message(&key, Direction::ClientToServer, &message, &mut OsRng);
    println!(
        "{} body bytes -> {} encrypted bytes",
        message.body.len(),
        packet.len()
    );

    let received = decrypt_message(&key, Direction::ClientToServer, &packet).expect("intact");
    assert_eq!(received.body, message.body);
    println!(
        "decrypted msg_id {:#x}, seq_no {}",
        received.msg_id, received.seq_no
    );

    // One flipped bit: the msg_key no longer matches.
    let mut tampered = packet.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    match decrypt_message(&key, Direction::ClientToServer, &tampered).map_err(Error::from) {
        Err(Error::Session(SessionError::MsgKeyMismatch)) => println!("tampered: refused"),
        other => panic!("a tampered packet got through: {other:?}"),
    }
}
