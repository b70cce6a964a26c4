//! Each API request runs at most once per (auth key, session, msg_id): a
//! resend is answered from the cache; the flood, rate-limit and drop-connection knobs
//! apply here; the caller's connection is subscribed to its user's updates.
//! The connection driver only moves the bytes in and the answer out.

use ferrogram_mtproto::session::IncomingRequest;
use tokio::sync::mpsc;

use crate::counters::Event;
use crate::rpc::{self, Ctx};
use crate::shared::lock;

/// What running a request asks of the connection.
pub(crate) enum Ran {
    /// Send this answer (the TL of the `rpc_result`'s body).
    Answer(Vec<u8>),
    /// The drop-connection knob fired: the request ran and its answer is
    /// cached, but the connection closes before sending it.
    DropConnection,
}

/// Runs `req` of session `session_id` for `caller`, or answers it from the
/// cache if it ran before.
pub(crate) fn once(
    caller: &Ctx<'_>,
    session_id: i64,
    req: &IncomingRequest,
    updates: &mpsc::Sender<Vec<u8>>,
) -> Ran {
    let shared = caller.shared;
    let call = rpc::decode(&req.body);
    shared.counters.request(call.method, Event::Received);
    #[cfg(feature = "request-log")]
    if let Some(log) = &shared.log {
        let request = call.object.as_ref().ok();
        log.request(caller.dc, session_id, req.msg_id, call.method, request);
    }
    if shared.faults.detects_duplicated_keys()
        && let Some(ip) = caller.peer
        && lock(&shared.key_use).used(caller.key_id, caller.conn, ip)
    {
        return Ran::Answer(rpc::error_bytes(406, "AUTH_KEY_DUPLICATED"));
    }
    let cache_key = (caller.key_id, session_id, req.msg_id);
    let cached = lock(&shared.results).get(&cache_key);
    if let Some(result) = cached {
        shared.counters.request(call.method, Event::Duplicate);
        // A resend on a new connection (the old one dropped before the
        // answer) is a query on this connection all the same: it subscribes
        // it, or a client whose only pending request was answered from the
        // cache would never hear of an update again
        // (https://core.telegram.org/method/invokeWithoutUpdates: every query
        // but those wrapped in it subscribes "the used connection").
        subscribe(caller, call.without_updates, updates);
        return Ran::Answer(result);
    }
    // Not answered yet. The session may have seen this msg_id before (a
    // container whose connection was dropped after an earlier request of it
    // ran): the answer cache, not the session's memory of ids, says what was
    // executed, so it runs now. (Answers stay cached for the 300-second
    // msg_id window in which a resend is accepted at all, and a margin.)
    let rate_limited = || {
        let account = rpc::authorized_user(caller)?;
        shared
            .faults
            .rate_limited(call.method, account, shared.clock.now())
    };
    let result = match shared.faults.flood_for(call.method).or_else(rate_limited) {
        Some(secs) => rpc::error_bytes(420, &format!("FLOOD_WAIT_{secs}")),
        None => {
            let faults = shared.faults.on_request();
            let result = rpc::execute(caller, call.object);
            let failed = rpc::is_error(&result);
            shared
                .counters
                .request(call.method, Event::Executed { failed });
            subscribe(caller, call.without_updates, updates);
            if faults.drop_connection {
                lock(&shared.results).insert(cache_key, result, shared.clock.now().secs);
                return Ran::DropConnection;
            }
            result
        }
    };
    lock(&shared.results).insert(cache_key, result.clone(), shared.clock.now().secs);
    Ran::Answer(result)
}

/// Subscribes the caller's connection to its user's updates, unless the
/// query came wrapped in `invokeWithoutUpdates` or no one is signed in.
fn subscribe(caller: &Ctx<'_>, without_updates: bool, updates: &mpsc::Sender<Vec<u8>>) {
    if !without_updates && let Some(user) = rpc::authorized_user(caller) {
        caller.shared.subscribe(user, caller.conn, updates);
    }
}
