//! The framing between MTProto packets and a byte stream, with no I/O: a
//! client frames packets (obfuscated intermediate, as Telegram's apps), the
//! server recognises the framing from the first bytes and reads the packets
//! back however the stream splits them. Run:
//! `cargo run -p ferrogram-transport --example frame_stream`.

use ferrogram_transport::{Frame, Obfuscation, Protocol, Transport, detect};
use rand_core::OsRng;

fn main() -> Result<(), ferrogram_transport::TransportError> {
    let (mut client, mut wire) = Transport::client(
        Protocol::Intermediate,
        Some(Obfuscation::default()),
        &mut OsRng,
    )?;
    for packet in [vec![1u8; 8], vec![2u8; 1024]] {
        client.encode(&packet, &mut OsRng, &mut wire).unwrap();
    }
    println!("{} bytes on the wire", wire.len());

    // The server sees the first 64 bytes, then the rest in odd-sized pieces.
    let detected = detect(&wire[..64], None)?.expect("64 bytes are enough to tell");
    let mut server = detected.transport;
    println!("detected {:?}", server.protocol());
    for piece in wire[64..].chunks(7) {
        server.push(piece);
        while let Some(frame) = server.next_frame()? {
            if let Frame::Packet(p) = frame {
                println!("packet of {} bytes (first byte {})", p.len(), p[0]);
            }
        }
    }
    Ok(())
}
