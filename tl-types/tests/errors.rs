//! Hostile input gives a typed error with offset and constructor id, never a panic.

use ferrogram_tl_types::{
    AnyObject, Deserializable, DeserializeErrorKind as K, MAX_DEPTH, Serializable, enums, types,
};

fn user_bytes() -> Vec<u8> {
    let user = types::UserEmpty { id: 5 };
    enums::User::from(user).to_bytes()
}

#[test]
fn truncated_input() {
    let bytes = user_bytes();
    let e = enums::User::from_bytes(&bytes[..bytes.len() - 3]).unwrap_err();
    assert_eq!(e.kind, K::UnexpectedEof { needed: 3 });
    assert_eq!(e.offset, 4);
    assert_eq!(e.constructor_id, Some(0xd3bc4b7a));
    assert!(e.to_string().contains("in constructor 0xd3bc4b7a"), "{e}");
}

#[test]
fn unknown_constructor() {
    let e = enums::User::from_bytes(&0xdeadbeefu32.to_le_bytes()).unwrap_err();
    assert_eq!(
        e.kind,
        K::UnknownConstructor {
            id: 0xdeadbeef,
            expected: "User"
        }
    );
    assert_eq!((e.offset, e.constructor_id), (0, None));
    let e = AnyObject::from_bytes(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap_err();
    assert!(matches!(
        e.kind,
        K::UnknownConstructor {
            expected: "Object",
            ..
        }
    ));
    let e = types::UserEmpty::from_bytes(&types::InputPeerEmpty {}.to_bytes()).unwrap_err();
    assert!(matches!(
        e.kind,
        K::UnknownConstructor {
            id: 0x7f3b18ea,
            expected: "userEmpty"
        }
    ));
}

#[test]
fn bad_length_prefix() {
    // rpc_error#2144ca19 error_code:int error_message:string, with a 255 prefix.
    let mut bytes = 0x2144ca19u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&400i32.to_le_bytes());
    bytes.extend_from_slice(&[255, 0, 0, 0]);
    let e = AnyObject::from_bytes(&bytes).unwrap_err();
    assert_eq!(e.kind, K::InvalidLengthPrefix(255));
    assert_eq!((e.offset, e.constructor_id), (8, Some(0x2144ca19)));
    // A long prefix claiming more than there is.
    let mut bytes = bytes[..8].to_vec();
    bytes.extend_from_slice(&[254, 0xff, 0xff, 0x00, b'a']);
    let e = AnyObject::from_bytes(&bytes).unwrap_err();
    assert!(matches!(e.kind, K::UnexpectedEof { .. }), "{e}");
}

#[test]
fn invalid_bool() {
    let e = bool::from_bytes(&7u32.to_le_bytes()).unwrap_err();
    assert_eq!(e.kind, K::InvalidBool(7));
    // account.updateStatus#6628562c offline:Bool = Bool;
    let mut bytes = 0x6628562cu32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&9u32.to_le_bytes());
    let e = AnyObject::from_bytes(&bytes).unwrap_err();
    assert_eq!(e.kind, K::InvalidBool(9));
    assert_eq!((e.offset, e.constructor_id), (4, Some(0x6628562c)));
}

#[test]
fn over_long_vector_count() {
    // msgs_ack#62d6b459 msg_ids:Vector<long>
    let mut bytes = 0x62d6b459u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&0x1cb5c415u32.to_le_bytes());
    bytes.extend_from_slice(&1_000_000_000i32.to_le_bytes());
    bytes.extend_from_slice(&[0; 16]);
    let e = AnyObject::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        e.kind,
        K::VectorTooLong {
            count: 1_000_000_000
        }
    );
    assert_eq!((e.offset, e.constructor_id), (8, Some(0x62d6b459)));
    bytes[8..12].copy_from_slice(&(-1i32).to_le_bytes());
    assert_eq!(
        AnyObject::from_bytes(&bytes).unwrap_err().kind,
        K::VectorTooLong { count: -1 }
    );
    bytes[4..8].copy_from_slice(&5u32.to_le_bytes());
    assert_eq!(
        AnyObject::from_bytes(&bytes).unwrap_err().kind,
        K::NotAVector(5)
    );
}

