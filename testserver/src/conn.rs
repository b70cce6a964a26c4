//! One client connection: framing detection, the plain handshake, encrypted
//! sessions, service messages, the once-only execution of requests, pushed updates
//! and the fault knobs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrogram_mtproto::Direction;
use ferrogram_mtproto::handshake::{ServerStep1, ServerStep2, server_start};
use ferrogram_mtproto::plain;
use ferrogram_mtproto::session::{
    IncomingRequest, MsgIdGenerator, ServerSession, ServerState, Timestamp, decrypt_message,
};
use ferrogram_mtproto::testing::SeededRng;
use ferrogram_tl_types::{Identifiable, Serializable, enums, functions, types};
use ferrogram_transport::{Frame, Transport, detect};
use rand_core::RngCore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::exec::{self, Ran};
use crate::rpc::Ctx;
use crate::shared::{SALT_PERIOD_SECS, Shared, lock};

/// The largest frame a client may send (big enough for a 512 KiB file part in a
/// container, small enough to bound memory per connection).
const MAX_FRAME: usize = 1 << 20;
/// A connection with no traffic for this long is closed.
const IDLE: Duration = Duration::from_secs(600);
/// Pushed updates waiting for one connection (beyond that they are dropped and the
/// client catches up with `updates.getDifference`).
const PUSH_QUEUE: usize = 256;

enum Handshake {
    None,
    Step1(ServerStep1),
    Step2(ServerStep2),
}

/// One packet to write.
struct Out {
    bytes: Vec<u8>,
    /// An rpc_result (subject to the duplicate-reply knob).
    rpc: bool,
    /// A transport status code instead of a packet.
    status: Option<i32>,
}

impl Out {
    fn packet(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            rpc: false,
            status: None,
        }
    }

    fn rpc(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            rpc: true,
            status: None,
        }
    }
}

/// What handling a packet asks the connection to do.
#[derive(Default)]
struct Action {
    out: Vec<Out>,
    /// Close after writing `out`.
    close: bool,
}

struct Conn {
    shared: Arc<Shared>,
    dc: i32,
    id: u64,
    rng: SeededRng,
    handshake: Handshake,
    plain_ids: MsgIdGenerator,
    /// The session of the last encrypted packet: (auth key id, session id, state).
    session: Option<(i64, i64, Arc<Mutex<ServerSession>>)>,
    push_tx: mpsc::Sender<Vec<u8>>,
    disconnect_at: Option<Instant>,
    /// The last encrypted packet written (what a `Hostile::Replay` sends again).
    last_sent: Option<Vec<u8>>,
    /// The client's address.
    peer: Option<std::net::IpAddr>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        lock(&self.shared.key_use).closed(self.id);
    }
}

/// Serves one TCP connection until it closes, misbehaves or the server stops.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    dc: i32,
    stream: TcpStream,
    mut stop: watch::Receiver<bool>,
) {
    let peer = stream.peer_addr().ok().map(|a| a.ip());
    let (mut rd, mut wr) = stream.into_split();
    let mut first = Vec::with_capacity(64);
    let mut buf = vec![0u8; 64 * 1024];
    let detected = loop {
        match detect(&first, None) {
            Ok(Some(d)) => break d,
            Ok(None) if first.len() < 64 => {}
            _ => return,
        }
        let want = 64 - first.len();
        tokio::select! {
            _ = stop.changed() => return,
            r = tokio::time::timeout(IDLE, rd.read(&mut buf[..want])) => match r {
                Ok(Ok(n)) if n > 0 => first.extend_from_slice(&buf[..n]),
                _ => return,
            },
        }
    };
    let mut transport = detected.transport;
    transport.set_max_frame(MAX_FRAME);
    let seed = lock(&shared.rng).next_u64();
    let (push_tx, mut push_rx) = mpsc::channel(PUSH_QUEUE);
    let mut conn = Conn {
        id: shared.next_conn_id(),
        shared,
        dc,
        rng: SeededRng::new(seed),
        handshake: Handshake::None,
        plain_ids: MsgIdGenerator::new(true),
        session: None,
        push_tx,
        disconnect_at: None,
        last_sent: None,
        peer,
    };
    loop {
        loop {
            let frame = match transport.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(_) => return,
            };
            let Frame::Packet(packet) = frame else {
                continue;
            };
            let action = conn.handle_packet(&packet);
            if conn
                .write(&mut wr, &mut transport, action.out)
                .await
                .is_err()
                || action.close
            {
                let _ = wr.shutdown().await;
                return;
            }
        }
        let deadline = conn
            .disconnect_at
            .unwrap_or_else(|| Instant::now() + IDLE)
            .min(Instant::now() + IDLE);
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep_until(deadline) => return,
            r = rd.read(&mut buf) => match r {
                Ok(n) if n > 0 => transport.push(&buf[..n]),
                _ => return,
            },
            Some(update) = push_rx.recv() => {
                if update.is_empty() {
                    // `Shared::disconnect`: the front end goes away.
                    let _ = wr.shutdown().await;
                    return;
                }
                let out = conn.encrypt_push(update);
                if conn.write(&mut wr, &mut transport, out).await.is_err() {
                    return;
                }
            }
        }
    }
}

