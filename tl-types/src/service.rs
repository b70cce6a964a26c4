//! The MTProto service objects that `mtproto.tl` leaves to hand-written code:
//! `rpc_result`, `msg_container` (with its bare `message` entries), `gzip_packed`,
//! and the parsed form of `rpc_error`.
//!
//! Their payloads are `Object`: any boxed value, whose type only the caller knows
//! (the function a `rpc_result` answers). They are therefore kept as raw bytes here
//! and decoded by the layer that knows what to expect.

use crate::Identifiable;
use crate::deserialize::{
    BareDeserializable, Deserializable, DeserializeError, DeserializeErrorKind, Reader,
};
use crate::serialize::{BareSerializable, Serializable, write_bytes};

/// `rpc_result#f35c6d01 req_msg_id:long result:Object = RpcResult;`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcResult {
    /// The msg_id of the request this answers.
    pub req_msg_id: i64,
    /// The answer: a boxed value, possibly `rpc_error` or `gzip_packed`.
    pub result: Vec<u8>,
}

impl Identifiable for RpcResult {
    const CONSTRUCTOR_ID: u32 = 0xf35c6d01;
    const NAME: &'static str = "rpc_result";
}

impl Serializable for RpcResult {
    fn serialize(&self, buf: &mut Vec<u8>) {
        Self::CONSTRUCTOR_ID.serialize(buf);
        self.req_msg_id.serialize(buf);
        buf.extend_from_slice(&self.result);
    }
}

/// The result is not length-prefixed: it runs to the end of the input, so decode a
/// `rpc_result` from exactly its own bytes (a message body).
impl Deserializable for RpcResult {
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        expect_id(r, Self::CONSTRUCTOR_ID, "RpcResult")?;
        let req_msg_id = r
            .read_i64()
            .map_err(|e| e.in_constructor(Self::CONSTRUCTOR_ID))?;
        Ok(Self {
            req_msg_id,
            result: r.take_rest().to_vec(),
        })
    }
}

/// One entry of a container: `message msg_id:long seqno:int bytes:int body:Object = Message;`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerMessage {
    /// Its msg_id.
    pub msg_id: i64,
    /// Its seq_no.
    pub seqno: i32,
    /// Its body, a boxed value.
    pub body: Vec<u8>,
}

impl BareSerializable for ContainerMessage {
    fn serialize_bare(&self, buf: &mut Vec<u8>) {
        self.msg_id.serialize(buf);
        self.seqno.serialize(buf);
        crate::serialize::write_len(buf, self.body.len());
        buf.extend_from_slice(&self.body);
    }
}

impl BareDeserializable for ContainerMessage {
    fn deserialize_bare(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        let msg_id = r.read_i64()?;
        let seqno = r.read_i32()?;
        let start = r.position();
        let len = r.read_i32()?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l % 4 == 0 && l <= r.remaining().len())
            .ok_or_else(|| {
                r.error_at(
                    DeserializeErrorKind::VectorTooLong {
                        count: i64::from(len),
                    },
                    start,
                )
            })?;
        Ok(Self {
            msg_id,
            seqno,
            body: r.take(len)?.to_vec(),
        })
    }
}

/// `msg_container#73f1f8dc messages:vector<message> = MessageContainer;`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageContainer {
    /// The messages, in order.
    pub messages: Vec<ContainerMessage>,
}

impl MessageContainer {
    /// The most messages Telegram accepts in one container.
    pub const MAX_MESSAGES: usize = 1020;
    /// The largest container payload Telegram accepts, in bytes.
    pub const MAX_SIZE: usize = 1_044_456 - 8;
}

impl Identifiable for MessageContainer {
    const CONSTRUCTOR_ID: u32 = 0x73f1f8dc;
    const NAME: &'static str = "msg_container";
}

impl Serializable for MessageContainer {
    fn serialize(&self, buf: &mut Vec<u8>) {
        Self::CONSTRUCTOR_ID.serialize(buf);
        crate::serialize::write_len(buf, self.messages.len());
        for m in &self.messages {
            m.serialize_bare(buf);
        }
    }
}

impl Deserializable for MessageContainer {
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        expect_id(r, Self::CONSTRUCTOR_ID, "MessageContainer")?;
        let go = |r: &mut Reader<'_>| -> Result<Self, DeserializeError> {
            let n = r.read_count(16)?;
            let mut messages = Vec::with_capacity(n);
            for _ in 0..n {
                messages.push(ContainerMessage::deserialize_bare(r)?);
            }
            Ok(Self { messages })
        };
        go(r).map_err(|e| e.in_constructor(Self::CONSTRUCTOR_ID))
    }
}

/// `gzip_packed#3072cfa1 packed_data:bytes = Object;` The data stays compressed here;
/// the MTProto layer inflates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GzipPacked {
    /// A gzip stream holding one boxed value.
    pub packed_data: Vec<u8>,
}

impl Identifiable for GzipPacked {
    const CONSTRUCTOR_ID: u32 = 0x3072cfa1;
    const NAME: &'static str = "gzip_packed";
}

impl Serializable for GzipPacked {
    fn serialize(&self, buf: &mut Vec<u8>) {
        Self::CONSTRUCTOR_ID.serialize(buf);
        write_bytes(buf, &self.packed_data);
    }
}

impl Deserializable for GzipPacked {
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        expect_id(r, Self::CONSTRUCTOR_ID, "GzipPacked")?;
        let packed_data = r
            .read_bytes()
            .map_err(|e| e.in_constructor(Self::CONSTRUCTOR_ID))?;
        Ok(Self { packed_data })
    }
}