#[test]
fn nesting_too_deep() {
    // textBold#6724abc4 text:RichText = RichText, nested far beyond the bound.
    let mut bytes = Vec::new();
    for _ in 0..(MAX_DEPTH + 10) {
        bytes.extend_from_slice(&0x6724abc4u32.to_le_bytes());
    }
    bytes.extend_from_slice(&0xdc3d824fu32.to_le_bytes()); // textEmpty
    let e = enums::RichText::from_bytes(&bytes).unwrap_err();
    assert_eq!(e.kind, K::TooDeep);
    assert_eq!(e.offset, MAX_DEPTH as usize * 4 + 4);
    // Within the bound it decodes.
    let ok = &bytes[bytes.len() - 4 * 50..];
    assert!(enums::RichText::from_bytes(ok).is_ok());
}

#[test]
fn trailing_bytes() {
    let mut bytes = user_bytes();
    bytes.extend_from_slice(&[0, 0]);
    let e = enums::User::from_bytes(&bytes).unwrap_err();
    assert_eq!(e.kind, K::TrailingBytes { count: 2 });
    assert_eq!(e.offset, 12);
}

#[test]
fn every_prefix_of_a_real_object_fails_cleanly() {
    let p = types::ChannelParticipantAdmin {
        can_edit: true,
        is_self: false,
        user_id: 1,
        inviter_id: Some(2),
        promoted_by: 3,
        date: 4,
        admin_rights: types::ChatAdminRights {
            change_info: true,
            ban_users: true,
            ..Default::default()
        }
        .into(),
        rank: Some("Moderator".into()),
    };
    let bytes = enums::ChannelParticipant::from(p.clone()).to_bytes();
    for cut in 0..bytes.len() {
        assert!(enums::ChannelParticipant::from_bytes(&bytes[..cut]).is_err());
    }
    // `self:flags.1?true` and `inviter_id:flags.1?long` share bit 1: setting either sets
    // the bit, so the decoded value has both.
    let decoded = enums::ChannelParticipant::from_bytes(&bytes).unwrap();
    assert_eq!(
        decoded,
        types::ChannelParticipantAdmin { is_self: true, ..p }.into()
    );
    assert_eq!(decoded.to_bytes(), bytes);
}

#[test]
fn enums_stay_small() {
    let (name, largest) = ferrogram_tl_types::ENUM_SIZES
        .iter()
        .max_by_key(|(_, s)| *s)
        .unwrap();
    // Variants whose struct takes up to 48 bytes are held inline (a box each
    // would be an allocation per `channelParticipant` or `userProfilePhoto`),
    // larger ones are boxed: no enum passes 48 bytes and a tag.
    assert!(*largest <= 56, "enums::{name} is {largest} bytes");
    assert!(ferrogram_tl_types::ENUM_SIZES.len() > 650);
    assert!(std::mem::size_of::<AnyObject>() <= 16);
}

#[test]
fn invalid_utf8_is_replaced_not_rejected() {
    let mut bytes = 0x2144ca19u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&400i32.to_le_bytes());
    bytes.extend_from_slice(&[3, b'a', 0xff, b'b']);
    let AnyObject::RpcError(e) = AnyObject::from_bytes(&bytes).unwrap() else {
        panic!()
    };
    assert_eq!(e.error_message, "a\u{fffd}b");
}

/// A string TL cannot express: `try_to_bytes` reports it, `to_bytes` panics
/// (never a truncated length), and checking leaves the thread as it was.
#[test]
fn an_oversized_string_is_an_error_from_try_to_bytes() {
    use ferrogram_tl_types::serialize::MAX_BYTES_LEN;
    use ferrogram_tl_types::{Serializable, TooLongError, functions};
    let request = functions::messages::Search {
        q: "x".repeat(MAX_BYTES_LEN + 1).into(),
        ..functions::messages::Search::new(
            ferrogram_tl_types::enums::InputPeer::InputPeerSelf,
            ferrogram_tl_types::enums::MessagesFilter::InputMessagesFilterEmpty,
        )
    };
    let e: TooLongError = request.try_to_bytes().unwrap_err();
    assert_eq!(e.len, MAX_BYTES_LEN + 1);
    // The largest that fits is written whole.
    let fits = functions::messages::Search {
        q: "x".repeat(MAX_BYTES_LEN).into(),
        ..request.clone()
    };
    assert!(fits.try_to_bytes().unwrap().len() > MAX_BYTES_LEN);
    // Outside try_to_bytes the oversized value still panics.
    let panicked = std::panic::catch_unwind(|| request.to_bytes());
    assert!(panicked.is_err());
}
