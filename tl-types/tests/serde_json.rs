//! The `serde` feature: every value becomes JSON whose `"_"` names its constructor,
//! with the schema's field names, and comes back the same.

mod common;

use common::{Rng, World};
use ferrogram_tl_types::{AnyObject, Serializable, enums, types};
use proptest::prelude::*;

/// bytes → AnyObject → JSON → AnyObject → bytes is the identity.
fn json_round_trip(bytes: &[u8]) -> serde_json::Value {
    let obj = AnyObject::from_bytes(bytes).expect("valid bytes decode");
    let json = serde_json::to_value(&obj).expect("serializes");
    let back: AnyObject = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{} does not read back: {e}\n{json}", obj.name()));
    assert_eq!(back, obj, "{json}");
    assert_eq!(back.to_bytes(), bytes, "{json}");
    json
}

fn check_def(world: &World, idx: usize, seed: u64, flags: Option<bool>) {
    let mut bytes = Vec::new();
    world.write_def(idx, &mut Rng(seed | 1), 0, flags, &mut bytes);
    let json = json_round_trip(&bytes);
    assert_eq!(json["_"], world.defs[idx].full_name(), "{json}");
}

#[test]
fn every_definition_round_trips_through_json() {
    let world = World::load();
    for idx in 0..world.defs.len() {
        check_def(&world, idx, idx as u64 * 104_729 + 1, Some(true));
        check_def(&world, idx, idx as u64 * 104_729 + 2, Some(false));
    }
}

#[test]
fn the_demo_fixtures_encoded_by_telethon_round_trip_through_json() {
    for name in ["channel_participants_200.bin", "messages_100.bin"] {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../cli/fixtures/").to_owned() + name;
        let bytes = std::fs::read(&path).expect("fixture");
        let json = json_round_trip(&bytes);
        assert!(
            json["users"].as_array().is_some_and(|u| !u.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn the_json_shape_is_the_schema_s() {
    let p = types::ChannelParticipantAdmin {
        is_self: true,
        user_id: 7,
        promoted_by: 1,
        date: 1_700_000_000,
        rank: Some("Mod".into()),
        ..types::ChannelParticipantAdmin::new(types::ChatAdminRights::default().into())
    };
    let json = serde_json::to_value(enums::ChannelParticipant::from(p.clone())).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "_": "channelParticipantAdmin",
            "can_edit": false,
            // A field named `self` in the schema.
            "self": true,
            "user_id": 7,
            "inviter_id": null,
            "promoted_by": 1,
            "date": 1_700_000_000,
            "admin_rights": {
                "_": "chatAdminRights", "change_info": false, "post_messages": false,
                "edit_messages": false, "delete_messages": false, "ban_users": false,
                "invite_users": false, "pin_messages": false, "add_admins": false,
                "anonymous": false, "manage_call": false, "other": false,
                "manage_topics": false, "post_stories": false, "edit_stories": false,
                "delete_stories": false, "manage_direct_messages": false,
                "manage_ranks": false, "manage_linked_peers": false,
                "manage_welcome_messages": false
            },
            "rank": "Mod"
        })
    );
    // A struct read on its own, and as its boxed type.
    let back: types::ChannelParticipantAdmin = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, p);
    let back: enums::ChannelParticipant = serde_json::from_value(json).unwrap();
    assert_eq!(
        back.to_bytes(),
        enums::ChannelParticipant::from(p).to_bytes()
    );
    // A constructor without fields is an object naming it.
    let json = serde_json::to_value(enums::InputPeer::from(types::InputPeerSelf {})).unwrap();
    assert_eq!(json, serde_json::json!({"_": "inputPeerSelf"}));
    let back: enums::InputPeer = serde_json::from_value(json).unwrap();
    assert_eq!(back, enums::InputPeer::InputPeerSelf);
}

#[test]
fn a_wrong_constructor_name_is_an_error() {
    let err = serde_json::from_value::<enums::InputPeer>(
        serde_json::json!({"_": "peerUser", "user_id": 1}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("peerUser"), "{err}");
}

proptest! {
    // At least 200 random constructors and functions per run, random field values.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn random_definitions_round_trip_through_json(pick in any::<u32>(), seed in any::<u64>()) {
        thread_local!(static WORLD: World = World::load());
        WORLD.with(|w| check_def(w, pick as usize % w.defs.len(), seed, None));
    }
}
