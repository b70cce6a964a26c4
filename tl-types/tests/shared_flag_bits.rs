//! Optional fields that share one flag bit (`message.views` and `forwards` on
//! flags.10, `messageFwdHeader.saved_from_peer` and `saved_from_msg_id` on flags.4):
//! the wire carries all of them or none, so whatever a caller sets, the encoder must
//! produce bytes the decoder reads back.

use ferrogram_tl_types::{Deserializable, Serializable, enums, types};

fn round_trip<T: Serializable + Deserializable>(value: &T) -> T {
    let bytes = value.to_bytes();
    T::from_bytes(&bytes).unwrap_or_else(|e| panic!("undecodable encoding: {e}"))
}

#[test]
fn a_half_set_group_of_numbers_is_sent_with_zero_for_the_unset_member() {
    for (w, h) in [
        (Some(640), None),
        (None, Some(480)),
        (Some(1), Some(2)),
        (None, None),
    ] {
        let sent = enums::MessageExtendedMedia::from(types::MessageExtendedMediaPreview {
            w,
            h,
            thumb: None,
            video_duration: Some(9),
        });
        let enums::MessageExtendedMedia::Preview(got) = round_trip(&sent) else {
            panic!("decoded another constructor");
        };
        let expected = if w.is_none() && h.is_none() {
            (None, None)
        } else {
            (Some(w.unwrap_or(0)), Some(h.unwrap_or(0)))
        };
        assert_eq!((got.w, got.h), expected, "sent w={w:?} h={h:?}");
        // The field after the group is read from the right place.
        assert_eq!(got.video_duration, Some(9));
    }
}

#[test]
fn a_half_set_group_with_a_boxed_member_is_sent_only_whole() {
    let peer = enums::Peer::from(types::PeerChannel { channel_id: 77 });
    for (saved_from_peer, saved_from_msg_id) in [
        (Some(peer.clone()), None),
        (None, Some(5)),
        (Some(peer.clone()), Some(5)),
        (None, None),
    ] {
        let whole = saved_from_peer.is_some() && saved_from_msg_id.is_some();
        let sent = enums::MessageFwdHeader::from(types::MessageFwdHeader {
            date: 1_700_000_000,
            saved_from_peer: saved_from_peer.clone(),
            saved_from_msg_id,
            saved_date: Some(1_700_000_100),
            psa_type: Some("covid".into()),
            ..Default::default()
        });
        let enums::MessageFwdHeader::MessageFwdHeader(got) = round_trip(&sent);
        if whole {
            assert_eq!(got.saved_from_peer, saved_from_peer);
            assert_eq!(got.saved_from_msg_id, saved_from_msg_id);
        } else {
            assert_eq!((got.saved_from_peer, got.saved_from_msg_id), (None, None));
        }
        assert_eq!(got.saved_date, Some(1_700_000_100));
        assert_eq!(got.psa_type.as_deref(), Some("covid"));
        assert_eq!(got.date, 1_700_000_000);
    }
}

#[test]
fn a_flag_sharing_its_bit_with_a_value_sends_the_value_and_reads_back_set() {
    // user.bot (flags.14?true) and bot_info_version (flags.14?int).
    for (bot, version) in [
        (true, None),
        (false, Some(3)),
        (true, Some(3)),
        (false, None),
    ] {
        let sent = enums::User::from(types::User {
            id: 1,
            bot,
            bot_info_version: version,
            first_name: Some("after".into()),
            ..Default::default()
        });
        let enums::User::User(got) = round_trip(&sent) else {
            panic!("decoded another constructor");
        };
        let set = bot || version.is_some();
        assert_eq!(
            (got.bot, got.bot_info_version),
            (set, set.then(|| version.unwrap_or(0))),
            "sent bot={bot} version={version:?}"
        );
        assert_eq!(got.first_name.as_deref(), Some("after"));
    }
}

#[test]
fn a_flag_sharing_its_bit_with_a_boxed_value_is_sent_only_with_it() {
    // account.password: has_password (flags.2?true) with current_algo, srp_B, srp_id.
    let algo = enums::PasswordKdfAlgo::from(
        types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
            salt1: vec![1],
            salt2: vec![2],
            g: 3,
            p: vec![4; 8],
        },
    );
    let password = |has_password: bool, complete: bool| {
        enums::account::Password::from(types::account::Password {
            has_recovery: false,
            has_secure_values: false,
            has_password,
            current_algo: complete.then(|| algo.clone()),
            srp_b: complete.then(|| vec![5; 8]),
            srp_id: complete.then_some(77),
            hint: None,
            email_unconfirmed_pattern: None,
            new_algo: enums::PasswordKdfAlgo::Unknown,
            new_secure_algo: enums::SecurePasswordKdfAlgo::Unknown,
            secure_random: vec![9; 4],
            pending_reset_date: None,
            login_email_pattern: None,
        })
    };
    let enums::account::Password::Password(got) = round_trip(&password(true, true));
    assert!(got.has_password && got.srp_id == Some(77));
    // A flag without the values it shares the bit with cannot be sent: it reads unset.
    let enums::account::Password::Password(got) = round_trip(&password(true, false));
    assert!(!got.has_password && got.current_algo.is_none());
    assert_eq!(got.secure_random, vec![9; 4]);
}
