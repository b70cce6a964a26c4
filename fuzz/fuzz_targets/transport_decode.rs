//! Server-side framing detection and every decoder on arbitrary bytes, split into
//! arbitrary pieces: never panics, never loops, frames never exceed the limit.
#![no_main]

use ferrogram_transport::{Frame, detect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, data)) = data.split_first() else {
        return;
    };
    let cut = (usize::from(split) * 4).min(data.len());
    let Ok(Some(mut d)) = detect(data, None) else {
        return;
    };
    d.transport.set_max_frame(1 << 16);
    // Feed again in two pieces to a fresh detection, to exercise partial input.
    let Ok(Some(mut e)) = detect(&data[..cut.max(64).min(data.len())], None) else {
        return;
    };
    if cut.max(64) < data.len() {
        e.transport.push(&data[cut.max(64)..]);
    }
    for t in [&mut d.transport, &mut e.transport] {
        for _ in 0..10_000 {
            match t.next_frame() {
                Ok(Some(Frame::Packet(p))) => assert!(p.len() <= 4 << 20),
                Ok(Some(Frame::QuickAck(_))) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }
});
