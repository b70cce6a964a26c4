//! The soak's faults: one knob a second, round robin, on the testserver of
//! the driver's process.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrogram_testserver::TestServer;

/// How many fault knobs `chaos` turns.
pub const KNOBS: usize = 10;

/// Turns one knob a second, round robin, until `until`; counts what it did.
///
/// The clock jumps ahead by `jump` seconds at a time, up to `max_ahead` (forward
/// only: after a jump back a server's msg_ids, which must keep growing, would
/// still carry the later time). With Telethon in the run the clock stays
/// under 30 s ahead: Telethon ignores every server message more than 30 s
/// ahead of its clock, the bad_msg_notification that would correct it
/// included, and never recovers.
///
/// The DC move takes the Ferrogram accounts in turn (`movable`) to the next
/// served DC: their requests there answer USER_MIGRATE until the client
/// carries its authorization over. Telethon's accounts stay: Telethon drops
/// its auth key when it switches DC, signing the account out.
pub async fn chaos(
    server: Arc<TestServer>,
    until: Instant,
    (jump, max_ahead): (i64, i64),
    movable: Vec<i64>,
    telethon: bool,
) -> BTreeMap<&'static str, u64> {
    let f = server.faults();
    let mut done: BTreeMap<&'static str, u64> = BTreeMap::new();
    if Instant::now() >= until {
        return done;
    }
    f.drop_connections_randomly(17, 0.002);
    done.insert("drop_connections_randomly (p = 0.002 per request)", 1);
    // Telethon resends only after 16/17/32/33 and `bad_server_salt` (the
    // form of 48) and fails the request on any other code
    // (`MTProtoSender._handle_bad_notification`). Telegram sends 64 only for
    // a malformed container, which a correct client never sends: with
    // Telethon in the run it is left out (Ferrogram's resend on 64 has its
    // own test in client/tests/hostile_server.rs).
    let codes: &[i32] = if telethon {
        &[16, 17, 32, 33, 48]
    } else {
        &[16, 17, 32, 33, 48, 64]
    };
    let dcs: Vec<i32> = server.dcs().iter().map(|d| d.id).collect();
    let mut homes: HashMap<i64, i32> = movable.iter().map(|u| (*u, server.dc_id())).collect();
    // SOAK_ONLY=k turns only knob k (0..KNOBS): for telling which one a
    // failure comes from.
    let only: Option<usize> = std::env::var("SOAK_ONLY").ok().and_then(|v| v.parse().ok());
    let mut t = 0usize;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(1)).await;
        t += 1;
        if only.is_some_and(|k| k != t % KNOBS) {
            continue;
        }
        let what = match t % KNOBS {
            0 => {
                f.force_bad_server_salt(3);
                "stale salts (3 packets)"
            }
            1 if server.clock().offset() + jump <= max_ahead => {
                server
                    .clock()
                    .advance(Duration::from_secs(jump.unsigned_abs()));
                "clock jumps"
            }
            1 => continue,
            2 => {
                f.flood_wait("messages.sendMessage", 1, Some(2));
                "FLOOD_WAIT_1 (2 sends)"
            }
            3 => {
                f.drop_updates(2);
                "dropped updates (2)"
            }
            4 => {
                server.expire_file_references();
                "expired file references"
            }
            5 => {
                f.bad_msg_notifications(codes[(t / KNOBS) % codes.len()], 1);
                "bad_msg_notifications"
            }
            6 => {
                f.drop_connection_after(1);
                "a connection dropped after executing, before replying"
            }
            8 => {
                let Some(&user) = movable.get((t / KNOBS) % movable.len().max(1)) else {
                    continue;
                };
                let home = homes.entry(user).or_insert(server.dc_id());
                let at = dcs.iter().position(|d| d == home).unwrap_or(0);
                let to = dcs[(at + 1) % dcs.len()];
                if server.migrate_user(user, to).is_err() {
                    continue;
                }
                *home = to;
                "an account moved to another DC (USER_MIGRATE)"
            }
            9 => {
                // A listener (accounts 1 and 2) in turn with another
                // account: their connections close while they may be asking
                // nothing, and the next one hears nothing until it asks.
                let round = t / KNOBS;
                let listener = movable.get(1 + round % 2);
                let other = movable.get(3 + round % movable.len().saturating_sub(3).max(1));
                let closed: usize = [listener, other]
                    .into_iter()
                    .flatten()
                    .map(|u| server.disconnect_user(*u))
                    .sum();
                if closed == 0 {
                    continue;
                }
                "connections closed under a listener and another account"
            }
            _ => {
                f.duplicate_replies(2);
                "duplicated replies (2)"
            }
        };
        *done.entry(what).or_default() += 1;
    }
    // The clock stays where the jumps took it: going back is what no
    // server clock does.
    f.clear();
    done
}
