//! The server's side of an encrypted session: checks, containers, acks, and the
//! answers to MTProto's service messages (`ping`, `ping_delay_disconnect`,
//! `get_future_salts`, `msgs_state_req`, `destroy_session`, `rpc_drop_answer`).

use ferrogram_tl_types::service::{GzipPacked, MessageContainer, RpcError, RpcResult};
use ferrogram_tl_types::{Deserializable, Identifiable, Serializable, enums, functions, types};
use rand_core::RngCore;

use super::msg_id::RecentIds;
use super::*;
use crate::crypto::{AuthKey, Direction};

/// A request the server received, unpacked from containers and gzip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingRequest {
    /// Its msg_id (what `rpc_result` answers).
    pub msg_id: i64,
    /// Its seq_no.
    pub seq_no: i32,
    /// The TL body.
    pub body: Vec<u8>,
    /// Seen before in this session (a resend): answer from the cache, do not execute.
    pub duplicate: bool,
}

/// What a server makes of one client packet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Incoming {
    /// Encrypted packets to send back now, in order: `new_session_created`, the
    /// answers to service messages (`pong`, `future_salts`, `msgs_state_info`,
    /// `destroy_session_ok`, ...), or the `bad_msg_notification` /
    /// `bad_server_salt` that rejects the whole packet.
    pub replies: Vec<Vec<u8>>,
    /// The API requests to execute, in order, unpacked from containers and gzip.
    pub requests: Vec<IncomingRequest>,
    /// `ping_delay_disconnect` asked to close the connection after this many
    /// seconds (1..=3600) unless another such ping comes first.
    pub disconnect_after: Option<u32>,
}

/// What a server session needs to know of the rest of the server to check a
/// packet and answer service messages. The driver implements it over its own
/// state (salts, answer cache, session table); the session itself does no I/O.
pub trait ServerState {
    /// The salts accepted now (anything else is answered `bad_server_salt`).
    fn valid_salts(&self) -> Vec<i64>;
    /// The salt clients should use now (sent in `bad_server_salt` and
    /// `new_session_created`).
    fn current_salt(&self) -> i64;
    /// The answer to `get_future_salts`: up to `num` salts from the current one
    /// on, each with its validity window.
    fn future_salts(&self, num: i32, now: Timestamp) -> Vec<types::FutureSalt>;
    /// Whether the request `msg_id` of this session has been answered (for
    /// `msgs_state_req`).
    fn answered(&self, msg_id: i64) -> bool;
    /// Ends session `session_id` of the same auth key (for `destroy_session`);
    /// whether there was one. Never asked for the session in use.
    fn destroy_session(&mut self, session_id: i64) -> bool;
}

/// The server side of an encrypted session.
#[derive(Debug)]
pub struct ServerSession {
    auth_key: AuthKey,
    session_id: Option<i64>,
    msg_ids: MsgIdGenerator,
    seq: i32,
    seen: RecentIds,
    pending_acks: Vec<i64>,
    /// Whether new_session_created has been sent.
    announced: bool,
}

impl ServerSession {
    /// A server session for a client holding `auth_key`.
    pub fn new(auth_key: AuthKey) -> Self {
        Self {
            auth_key,
            session_id: None,
            msg_ids: MsgIdGenerator::new(true),
            seq: 0,
            seen: RecentIds::default(),
            pending_acks: Vec::new(),
            announced: false,
        }
    }

    /// The client's session id, once known.
    pub fn session_id(&self) -> Option<i64> {
        self.session_id
    }

    /// How many of the client's msg_ids it remembers to refuse a replay
    /// (at most the last 2,048; what a session costs a server).
    pub fn remembered_msg_ids(&self) -> usize {
        self.seen.len()
    }

    fn next_seq(&mut self, content_related: bool) -> i32 {
        if content_related {
            // seq_no counters wrap like the i32 they are sent as.
            let s = self.seq.wrapping_mul(2).wrapping_add(1);
            self.seq = self.seq.wrapping_add(1);
            s
        } else {
            self.seq.wrapping_mul(2)
        }
    }