/// An `rpc_error` split the way users match on it: `FLOOD_WAIT_30` becomes name
/// `FLOOD_WAIT` and value `30`; `PHONE_MIGRATE_4` becomes `PHONE_MIGRATE` and `4`;
/// `CHAT_ADMIN_REQUIRED` has no value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RpcError {
    /// The HTTP-like code (400, 401, 403, 420, 500, ...).
    pub code: i32,
    /// The error name without its numeric part.
    pub name: String,
    /// The number carried in the name, if any.
    pub value: Option<u32>,
    /// The message exactly as the server sent it.
    pub message: String,
}

impl RpcError {
    /// The constructor id of `rpc_error`.
    pub const CONSTRUCTOR_ID: u32 = 0x2144ca19;

    /// Splits a server message into name and value.
    pub fn new(code: i32, message: &str) -> Self {
        // The value is the last `_`-separated part when it is all digits
        // (FLOOD_WAIT_30), or a digit run in the middle (FLOOD_TEST_PHONE_WAIT_5,
        // 2FA_CONFIRM_WAIT_3600 keep their leading digits as part of the name).
        let (name, value) = match message.rsplit_once('_') {
            Some((head, tail)) if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) => {
                match tail.parse::<u32>() {
                    Ok(v) => (head.to_string(), Some(v)),
                    Err(_) => (message.to_string(), None),
                }
            }
            _ => (message.to_string(), None),
        };
        Self {
            code,
            name,
            value,
            message: message.to_string(),
        }
    }

    /// Whether the name matches `pattern`, where `*` matches any run of characters
    /// (`"FLOOD_*"`, `"*_MIGRATE"`).
    pub fn is(&self, pattern: &str) -> bool {
        wildcard_match(pattern.as_bytes(), self.name.as_bytes())
    }
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RPC error {}: {}", self.code, self.message)
    }
}

impl std::error::Error for RpcError {}

impl Deserializable for RpcError {
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DeserializeError> {
        expect_id(r, Self::CONSTRUCTOR_ID, "RpcError")?;
        let go = |r: &mut Reader<'_>| -> Result<Self, DeserializeError> {
            let code = r.read_i32()?;
            let message = r.read_string()?;
            Ok(Self::new(code, &message))
        };
        go(r).map_err(|e| e.in_constructor(Self::CONSTRUCTOR_ID))
    }
}

impl Serializable for RpcError {
    fn serialize(&self, buf: &mut Vec<u8>) {
        Self::CONSTRUCTOR_ID.serialize(buf);
        self.code.serialize(buf);
        self.message.serialize(buf);
    }
}

fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            (0..=text.len()).any(|i| wildcard_match(rest, text.get(i..).unwrap_or_default()))
        }
        Some((c, rest)) => match text.split_first() {
            Some((t, tail)) => t == c && wildcard_match(rest, tail),
            None => false,
        },
    }
}

fn expect_id(r: &mut Reader<'_>, id: u32, expected: &'static str) -> Result<(), DeserializeError> {
    let start = r.position();
    let got = r.read_u32()?;
    if got == id {
        Ok(())
    } else {
        Err(r.error_at(
            DeserializeErrorKind::UnknownConstructor { id: got, expected },
            start,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpc_error_names_and_values() {
        let e = RpcError::new(420, "FLOOD_WAIT_30");
        assert_eq!((e.name.as_str(), e.value), ("FLOOD_WAIT", Some(30)));
        let e = RpcError::new(303, "PHONE_MIGRATE_4");
        assert_eq!((e.name.as_str(), e.value), ("PHONE_MIGRATE", Some(4)));
        let e = RpcError::new(400, "CHAT_ADMIN_REQUIRED");
        assert_eq!((e.name.as_str(), e.value), ("CHAT_ADMIN_REQUIRED", None));
        assert!(e.is("CHAT_*") && e.is("*_REQUIRED") && e.is("*") && !e.is("USER_*"));
        let e = RpcError::new(420, "2FA_CONFIRM_WAIT_3600");
        assert_eq!((e.name.as_str(), e.value), ("2FA_CONFIRM_WAIT", Some(3600)));
        let e = RpcError::from_bytes(&e.to_bytes()).unwrap();
        assert_eq!(e.message, "2FA_CONFIRM_WAIT_3600");
    }

    #[test]
    fn container_round_trip_and_hostile_lengths() {
        let c = MessageContainer {
            messages: vec![
                ContainerMessage {
                    msg_id: 4,
                    seqno: 1,
                    body: vec![1, 2, 3, 4],
                },
                ContainerMessage {
                    msg_id: 8,
                    seqno: 3,
                    body: vec![],
                },
            ],
        };
        let bytes = c.to_bytes();
        assert_eq!(MessageContainer::from_bytes(&bytes).unwrap(), c);
        let mut bad = bytes.clone();
        bad[4] = 0xff; // count far beyond the input
        let e = MessageContainer::from_bytes(&bad).unwrap_err();
        assert!(
            matches!(e.kind, DeserializeErrorKind::VectorTooLong { .. }),
            "{e}"
        );
        assert_eq!(e.constructor_id, Some(MessageContainer::CONSTRUCTOR_ID));
        let mut bad = bytes;
        bad[20] = 0x7f; // first body length beyond the input
        assert!(MessageContainer::from_bytes(&bad).is_err());
    }

    #[test]
    fn rpc_result_takes_the_rest() {
        let r = RpcResult {
            req_msg_id: 77,
            result: 0x997275b5u32.to_le_bytes().to_vec(),
        };
        assert_eq!(RpcResult::from_bytes(&r.to_bytes()).unwrap(), r);
        let g = GzipPacked {
            packed_data: vec![9; 300],
        };
        assert_eq!(GzipPacked::from_bytes(&g.to_bytes()).unwrap(), g);
    }
}
