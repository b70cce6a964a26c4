//! Fault injection: the knobs tests turn to see clients survive a bad network and a
//! strict server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ferrogram_mtproto::testing::SeededRng;
use rand_core::RngCore;

/// The fault knobs of a running server (shared by all its DCs; clones share state).
///
/// Every knob acts on what happens after it is set; [`Faults::clear`] turns all
/// of them off. Counts ("the next N") are consumed across all connections.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    inner: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    drop_after: Option<u64>,
    drop_every: Option<(u64, u64)>,
    drop_random: Option<(SeededRng, f64)>,
    delay: Duration,
    bad_salt: u64,
    flood: HashMap<String, (u32, Option<u64>)>,
    duplicate: u64,
    corrupt: u64,
    drop_updates: u64,
    hostile: Option<(Hostile, u64)>,
    bad_msg: Option<(i32, u64)>,
    rate: crate::rate_limit::RateLimits,
    duplicated_keys: bool,
}

/// A way for the server to break MTProto on purpose, to see a client refuse it
/// with a typed error and recover without losing a request (see
/// [`Faults::hostile`]). Each acts on one RPC reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Hostile {
    /// Instead of the reply: a frame of random bytes (the framing is intact; the
    /// auth key id and everything after it are noise).
    GarbageFrame,
    /// Instead of the reply: bytes that are no frame at all (a length prefix
    /// announcing 2 GiB), then the connection closes.
    GarbageStream,
    /// Before the reply: a correctly encrypted message whose body starts with
    /// a constructor id no schema has.
    UnknownConstructor,
    /// Instead of the reply: a correctly encrypted `msg_container` of 1021
    /// messages, one more than MTProto allows.
    OversizedContainer,
    /// Instead of the reply: a correctly encrypted message nested in ten
    /// `msg_container`s, deeper than a client accepts.
    DeepNesting,
    /// Instead of the reply: the reply with one encrypted byte flipped, so its
    /// msg_key no longer matches.
    WrongMsgKey,
    /// Before the reply: the last packet this connection sent, again, byte for
    /// byte.
    Replay,
    /// Instead of the reply: the first half of its frame, then the connection
    /// closes.
    Truncated,
}

impl Hostile {
    /// Every kind, for tests that try them all.
    pub const ALL: [Hostile; 8] = [
        Hostile::GarbageFrame,
        Hostile::GarbageStream,
        Hostile::UnknownConstructor,
        Hostile::OversizedContainer,
        Hostile::DeepNesting,
        Hostile::WrongMsgKey,
        Hostile::Replay,
        Hostile::Truncated,
    ];

    /// The snake_case name fixtures use (`"garbage_frame"`).
    pub fn name(self) -> &'static str {
        match self {
            Hostile::GarbageFrame => "garbage_frame",
            Hostile::GarbageStream => "garbage_stream",
            Hostile::UnknownConstructor => "unknown_constructor",
            Hostile::OversizedContainer => "oversized_container",
            Hostile::DeepNesting => "deep_nesting",
            Hostile::WrongMsgKey => "wrong_msg_key",
            Hostile::Replay => "replay",
            Hostile::Truncated => "truncated",
        }
    }

    /// The kind a [`Hostile::name`] names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the reply is withheld (the client gets its answer only by
    /// reconnecting and resending, answered from the server's cache).
    pub fn replaces_reply(self) -> bool {
        !matches!(self, Hostile::UnknownConstructor | Hostile::Replay)
    }
}

/// What to do with one incoming request, decided by the knobs.
#[derive(Debug, Default)]
pub(crate) struct RequestFaults {
    /// Execute, then close the connection without replying.
    pub drop_connection: bool,
}

/// What to do with one outgoing packet.
#[derive(Debug, Default)]
pub(crate) struct ReplyFaults {
    pub delay: Duration,
    pub duplicate: bool,
    pub corrupt: bool,
    pub hostile: Option<Hostile>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Turns every knob off.
    pub fn clear(&self) {
        *self.lock() = State::default();
    }

    /// After `n` more RPC requests have been received (counting across connections),
    /// the connection carrying the `n`-th is closed right after executing it and
    /// before the reply is sent: the client must resend it, and the server must
    /// answer the resend from its cache without executing it twice. One-shot.
    pub fn drop_connection_after(&self, n: u64) {
        self.lock().drop_after = Some(n.max(1));
    }

    /// Closes the connection carrying every `n`-th RPC request (counting across
    /// connections), after executing it and before replying, until cleared.
    pub fn drop_connection_every(&self, n: u64) {
        self.lock().drop_every = Some((n.max(1), 0));
    }

    /// Closes the connection (after executing, before replying) on each RPC
    /// request with probability `probability`, decided by a generator seeded with
    /// `seed`, so a run is reproducible.
    pub fn drop_connections_randomly(&self, seed: u64, probability: f64) {
        self.lock().drop_random = Some((SeededRng::new(seed), probability.clamp(0.0, 1.0)));
    }