    /// Encrypts `body` for the client as one message.
    pub fn send(
        &mut self,
        body: Vec<u8>,
        content_related: bool,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let msg_id = self.msg_ids.next(now);
        let seq_no = self.next_seq(content_related);
        let env = Envelope {
            salt: 0,
            session_id: self.session_id.unwrap_or(0),
            msg_id,
            seq_no,
            body,
        };
        encrypt_message(&self.auth_key, Direction::ServerToClient, &env, rng)
    }

    /// The `rpc_result` answering `req_msg_id` (compressed when that helps).
    pub fn rpc_result(
        &mut self,
        req_msg_id: i64,
        result: Vec<u8>,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let body = RpcResult {
            req_msg_id,
            result: maybe_compress(result),
        }
        .to_bytes();
        self.send(body, true, now, rng)
    }

    /// The `rpc_error` answering `req_msg_id`.
    pub fn rpc_error(
        &mut self,
        req_msg_id: i64,
        code: i32,
        message: &str,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let err = RpcError::new(code, message).to_bytes();
        self.rpc_result(req_msg_id, err, now, rng)
    }

    /// Acknowledgements of everything content-related received so far, if any.
    pub fn take_acks(&mut self, now: Timestamp, rng: &mut impl RngCore) -> Option<Vec<u8>> {
        if self.pending_acks.is_empty() {
            return None;
        }
        let ack = enums::MsgsAck::from(types::MsgsAck {
            msg_ids: std::mem::take(&mut self.pending_acks),
        })
        .to_bytes();
        Some(self.send(ack, false, now, rng))
    }

    fn bad_msg(
        &mut self,
        bad: &Envelope,
        code: i32,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        self.bad_msg_notification(bad.msg_id, bad.seq_no, code, now, rng)
    }