impl Conn {
    async fn write(
        &mut self,
        wr: &mut OwnedWriteHalf,
        transport: &mut Transport,
        packets: Vec<Out>,
    ) -> std::io::Result<()> {
        for p in packets {
            if let Some(code) = p.status {
                let mut frame = Vec::new();
                transport.encode_status(code, &mut self.rng, &mut frame);
                wr.write_all(&frame).await?;
                continue;
            }
            let f = self.shared.faults.on_reply(p.rpc);
            if !f.delay.is_zero() {
                tokio::time::sleep(f.delay).await;
            }
            let mut bytes = p.bytes;
            if let Some(kind) = f.hostile {
                let session = self.session.as_ref().map(|(_, _, s)| s.clone());
                let plan = crate::hostile::plan(
                    kind,
                    &bytes,
                    session.as_deref(),
                    self.last_sent.as_deref(),
                    transport,
                    &mut self.rng,
                    self.shared.clock.now(),
                );
                wr.write_all(&plan.before).await?;
                if plan.close {
                    return Err(std::io::Error::other("hostile fault: closing"));
                }
                if !plan.send_reply {
                    continue;
                }
            }
            if f.corrupt && bytes.len() > 40 {
                // Flip a byte of the encrypted payload: the framing stays intact and
                // the client's msg_key check must reject the packet.
                let i = 24 + (self.rng.next_u32() as usize % (bytes.len() - 24));
                bytes[i] ^= 0x5a;
            }
            let mut frame = Vec::with_capacity(bytes.len() + 16);
            let too_long = |e| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
            transport
                .encode(&bytes, &mut self.rng, &mut frame)
                .map_err(too_long)?;
            if f.duplicate {
                transport
                    .encode(&bytes, &mut self.rng, &mut frame)
                    .map_err(too_long)?;
            }
            wr.write_all(&frame).await?;
            self.last_sent = Some(bytes);
        }
        Ok(())
    }

    fn handle_packet(&mut self, packet: &[u8]) -> Action {
        if packet.len() < 8 {
            return close();
        }
        let key_id = i64::from_le_bytes(packet[..8].try_into().expect("8 bytes"));
        if key_id == 0 {
            self.handle_plain(packet)
        } else {
            self.handle_encrypted(key_id, packet)
        }
    }

    fn handle_plain(&mut self, packet: &[u8]) -> Action {
        let Ok((_, body)) = plain::decode(packet) else {
            return close();
        };
        let shared = self.shared.clone();
        let cfg = &shared.config;
        let reply = match std::mem::replace(&mut self.handshake, Handshake::None) {
            Handshake::None | Handshake::Step2(_)
                if matches!(
                    constructor(body),
                    functions::ReqPqMulti::CONSTRUCTOR_ID | functions::ReqPq::CONSTRUCTOR_ID
                ) =>
            {
                server_start(body, cfg, &mut self.rng).map(|(step, bytes)| {
                    self.handshake = Handshake::Step1(step);
                    bytes
                })
            }
            Handshake::Step1(step) => step
                .handle_req_dh_params(body, cfg, shared.clock.unix(), &mut self.rng)
                .map(|(step, bytes)| {
                    self.handshake = Handshake::Step2(step);
                    bytes
                }),
            Handshake::Step2(step) => {
                step.handle_set_client_dh_params(body, cfg)
                    .map(|(created, bytes)| {
                        let now = shared.clock.now().secs;
                        lock(&shared.keys).insert(
                            created.auth_key.id_i64(),
                            crate::shared::KeyEntry {
                                key: created.auth_key,
                                dc: self.dc,
                                first_salt: created.first_salt,
                                created: now,
                            },
                        );
                        shared.counters.handshake();
                        bytes
                    })
            }
            Handshake::None => return close(),
        };
        match reply {
            Ok(bytes) => {
                let msg_id = self.plain_ids.next(shared.clock.now());
                Action {
                    out: vec![Out::packet(plain::encode(msg_id, &bytes))],
                    close: false,
                }
            }
            Err(_) => close(),
        }
    }

