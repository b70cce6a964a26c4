//! encode → decode → encode is the identity, for every constructor and function of
//! both schemas, with every optional field present, with none, and at random.

mod common;

use common::{Rng, World};
use ferrogram_tl_types::{AnyObject, Deserializable, Serializable};
use proptest::prelude::*;

fn check(world: &World, idx: usize, seed: u64, flags: Option<bool>) {
    let mut bytes = Vec::new();
    world.write_def(idx, &mut Rng(seed | 1), 0, flags, &mut bytes);
    let def = &world.defs[idx];
    let obj = AnyObject::from_bytes(&bytes)
        .unwrap_or_else(|e| panic!("{} (seed {seed}, flags {flags:?}): {e}", def.full_name()));
    assert_eq!(obj.constructor_id(), def.id);
    assert_eq!(obj.name(), def.full_name());
    let again = obj.to_bytes();
    assert_eq!(
        again,
        bytes,
        "{} re-encodes differently (seed {seed})",
        def.full_name()
    );
    assert_eq!(AnyObject::from_bytes(&again).unwrap(), obj);
}

#[test]
fn every_definition_round_trips() {
    let world = World::load();
    assert!(world.defs.len() > 2500);
    for idx in 0..world.defs.len() {
        check(&world, idx, idx as u64 * 7919 + 1, Some(true));
        check(&world, idx, idx as u64 * 7919 + 2, Some(false));
        check(&world, idx, idx as u64 * 7919 + 3, None);
    }
}

#[test]
fn typed_decode_matches_any_object() {
    use ferrogram_tl_types::{enums, functions, types};
    let world = World::load();
    let idx = world
        .defs
        .iter()
        .position(|d| d.name == "channelParticipants")
        .unwrap();
    for seed in 1..50 {
        let mut bytes = Vec::new();
        world.write_def(idx, &mut Rng(seed), 0, None, &mut bytes);
        let typed = enums::channels::ChannelParticipants::from_bytes(&bytes).unwrap();
        assert_eq!(typed.to_bytes(), bytes);
        let strict = types::channels::ChannelParticipants::from_bytes(&bytes).unwrap();
        assert_eq!(enums::channels::ChannelParticipants::from(strict), typed);
    }
    let call = functions::InvokeWithLayer {
        layer: ferrogram_tl_types::LAYER,
        query: functions::help::GetConfig {},
    };
    let any = AnyObject::from_bytes(&call.to_bytes()).unwrap();
    assert_eq!(any.name(), "invokeWithLayer");
    let AnyObject::InvokeWithLayer(inner) = any else {
        panic!("wrong variant")
    };
    assert_eq!(inner.query.name(), "help.getConfig");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn random_definitions_round_trip(pick in any::<u32>(), seed in any::<u64>()) {
        thread_local!(static WORLD: World = World::load());
        WORLD.with(|w| check(w, pick as usize % w.defs.len(), seed, None));
    }
}
