//! Every protocol, plain and obfuscated, both directions, with input split at every
//! byte; plus each error.

use ferrogram_transport::{Frame, Obfuscation, Protocol, Transport, TransportError, detect};
use rand_core::RngCore;

struct TestRng(u64);
impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            *b = self.next_u64() as u8;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

const ALL: [Protocol; 4] = [
    Protocol::Abridged,
    Protocol::Intermediate,
    Protocol::PaddedIntermediate,
    Protocol::Full,
];

fn packets() -> Vec<Vec<u8>> {
    vec![
        vec![1, 2, 3, 4],
        (0..128u32).flat_map(|i| i.to_le_bytes()).collect(),
        vec![7; 4 * 200],
        vec![9; 4 * 0x7f],
    ]
}

fn pair(
    protocol: Protocol,
    obfuscated: bool,
    rng: &mut TestRng,
) -> (Transport, Transport, Option<i16>) {
    let ob = obfuscated.then_some(Obfuscation {
        dc_id: Some(-2),
        secret: None,
    });
    let (client, init) = Transport::client(protocol, ob, rng).unwrap();
    // The server sees the init bytes one at a time until it can tell.
    let mut seen = Vec::new();
    let mut detected = None;
    for b in &init {
        seen.push(*b);
        if let Some(d) = detect(&seen, None).unwrap() {
            detected = Some(d);
            break;
        }
    }
    // Full has no init bytes: detection needs the first packet.
    let d = match detected {
        Some(d) => d,
        None => {
            assert_eq!(protocol, Protocol::Full);
            return (
                client,
                Transport::client(Protocol::Full, None, rng).unwrap().0,
                None,
            );
        }
    };
    assert_eq!(d.transport.protocol(), protocol);
    assert_eq!(d.transport.is_obfuscated(), obfuscated);
    (client, d.transport, d.dc_id)
}

fn packet_of(frame: Option<Frame>) -> Vec<u8> {
    match frame {
        Some(Frame::Packet(p)) => p,
        other => panic!("expected a packet, got {other:?}"),
    }
}

#[test]
fn both_directions_split_at_every_byte() {
    for protocol in ALL {
        for obfuscated in [false, true] {
            if protocol == Protocol::Full && obfuscated {
                continue;
            }
            let rng = &mut TestRng(42);
            let (mut client, mut server, dc) = pair(protocol, obfuscated, rng);
            assert_eq!(dc, if obfuscated { Some(-2) } else { None });
            for p in packets() {
                let mut wire = Vec::new();
                client.encode(&p, rng, &mut wire).unwrap();
                for b in &wire[..wire.len() - 1] {
                    server.push(std::slice::from_ref(b));
                    assert_eq!(server.next_frame().unwrap(), None);
                }
                server.push(&wire[wire.len() - 1..]);
                let got = packet_of(server.next_frame().unwrap());
                assert_eq!(
                    &got[..p.len()],
                    &p[..],
                    "{protocol:?} obfuscated={obfuscated}"
                );
                if protocol != Protocol::PaddedIntermediate {
                    assert_eq!(got.len(), p.len());
                }
                let mut back = Vec::new();
                server.encode(&p, rng, &mut back).unwrap();
                client.push(&back);
                assert_eq!(&packet_of(client.next_frame().unwrap())[..p.len()], &p[..]);
                assert_eq!(client.next_frame().unwrap(), None);
            }
        }
    }
}

#[test]
fn detect_full_from_first_packet() {
    let rng = &mut TestRng(1);
    let (mut client, init) = Transport::client(Protocol::Full, None, rng).unwrap();
    assert!(init.is_empty());
    let mut wire = Vec::new();
    client
        .encode(&[1, 2, 3, 4, 5, 6, 7, 8], rng, &mut wire)
        .unwrap();
    assert!(detect(&wire[..7], None).unwrap().is_none());
    let mut d = detect(&wire, None).unwrap().unwrap();
    assert_eq!(d.transport.protocol(), Protocol::Full);
    assert_eq!(
        packet_of(d.transport.next_frame().unwrap()),
        vec![1, 2, 3, 4, 5, 6, 7, 8]
    );
}

#[test]
fn quick_acks_and_statuses() {
    for protocol in [
        Protocol::Abridged,
        Protocol::Intermediate,
        Protocol::PaddedIntermediate,
    ] {
        let rng = &mut TestRng(5);
        let (mut client, mut server, _) = pair(protocol, true, rng);
        let mut out = Vec::new();
        server.encode_quick_ack(0x1234_5678, &mut out);
        server.encode_status(-404, rng, &mut out);
        client.push(&out);
        assert_eq!(
            client.next_frame().unwrap(),
            Some(Frame::QuickAck(0x1234_5678))
        );
        assert_eq!(client.next_frame(), Err(TransportError::Status(-404)));
    }
    let rng = &mut TestRng(6);
    let (mut client, mut server, _) = pair(Protocol::Full, false, rng);
    let mut out = Vec::new();
    client.encode(&[0; 8], rng, &mut out).unwrap();
    server.push(&out);
    server.next_frame().unwrap();
    let mut out = Vec::new();
    server.encode_status(-429, rng, &mut out);
    client.push(&out);
    assert_eq!(client.next_frame(), Err(TransportError::Status(-429)));
}

