//! Plain (unencrypted) messages, used only during auth-key creation:
//! `auth_key_id = 0`, `msg_id`, `message_data_length`, `message_data`.

/// Why a plain message was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlainError {
    /// Shorter than the 20-byte header.
    #[error("plain message of {0} bytes is shorter than its 20-byte header")]
    TooShort(usize),
    /// `auth_key_id` is not zero: this is an encrypted message.
    #[error("auth_key_id {0:#018x} is not zero")]
    NotPlain(u64),
    /// The length field does not match the bytes that follow.
    #[error("length field says {claimed} bytes but {actual} follow")]
    Length {
        /// The length field.
        claimed: i64,
        /// The bytes after the header.
        actual: usize,
    },
}

/// Wraps `body` as a plain message with `msg_id`. Plain messages are the
/// handshake's few hundred bytes; a body of 4 GiB or more would get a
/// saturated length field, which the peer rejects.
pub fn encode(msg_id: i64, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len().saturating_add(20));
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&msg_id.to_le_bytes());
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// The most bytes a transport may leave after a message (padded intermediate).
pub const MAX_TRANSPORT_PADDING: usize = 15;

/// Splits a plain message into its `msg_id` and body. Up to
/// [`MAX_TRANSPORT_PADDING`] bytes after the body (padded intermediate framing)
/// are ignored; anything else that disagrees with the length field is an error.
pub fn decode(packet: &[u8]) -> Result<(i64, &[u8]), PlainError> {
    let short = || PlainError::TooShort(packet.len());
    let (key_id, rest) = packet.split_first_chunk::<8>().ok_or_else(short)?;
    let (msg_id, rest) = rest.split_first_chunk::<8>().ok_or_else(short)?;
    let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(short)?;
    let key_id = u64::from_le_bytes(*key_id);
    if key_id != 0 {
        return Err(PlainError::NotPlain(key_id));
    }
    let claimed = i32::from_le_bytes(*len);
    // The padded intermediate transport appends 0..=15 random bytes after the
    // message; only the length field says where the body ends.
    let body = usize::try_from(claimed)
        .ok()
        .and_then(|n| rest.get(..n))
        .filter(|body| rest.len().saturating_sub(body.len()) <= MAX_TRANSPORT_PADDING);
    match body {
        Some(body) => Ok((i64::from_le_bytes(*msg_id), body)),
        _ => Err(PlainError::Length {
            claimed: i64::from(claimed),
            actual: rest.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let p = encode(0x51e57ac42770964a, &[1, 2, 3, 4]);
        assert_eq!(decode(&p), Ok((0x51e57ac42770964a, &[1u8, 2, 3, 4][..])));
        assert_eq!(decode(&p[..10]), Err(PlainError::TooShort(10)));
        let mut padded = p.clone();
        padded.extend_from_slice(&[9; 15]);
        assert_eq!(
            decode(&padded),
            Ok((0x51e57ac42770964a, &[1u8, 2, 3, 4][..]))
        );
        padded.push(9);
        assert!(matches!(
            decode(&padded),
            Err(PlainError::Length {
                claimed: 4,
                actual: 20
            })
        ));
        assert!(matches!(
            decode(&p[..22]),
            Err(PlainError::Length {
                claimed: 4,
                actual: 2
            })
        ));
        assert_eq!(
            decode(&p[..23]),
            Err(PlainError::Length {
                claimed: 4,
                actual: 3
            })
        );
        let mut q = p.clone();
        q[0] = 1;
        assert_eq!(decode(&q), Err(PlainError::NotPlain(1)));
    }
}
