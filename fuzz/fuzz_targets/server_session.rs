//! The server session's handling of arbitrary message bodies behind a valid
//! encryption (containers, gzip, acks and every service message it answers:
//! ping, ping_delay_disconnect, get_future_salts, msgs_state_req,
//! destroy_session, rpc_drop_answer): never panics, and every request it passes
//! on is one it did not answer itself.
#![no_main]

#[path = "rng.rs"]
mod rng;

use ferrogram_mtproto::crypto::AuthKey;
use ferrogram_mtproto::session::{Envelope, ServerSession, ServerState, Timestamp};
use ferrogram_tl_types::types::FutureSalt;
use libfuzzer_sys::fuzz_target;

struct State;

impl ServerState for State {
    fn valid_salts(&self) -> Vec<i64> {
        vec![1]
    }
    fn current_salt(&self) -> i64 {
        1
    }
    fn future_salts(&self, num: i32, now: Timestamp) -> Vec<FutureSalt> {
        assert!((1..=64).contains(&num), "num clamped");
        (0..num)
            .map(|i| FutureSalt {
                valid_since: now.secs as i32,
                valid_until: now.secs as i32 + 1,
                salt: i64::from(i),
            })
            .collect()
    }
    fn answered(&self, msg_id: i64) -> bool {
        msg_id % 2 == 0
    }
    fn destroy_session(&mut self, session_id: i64) -> bool {
        session_id % 3 == 0
    }
}

fuzz_target!(|data: &[u8]| {
    let mut rng = rng::Rng(1);
    let mut session = ServerSession::new(AuthKey::from_bytes([7u8; 256]));
    let now = Timestamp::from_secs(1_764_000_000);
    let env = Envelope {
        salt: 1,
        session_id: 5,
        msg_id: now.secs << 32,
        seq_no: 1,
        body: data[..data.len() / 4 * 4].to_vec(),
    };
    if let Ok(incoming) = session.handle_envelope(env, &mut State, now, &mut rng)
        && let Some(delay) = incoming.disconnect_after
    {
        assert!((1..=3600).contains(&delay));
    }
});
