//! The hand-written MTProto envelopes (`msg_container`, `rpc_result`, `gzip_packed`,
//! `rpc_error`) on arbitrary bytes: never panic, and round-trip what decodes.
#![no_main]

use ferrogram_tl_types::service::{GzipPacked, MessageContainer, RpcError, RpcResult};
use ferrogram_tl_types::{Deserializable, Serializable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = MessageContainer::from_bytes(data) {
        assert_eq!(
            MessageContainer::from_bytes(&c.to_bytes()).expect("round trip"),
            c
        );
    }
    if let Ok(r) = RpcResult::from_bytes(data) {
        assert_eq!(r.to_bytes(), data);
    }
    if let Ok(g) = GzipPacked::from_bytes(data) {
        assert_eq!(
            GzipPacked::from_bytes(&g.to_bytes()).expect("round trip"),
            g
        );
    }
    if let Ok(e) = RpcError::from_bytes(data) {
        assert_eq!(RpcError::from_bytes(&e.to_bytes()).expect("round trip"), e);
    }
});