    fn handle_encrypted(&mut self, key_id: i64, packet: &[u8]) -> Action {
        let shared = self.shared.clone();
        let (key, valid, current) = {
            let keys = lock(&shared.keys);
            match keys.get(&key_id) {
                Some(k) if k.dc == self.dc => (
                    k.key.clone(),
                    shared.valid_salts(self.dc, k),
                    shared.current_salt(self.dc),
                ),
                // Unknown key (or one made on another DC): Telegram answers the
                // transport error -404 and closes.
                _ => return status_404(),
            }
        };
        // The only decryption of this packet: the envelope says which session it
        // belongs to, and that session takes the envelope as it is.
        shared.counters.encrypted_packet();
        let Ok(env) = decrypt_message(&key, Direction::ClientToServer, packet) else {
            return close();
        };
        // Bounded per key and in time (see `sessions`).
        let session = lock(&shared.sessions).get_or_create(
            (key_id, env.session_id),
            shared.clock.now().secs,
            || ServerSession::new(key.clone()),
        );
        self.session = Some((key_id, env.session_id, session.clone()));
        let mut state = SessionState {
            shared: &shared,
            dc: self.dc,
            key_id,
            session_id: env.session_id,
            valid: if shared.faults.take_bad_salt() {
                Vec::new()
            } else {
                valid
            },
            current,
        };
        let now = shared.clock.now();
        let mut s = lock(&session);
        let Ok(incoming) = s.handle_envelope(env, &mut state, now, &mut self.rng) else {
            return close();
        };
        let mut action = Action {
            out: incoming.replies.into_iter().map(Out::packet).collect(),
            close: false,
        };
        if let Some(secs) = incoming.disconnect_after {
            self.disconnect_at = Some(Instant::now() + Duration::from_secs(u64::from(secs)));
        }
        for req in incoming.requests {
            self.handle_request(&mut s, key_id, state.session_id, req, &mut action);
            if action.close {
                return action;
            }
        }
        if let Some(bytes) = s.take_acks(now, &mut self.rng) {
            action.out.push(Out::packet(bytes));
        }
        action
    }

    /// Runs one API request (see [`exec::once`]) and queues its `rpc_result`.
    fn handle_request(
        &mut self,
        s: &mut ServerSession,
        key_id: i64,
        session_id: i64,
        req: IncomingRequest,
        action: &mut Action,
    ) {
        // An injected refusal: not executed, as Telegram executes no message it
        // refuses.
        if !req.duplicate
            && let Some(code) = self.shared.faults.take_bad_msg()
        {
            let now = self.shared.clock.now();
            let packet = if code == 48 {
                // A wrong salt is always answered with `bad_server_salt`
                // carrying the right one, never a plain notification of 48
                // (core.telegram.org/mtproto/service_messages_about_messages).
                let body = enums::BadMsgNotification::from(types::BadServerSalt {
                    bad_msg_id: req.msg_id,
                    bad_msg_seqno: req.seq_no,
                    error_code: 48,
                    new_server_salt: self.shared.current_salt(self.dc),
                })
                .to_bytes();
                s.send(body, false, now, &mut self.rng)
            } else {
                s.bad_msg_notification(req.msg_id, req.seq_no, code, now, &mut self.rng)
            };
            action.out.push(Out::packet(packet));
            return;
        }
        let caller = Ctx {
            shared: &self.shared,
            dc: self.dc,
            key_id,
            conn: self.id,
            peer: self.peer,
        };
        let ran = exec::once(&caller, session_id, &req, &self.push_tx);
        match ran {
            Ran::Answer(result) => {
                let now = self.shared.clock.now();
                let packet = s.rpc_result(req.msg_id, result, now, &mut self.rng);
                action.out.push(Out::rpc(packet));
            }
            Ran::DropConnection => action.close = true,
        }
    }

    fn encrypt_push(&mut self, update: Vec<u8>) -> Vec<Out> {
        let Some((_, _, session)) = &self.session else {
            return Vec::new();
        };
        let now = self.shared.clock.now();
        let bytes = lock(session).send(update, true, now, &mut self.rng);
        vec![Out::packet(bytes)]
    }
}

fn close() -> Action {
    Action {
        out: Vec::new(),
        close: true,
    }
}

/// The transport error -404 ("auth key not found"), then close.
fn status_404() -> Action {
    Action {
        out: vec![Out {
            bytes: Vec::new(),
            rpc: false,
            status: Some(-404),
        }],
        close: true,
    }
}

/// What the MTProto session asks of the server: salts, the answer cache and the
/// session table, for one auth key and session.
struct SessionState<'a> {
    shared: &'a Shared,
    dc: i32,
    key_id: i64,
    session_id: i64,
    valid: Vec<i64>,
    current: i64,
}

impl ServerState for SessionState<'_> {
    fn valid_salts(&self) -> Vec<i64> {
        self.valid.clone()
    }

    fn current_salt(&self) -> i64 {
        self.current
    }

    fn future_salts(&self, num: i32, now: Timestamp) -> Vec<types::FutureSalt> {
        let period = now.secs.div_euclid(SALT_PERIOD_SECS);
        (0..i64::from(num))
            .map(|i| {
                let p = period + i;
                types::FutureSalt {
                    valid_since: (p * SALT_PERIOD_SECS) as i32,
                    valid_until: ((p + 1) * SALT_PERIOD_SECS) as i32,
                    salt: self.shared.salt_for(self.dc, p),
                }
            })
            .collect()
    }

    fn answered(&self, msg_id: i64) -> bool {
        lock(&self.shared.results)
            .get(&(self.key_id, self.session_id, msg_id))
            .is_some()
    }

    fn destroy_session(&mut self, session_id: i64) -> bool {
        lock(&self.shared.sessions).remove((self.key_id, session_id))
    }
}

fn constructor(body: &[u8]) -> u32 {
    body.get(..4)
        .map_or(0, |b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
}