    /// Delays every packet the server sends by `delay` (zero: no delay).
    pub fn delay_replies(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// Refuses the next `n` encrypted packets with `bad_server_salt`.
    pub fn force_bad_server_salt(&self, n: u64) {
        self.lock().bad_salt = n;
    }

    /// Answers `method` (TL name, e.g. `"messages.sendMessage"`) with
    /// `420 FLOOD_WAIT_{seconds}`, `times` times or, with `None`, until cleared.
    pub fn flood_wait(&self, method: &str, seconds: u32, times: Option<u64>) {
        self.lock()
            .flood
            .insert(method.to_owned(), (seconds, times));
    }

    /// Limits every account to `requests` calls of `method` (TL name) in any
    /// `window` of the server's clock: the next is answered
    /// `420 FLOOD_WAIT_X`, X the seconds until the oldest call leaves the
    /// window, without running. Zero requests or window lifts the limit.
    pub fn rate_limit(&self, method: &str, requests: u32, window: Duration) {
        self.lock().rate.set(method, requests, window);
    }

    pub(crate) fn rate_limited(
        &self,
        method: &str,
        account: i64,
        now: ferrogram_mtproto::session::Timestamp,
    ) -> Option<u32> {
        self.lock().rate.take(method, account, now)
    }

    /// Sends each of the next `n` RPC replies twice (same msg_id), as a flaky
    /// network might deliver it: clients must ignore the second copy.
    pub fn duplicate_replies(&self, n: u64) {
        self.lock().duplicate = n;
    }

    /// Corrupts the next `n` packets the server sends (one byte of the encrypted
    /// payload flipped, framing intact): clients must reject them and recover.
    pub fn corrupt_frames(&self, n: u64) {
        self.lock().corrupt = n;
    }

    /// Breaks MTProto on each of the next `n` RPC replies (counting across
    /// connections) in the way `kind` says: garbage frames, unknown
    /// constructors, oversized or deeply nested containers, a wrong msg_key,
    /// replayed packets, a truncated stream. A client must refuse each with a
    /// typed error, reconnect where the stream cannot be trusted, and lose no
    /// request: a withheld reply is answered again, from the cache, when the
    /// client resends.
    pub fn hostile(&self, kind: Hostile, n: u64) {
        self.lock().hostile = (n > 0).then_some((kind, n));
    }

    /// Refuses each of the next `n` RPC requests (counting across connections)
    /// with a `bad_msg_notification` of `code` instead of executing it, as
    /// Telegram refuses a message it finds bad (16/17: msg_id too low/high,
    /// 32/33: seq_no too low/high, 48: salt, 64: container; a client resends
    /// those as new messages; 18-20 and 34/35 mean the client itself is wrong,
    /// and the request fails). Code 48 goes out as `bad_server_salt` with the
    /// current salt, the only form Telegram sends it in.
    pub fn bad_msg_notifications(&self, code: i32, n: u64) {
        self.lock().bad_msg = (n > 0).then_some((code, n));
    }

    pub(crate) fn take_bad_msg(&self) -> Option<i32> {
        let mut s = self.lock();
        let (code, n) = s.bad_msg.as_mut()?;
        let code = *code;
        *n = n.saturating_sub(1);
        if *n == 0 {
            s.bad_msg = None;
        }
        Some(code)
    }

    /// Revokes an auth key used at the same time from two different
    /// addresses, as Telegram does: every request on it is answered
    /// `406 AUTH_KEY_DUPLICATED` from then on. (Clients tell themselves
    /// apart by binding distinct 127.0.0.x addresses.)
    pub fn detect_duplicated_keys(&self, on: bool) {
        self.lock().duplicated_keys = on;
    }

    pub(crate) fn detects_duplicated_keys(&self) -> bool {
        self.lock().duplicated_keys
    }

    /// Loses the next `n` pushed updates (each one for all the sessions it was
    /// meant for), as a flaky network might: clients must notice the pts gap and
    /// catch up with `updates.getDifference`.
    pub fn drop_updates(&self, n: u64) {
        self.lock().drop_updates = n;
    }

    pub(crate) fn take_dropped_update(&self) -> bool {
        let mut s = self.lock();
        if s.drop_updates > 0 {
            s.drop_updates -= 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn take_bad_salt(&self) -> bool {
        let mut s = self.lock();
        if s.bad_salt > 0 {
            s.bad_salt -= 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn flood_for(&self, method: &str) -> Option<u32> {
        let mut s = self.lock();
        let (secs, times) = s.flood.get_mut(method)?;
        let secs = *secs;
        match times {
            None => Some(secs),
            Some(0) => None,
            Some(n) => {
                *n -= 1;
                Some(secs)
            }
        }
    }

    pub(crate) fn on_request(&self) -> RequestFaults {
        let mut s = self.lock();
        let mut out = RequestFaults::default();
        if let Some(n) = s.drop_after.as_mut() {
            *n -= 1;
            if *n == 0 {
                s.drop_after = None;
                out.drop_connection = true;
            }
        }
        if let Some((n, seen)) = s.drop_every.as_mut() {
            *seen += 1;
            if *seen % *n == 0 {
                out.drop_connection = true;
            }
        }
        if let Some((rng, p)) = s.drop_random.as_mut() {
            let roll = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            if roll < *p {
                out.drop_connection = true;
            }
        }
        out
    }

    pub(crate) fn on_reply(&self, rpc: bool) -> ReplyFaults {
        let mut s = self.lock();
        let mut out = ReplyFaults {
            delay: s.delay,
            ..ReplyFaults::default()
        };
        if rpc && s.duplicate > 0 {
            s.duplicate -= 1;
            out.duplicate = true;
        }
        if s.corrupt > 0 {
            s.corrupt -= 1;
            out.corrupt = true;
        }
        if rpc && let Some((kind, n)) = s.hostile.as_mut() {
            out.hostile = Some(*kind);
            *n = n.saturating_sub(1);
            if *n == 0 {
                s.hostile = None;
            }
        }
        out
    }
}
