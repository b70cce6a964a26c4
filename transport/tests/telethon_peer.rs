//! Telethon 1.45.0's framing, plain and obfuscated, is recognised by [`detect`] and
//! decoded packet for packet.

#[path = "../../tl-types/tests/peer/mod.rs"]
mod peer;

use ferrogram_transport::{Frame, Protocol, detect};

#[test]
fn telethon_streams_decode() {
    let Some(python) = peer::python("Telethon transport cross-check") else {
        return;
    };
    let out = String::from_utf8(peer::run(
        &python,
        &[&peer::script("telethon_transport.py")],
    ))
    .unwrap();
    let mut cases = 0;
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let stream = peer::unhex(v["stream"].as_str().unwrap());
        let expected = match v["protocol"].as_str().unwrap() {
            "abridged" => Protocol::Abridged,
            "intermediate" => Protocol::Intermediate,
            "padded_intermediate" => Protocol::PaddedIntermediate,
            _ => Protocol::Full,
        };
        // Feed the stream in odd-sized pieces, detecting first.
        let mut seen = Vec::new();
        let mut chunks = stream.chunks(7);
        let mut d = loop {
            seen.extend_from_slice(chunks.next().expect("detected before the end"));
            if let Some(d) = detect(&seen, None).unwrap() {
                break d;
            }
        };
        assert_eq!(d.transport.protocol(), expected, "{line}");
        assert_eq!(
            d.transport.is_obfuscated(),
            v["obfuscated"].as_bool().unwrap()
        );
        for c in chunks {
            d.transport.push(c);
        }
        for p in v["packets"].as_array().unwrap() {
            let p = peer::unhex(p.as_str().unwrap());
            match d.transport.next_frame().unwrap() {
                Some(Frame::Packet(got)) => assert_eq!(&got[..p.len()], &p[..], "{expected:?}"),
                other => panic!("{expected:?}: expected a packet, got {other:?}"),
            }
        }
        assert_eq!(d.transport.next_frame().unwrap(), None);
        cases += 1;
    }
    assert_eq!(cases, 7);
}