    /// A `bad_msg_notification` refusing the client message `bad_msg_id` with
    /// `code` (MTProto's codes: 16/17 msg_id too low/high, 18 its low bits,
    /// 19/20 duplicate or too old, 32-35 seq_no, 48 salt, 64 container); the
    /// session uses it for what it detects itself, and a test server for the
    /// refusals it injects.
    pub fn bad_msg_notification(
        &mut self,
        bad_msg_id: i64,
        bad_msg_seqno: i32,
        code: i32,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Vec<u8> {
        let body = enums::BadMsgNotification::from(types::BadMsgNotification {
            bad_msg_id,
            bad_msg_seqno,
            error_code: code,
        })
        .to_bytes();
        self.send(body, false, now, rng)
    }

    /// Checks a client message the driver decrypted (once, with
    /// [`decrypt_message`](super::decrypt_message), which also tells it which
    /// session to route to), unpacks it and answers its service messages.
    ///
    /// A wrong msg_id or salt rejects the whole packet with a
    /// `bad_msg_notification` or `bad_server_salt` in [`Incoming::replies`];
    /// an undecodable container or gzip_packed is an error (drop the connection).
    pub fn handle_envelope(
        &mut self,
        env: Envelope,
        state: &mut impl ServerState,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Result<Incoming, SessionError> {
        match self.session_id {
            Some(id) if id == env.session_id => {}
            _ => {
                self.session_id = Some(env.session_id);
                self.announced = false;
            }
        }
        if let Some(code) = msg_id_problem(env.msg_id, now) {
            let reply = self.bad_msg(&env, code, now, rng);
            return Ok(Incoming {
                replies: vec![reply],
                ..Incoming::default()
            });
        }
        let current_salt = state.current_salt();
        if !state.valid_salts().contains(&env.salt) {
            let body = enums::BadMsgNotification::from(types::BadServerSalt {
                bad_msg_id: env.msg_id,
                bad_msg_seqno: env.seq_no,
                error_code: 48,
                new_server_salt: current_salt,
            })
            .to_bytes();
            return Ok(Incoming {
                replies: vec![self.send(body, false, now, rng)],
                ..Incoming::default()
            });
        }
        let mut messages = Vec::new();
        self.unpack(env.msg_id, env.seq_no, env.body, &mut messages, 0)?;
        let mut incoming = Incoming::default();
        if let Some(first) = messages.first() {
            let unique_id = rng.next_u64() as i64;
            if let Some(note) =
                self.take_new_session(first.msg_id, current_salt, unique_id, now, rng)
            {
                incoming.replies.push(note);
            }
        }
        for m in messages {
            if !self.answer_service(&m, state, now, rng, &mut incoming) {
                incoming.requests.push(m);
            }
        }
        Ok(incoming)
    }

    /// Answers `m` if it is a service message (into `incoming`); false for an
    /// API request. Undecodable service messages are dropped, as Telegram does.
    fn answer_service(
        &mut self,
        m: &IncomingRequest,
        state: &mut impl ServerState,
        now: Timestamp,
        rng: &mut impl RngCore,
        incoming: &mut Incoming,
    ) -> bool {
        let reply: Option<Vec<u8>> = match constructor(&m.body) {
            functions::Ping::CONSTRUCTOR_ID => functions::Ping::from_bytes(&m.body)
                .ok()
                .map(|p| pong(m.msg_id, p.ping_id)),
            functions::PingDelayDisconnect::CONSTRUCTOR_ID => {
                functions::PingDelayDisconnect::from_bytes(&m.body)
                    .ok()
                    .map(|p| {
                        incoming.disconnect_after = Some(p.disconnect_delay.clamp(1, 3600) as u32);
                        pong(m.msg_id, p.ping_id)
                    })
            }
            functions::GetFutureSalts::CONSTRUCTOR_ID => {
                functions::GetFutureSalts::from_bytes(&m.body)
                    .ok()
                    .map(|g| {
                        enums::FutureSalts::from(types::FutureSalts {
                            req_msg_id: m.msg_id,
                            now: i32::try_from(now.secs).unwrap_or(i32::MAX),
                            salts: state.future_salts(g.num.clamp(1, 64), now),
                        })
                        .to_bytes()
                    })
            }
            types::MsgsStateReq::CONSTRUCTOR_ID => enums::MsgsStateReq::from_bytes(&m.body)
                .ok()
                .map(|enums::MsgsStateReq::MsgsStateReq(r)| {
                    // 4: received; 32 | 64: answered, the answer acknowledged
                    // or not (the server does not track which); 1: unknown.
                    let info = r
                        .msg_ids
                        .iter()
                        .map(|id| if state.answered(*id) { 4 | 32 | 64 } else { 1 })
                        .collect();
                    enums::MsgsStateInfo::from(types::MsgsStateInfo {
                        req_msg_id: m.msg_id,
                        info,
                    })
                    .to_bytes()
                }),
            functions::DestroySession::CONSTRUCTOR_ID => {
                functions::DestroySession::from_bytes(&m.body)
                    .ok()
                    .map(|d| {
                        let removed = Some(d.session_id) != self.session_id
                            && state.destroy_session(d.session_id);
                        let body = if removed {
                            enums::DestroySessionRes::from(types::DestroySessionOk {
                                session_id: d.session_id,
                            })
                        } else {
                            enums::DestroySessionRes::from(types::DestroySessionNone {
                                session_id: d.session_id,
                            })
                        };
                        body.to_bytes()
                    })
            }
            functions::RpcDropAnswer::CONSTRUCTOR_ID => {
                // Requests run to completion as soon as they arrive: there is never
                // a running answer to drop. (An rpc_result, unlike the others.)
                let body = enums::RpcDropAnswer::from(types::RpcAnswerUnknown {}).to_bytes();
                incoming
                    .replies
                    .push(self.rpc_result(m.msg_id, body, now, rng));
                return true;
            }
            // The server keeps no copy of what it sent, so there is nothing to
            // resend: a client that lost an answer repeats its request with the same
            // msg_id, which the driver's answer cache serves. The other service
            // messages a client may send need no answer.
            types::MsgResendReq::CONSTRUCTOR_ID
            | types::MsgsAllInfo::CONSTRUCTOR_ID
            | types::HttpWait::CONSTRUCTOR_ID
            | types::MsgsStateInfo::CONSTRUCTOR_ID
            | types::MsgResendAnsReq::CONSTRUCTOR_ID => None,
            _ => return false,
        };
        if let Some(body) = reply {
            incoming.replies.push(self.send(body, true, now, rng));
        }
        true
    }

    /// Decrypts and checks a client packet, then [`handle_envelope`]: for a
    /// driver with one session per key. A server with many sessions per key
    /// decrypts first to route and calls [`handle_envelope`] itself.
    ///
    /// [`handle_envelope`]: Self::handle_envelope
    pub fn handle_packet(
        &mut self,
        packet: &[u8],
        state: &mut impl ServerState,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Result<Incoming, SessionError> {
        let env = decrypt_message(&self.auth_key, Direction::ClientToServer, packet)?;
        self.handle_envelope(env, state, now, rng)
    }

    /// Whether new_session_created must be sent before anything else, and marks it sent.
    fn take_new_session(
        &mut self,
        first_msg_id: i64,
        server_salt: i64,
        unique_id: i64,
        now: Timestamp,
        rng: &mut impl RngCore,
    ) -> Option<Vec<u8>> {
        if self.announced {
            return None;
        }
        self.announced = true;
        let body = enums::NewSession::from(types::NewSessionCreated {
            first_msg_id,
            unique_id,
            server_salt,
        })
        .to_bytes();
        Some(self.send(body, true, now, rng))
    }

    fn unpack(
        &mut self,
        msg_id: i64,
        seq_no: i32,
        body: Vec<u8>,
        out: &mut Vec<IncomingRequest>,
        depth: u32,
    ) -> Result<(), SessionError> {
        if depth > MAX_NESTING {
            return Err(SessionError::TooDeep);
        }
        if seq_no & 1 == 1 {
            self.pending_acks.push(msg_id);
        }
        match constructor(&body) {
            MessageContainer::CONSTRUCTOR_ID => {
                for m in MessageContainer::from_bytes(&body)?.messages {
                    self.unpack(m.msg_id, m.seqno, m.body, out, depth.saturating_add(1))?;
                }
            }
            GzipPacked::CONSTRUCTOR_ID => {
                let inner = gunzip(&GzipPacked::from_bytes(&body)?.packed_data)?;
                self.unpack(msg_id, seq_no & !1, inner, out, depth.saturating_add(1))?;
            }
            types::MsgsAck::CONSTRUCTOR_ID => {}
            _ => {
                let duplicate = !self.seen.insert(msg_id);
                out.push(IncomingRequest {
                    msg_id,
                    seq_no,
                    body,
                    duplicate,
                });
            }
        }
        Ok(())
    }
}

/// The `pong` answering ping `ping_id` of message `msg_id`.
fn pong(msg_id: i64, ping_id: i64) -> Vec<u8> {
    enums::Pong::from(types::Pong { msg_id, ping_id }).to_bytes()
}

/// The `bad_msg_notification` code for a client msg_id, if it is unacceptable:
/// 18 not divisible by 4, 16 too far in the past, 17 too far in the future.
fn msg_id_problem(msg_id: i64, now: Timestamp) -> Option<i32> {
    let skew = (msg_id >> 32).saturating_sub(now.secs);
    if msg_id % 4 != 0 {
        Some(18)
    } else if skew < -MSG_ID_PAST {
        Some(16)
    } else if skew > MSG_ID_FUTURE {
        Some(17)
    } else {
        None
    }
}