#[test]
fn errors() {
    let rng = &mut TestRng(9);
    // Too long.
    let (_, mut server, _) = pair(Protocol::Intermediate, false, rng);
    server.set_max_frame(1024);
    server.push(&2048u32.to_le_bytes());
    assert_eq!(
        server.next_frame(),
        Err(TransportError::TooLong {
            len: 2048,
            max: 1024
        })
    );
    // Unaligned.
    let (_, mut server, _) = pair(Protocol::Intermediate, false, rng);
    server.push(&6u32.to_le_bytes());
    assert_eq!(server.next_frame(), Err(TransportError::BadLength(6)));
    // Full: CRC and sequence.
    let (mut client, mut server, _) = pair(Protocol::Full, false, rng);
    let mut wire = Vec::new();
    client.encode(&[1, 2, 3, 4], rng, &mut wire).unwrap();
    let mut bad = wire.clone();
    bad[9] ^= 1;
    server.push(&bad);
    assert!(matches!(
        server.next_frame(),
        Err(TransportError::BadCrc { .. })
    ));
    let (mut client, mut server, _) = pair(Protocol::Full, false, rng);
    let mut wire = Vec::new();
    client.encode(&[1, 2, 3, 4], rng, &mut wire).unwrap();
    client.encode(&[1, 2, 3, 4], rng, &mut wire).unwrap();
    server.push(&wire[16..]);
    assert_eq!(
        server.next_frame(),
        Err(TransportError::BadSequence {
            got: 1,
            expected: 0
        })
    );
    // Full cannot be obfuscated; unknown obfuscated tags are refused.
    assert!(matches!(
        Transport::client(Protocol::Full, Some(Obfuscation::default()), rng),
        Err(TransportError::NotObfuscatable)
    ));
    let mut junk = [0x42u8; 64];
    junk[4] = 1;
    assert!(matches!(
        detect(&junk, None),
        Err(TransportError::UnknownProtocol(_))
    ));
}

#[test]
fn obfuscation_header_avoids_forbidden_prefixes_and_uses_the_secret() {
    let rng = &mut TestRng(77);
    for _ in 0..2000 {
        let (_, init) =
            Transport::client(Protocol::Intermediate, Some(Obfuscation::default()), rng).unwrap();
        assert_eq!(init.len(), 64);
        assert_ne!(init[0], 0xef);
        assert_ne!(&init[4..8], &[0, 0, 0, 0]);
        for bad in [
            &b"HEAD"[..],
            b"POST",
            b"GET ",
            b"OPTI",
            &[0xdd; 4],
            &[0xee; 4],
            &[0x16, 3, 1, 2],
        ] {
            assert_ne!(&init[..4], bad);
        }
    }
    let secret = Some([7u8; 16]);
    let (mut client, init) = Transport::client(
        Protocol::Abridged,
        Some(Obfuscation {
            dc_id: Some(4),
            secret,
        }),
        rng,
    )
    .unwrap();
    // Without the secret the tag decrypts to noise.
    assert!(matches!(
        detect(&init, None),
        Err(TransportError::UnknownProtocol(_))
    ));
    let mut d = detect(&init, secret).unwrap().unwrap();
    assert_eq!(d.dc_id, Some(4));
    let mut wire = Vec::new();
    client.encode(&[5; 8], rng, &mut wire).unwrap();
    d.transport.push(&wire);
    assert_eq!(packet_of(d.transport.next_frame().unwrap()), vec![5; 8]);
}

#[test]
fn receive_buffer_stays_bounded_when_pushes_end_mid_frame() {
    let rng = &mut TestRng(11);
    let (mut client, mut server, _) = pair(Protocol::Intermediate, true, rng);
    let packet = vec![3u8; 1000];
    let mut wire = Vec::new();
    for _ in 0..5000 {
        client.encode(&packet, rng, &mut wire).unwrap();
    }
    // Pushes of 1,500 bytes never line up with the 1,004-byte frames.
    let mut frames = 0;
    let mut peak = 0;
    for chunk in wire.chunks(1500) {
        server.push(chunk);
        while let Some(Frame::Packet(p)) = server.next_frame().unwrap() {
            assert_eq!(p.len(), 1000);
            frames += 1;
        }
        peak = peak.max(server.buffered());
    }
    assert_eq!(frames, 5000);
    assert!(peak < 80 << 10, "receive buffer grew to {peak} bytes");
}

/// A packet longer than the framing can express is refused, and nothing is
/// written (abridged once framed a 64 MiB packet with its length truncated).
#[test]
fn a_packet_too_long_for_the_framing_is_refused() {
    let rng = &mut TestRng(9);
    let max = Protocol::Abridged.max_packet();
    assert_eq!(max, 64 * 1024 * 1024 - 4);
    let packet = vec![0u8; max + 4];
    let (mut client, _) = Transport::client(Protocol::Abridged, None, rng).unwrap();
    let mut out = Vec::new();
    assert_eq!(
        client.encode(&packet, rng, &mut out),
        Err(TransportError::TooLong { len: max + 4, max })
    );
    assert!(out.is_empty());
    // The largest one that fits is framed with its full length.
    client.encode(&packet[..max], rng, &mut out).unwrap();
    assert_eq!(&out[..4], &[0x7f, 0xff, 0xff, 0xff]);
    assert_eq!(out.len(), 4 + max);
    for p in [
        Protocol::Intermediate,
        Protocol::PaddedIntermediate,
        Protocol::Full,
    ] {
        // The length word's top bit marks a quick ack, so no frame's length
        // (padding, sequence number and CRC included) may reach it; the limit
        // used to be 4 GiB, which a decoder would have read as a quick ack.
        let overhead = match p {
            Protocol::PaddedIntermediate => 15,
            Protocol::Full => 12,
            _ => 0,
        };
        assert!(p.max_packet() + overhead < (1 << 31), "{p:?}");
        assert!(p.max_packet() >= (1 << 30), "{p:?}");
    }
}
