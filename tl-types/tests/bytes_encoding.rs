//! TL `bytes`/`string` framing at every length around the short/long boundary,
//! written after prefixes of every alignment: the length header, the data, zero
//! padding to a multiple of four, and nothing else touched or added.

use ferrogram_tl_types::serialize::write_bytes;
use ferrogram_tl_types::{CompactString, Deserializable, Serializable};

/// The framing TL specifies, computed independently of the encoder.
fn expected(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if data.len() < 254 {
        out.push(u8::try_from(data.len()).unwrap());
    } else {
        let len = u32::try_from(data.len()).unwrap().to_le_bytes();
        out.extend_from_slice(&[254, len[0], len[1], len[2]]);
    }
    out.extend_from_slice(data);
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out
}

#[test]
fn every_length_is_framed_and_padded() {
    for len in 0..1100usize {
        // Non-zero data, so a padding byte taken from it would show.
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8 + 1).collect();
        for prefix in 0..4usize {
            let mut buf = vec![0xAA; prefix];
            write_bytes(&mut buf, &data);
            assert_eq!(&buf[..prefix], &vec![0xAA; prefix][..], "len {len}");
            assert_eq!(
                &buf[prefix..],
                &expected(&data)[..],
                "len {len} prefix {prefix}"
            );
        }
        let back = Vec::<u8>::from_bytes(&expected(&data)).unwrap();
        assert_eq!(back, data, "len {len} decodes back");
    }
}

#[test]
fn strings_use_the_same_framing() {
    for len in [0, 1, 3, 4, 23, 24, 25, 253, 254, 255, 1000] {
        let text = "é".repeat(len / 2) + &"x".repeat(len % 2);
        assert_eq!(text.len(), len);
        let compact = CompactString::from(text.as_str());
        assert_eq!(compact.to_bytes(), expected(text.as_bytes()), "len {len}");
        assert_eq!(text.to_bytes(), expected(text.as_bytes()), "len {len}");
        assert_eq!(
            CompactString::from_bytes(&compact.to_bytes()).unwrap(),
            compact
        );
    }
}
