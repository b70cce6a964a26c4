//! The client and server sessions driven against each other in memory.

mod common;

use common::TestRng;
use ferrogram_mtproto::crypto::{AuthKey, Direction};
use ferrogram_mtproto::session::{
    ClientSession, Envelope, Event, Incoming, IncomingRequest, RequestId, ServerSession,
    ServerState, SessionError, Timestamp, decrypt_message, encrypt_message,
};
use ferrogram_tl_types::{Deserializable, Serializable, enums, functions};
use rand_core::RngCore;

const SALT: i64 = 0x1122_3344_5566_7788;
const NOW: Timestamp = Timestamp {
    secs: 1_764_000_000,
    nanos: 500_000_000,
};

fn key(rng: &mut TestRng) -> AuthKey {
    let mut k = [0u8; 256];
    rng.fill_bytes(&mut k);
    AuthKey::from_bytes(k)
}

fn setup(seed: u64) -> (ClientSession, ServerSession, TestRng) {
    let (c, s, rng, _) = setup_with_key(seed);
    (c, s, rng)
}

fn setup_with_key(seed: u64) -> (ClientSession, ServerSession, TestRng, AuthKey) {
    let mut rng = TestRng(seed);
    let k = key(&mut rng);
    let client = ClientSession::new(k.clone(), SALT, 0, &mut rng);
    (client, ServerSession::new(k.clone()), rng, k)
}

/// The rest of a server, as these tests need it: fixed salts, the requests
/// answered so far, the other sessions of the key.
#[derive(Default)]
struct World {
    valid: Vec<i64>,
    current: i64,
    answered: Vec<i64>,
    sessions: Vec<i64>,
}

impl ServerState for World {
    fn valid_salts(&self) -> Vec<i64> {
        self.valid.clone()
    }
    fn current_salt(&self) -> i64 {
        self.current
    }
    fn future_salts(&self, num: i32, now: Timestamp) -> Vec<ferrogram_tl_types::types::FutureSalt> {
        (0..num)
            .map(|i| ferrogram_tl_types::types::FutureSalt {
                valid_since: now.secs as i32 + i * 1800,
                valid_until: now.secs as i32 + (i + 1) * 1800,
                salt: self.current + i64::from(i),
            })
            .collect()
    }
    fn answered(&self, msg_id: i64) -> bool {
        self.answered.contains(&msg_id)
    }
    fn destroy_session(&mut self, session_id: i64) -> bool {
        let before = self.sessions.len();
        self.sessions.retain(|s| *s != session_id);
        self.sessions.len() != before
    }
}

/// A server accepting `valid` salts and telling clients to use `current`.
fn salts(valid: &[i64], current: i64) -> World {
    World {
        valid: valid.to_vec(),
        current,
        ..World::default()
    }
}

fn requests(incoming: Incoming) -> Vec<IncomingRequest> {
    assert!(
        incoming.requests.len() + 1 >= incoming.replies.len(),
        "rejected: {incoming:?}"
    );
    incoming.requests
}

/// The one reply that rejects a whole packet.
fn rejection(incoming: Incoming) -> Vec<u8> {
    assert!(incoming.requests.is_empty(), "accepted: {incoming:?}");
    assert_eq!(incoming.replies.len(), 1);
    incoming.replies.into_iter().next().unwrap_or_default()
}

fn get_config() -> Vec<u8> {
    functions::help::GetConfig {}.to_bytes()
}

#[test]
fn request_and_result() {
    let (mut c, mut s, mut rng) = setup(1);
    let req = c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).expect("something to send");
    assert!(c.poll_transmit(NOW, &mut rng).is_none());
    let reqs = requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].body, get_config());
    assert_eq!(reqs[0].msg_id % 4, 0);
    assert_eq!(reqs[0].seq_no, 1);
    assert_eq!(s.session_id(), Some(c.session_id()));
    let reply = s.rpc_result(reqs[0].msg_id, true.to_bytes(), NOW, &mut rng);
    let events = c.handle_packet(&reply, NOW).unwrap();
    assert_eq!(
        events,
        vec![Event::Result {
            request: req,
            result: Ok(true.to_bytes())
        }]
    );
    assert_eq!(c.in_flight(), 0);
    // The result was content-related: the client owes an ack.
    assert!(c.wants_transmit());
    let ack = c.poll_transmit(NOW, &mut rng).unwrap();
    assert_eq!(
        requests(
            s.handle_packet(&ack, &mut salts(&[SALT], SALT), NOW, &mut rng)
                .unwrap()
        ),
        vec![]
    );
}

#[test]
fn many_requests_share_a_container_and_big_ones_are_gzipped() {
    let (mut c, mut s, mut rng) = setup(2);
    let big = functions::account::UpdateProfile {
        about: Some("spam ".repeat(400).into()),
        ..Default::default()
    }
    .to_bytes();
    let mut ids: Vec<_> = (0..3).map(|_| c.enqueue(get_config())).collect();
    ids.push(c.enqueue(big.clone()));
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    assert!(packet.len() < big.len(), "the big body was compressed");
    let reqs = requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[3].body, big);
    // Answer out of order, the big answer compressed by the server.
    let mut events = Vec::new();
    for r in reqs.iter().rev() {
        let reply = s.rpc_result(r.msg_id, r.body.clone(), NOW, &mut rng);
        events.extend(c.handle_packet(&reply, NOW).unwrap());
    }
    let answered: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::Result {
                request,
                result: Ok(body),
            } => (*request, body.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(answered[0], (ids[3], big));
    assert_eq!(answered.len(), 4);
}

#[test]
fn rpc_error_is_parsed() {
    let (mut c, mut s, mut rng) = setup(3);
    let req = c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let r = &requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    )[0];
    let reply = s.rpc_error(r.msg_id, 420, "FLOOD_WAIT_30", NOW, &mut rng);
    let events = c.handle_packet(&reply, NOW).unwrap();
    let [
        Event::Result {
            request,
            result: Err(e),
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*request, req);
    assert_eq!(
        (e.code, e.name.as_str(), e.value),
        (420, "FLOOD_WAIT", Some(30))
    );
}

#[test]
fn bad_server_salt_resends_with_the_new_salt() {
    let (mut c, mut s, mut rng) = setup(4);
    let req = c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let new_salt = 42;
    let reply = rejection(
        s.handle_packet(&packet, &mut salts(&[new_salt], new_salt), NOW, &mut rng)
            .unwrap(),
    );
    assert!(c.handle_packet(&reply, NOW).unwrap().is_empty());
    assert_eq!(c.salt(), new_salt);
    let again = c.poll_transmit(NOW, &mut rng).unwrap();
    let reqs = requests(
        s.handle_packet(&again, &mut salts(&[new_salt], new_salt), NOW, &mut rng)
            .unwrap(),
    );
    let reply = s.rpc_result(reqs[0].msg_id, vec![1, 2, 3, 4], NOW, &mut rng);
    assert_eq!(
        c.handle_packet(&reply, NOW).unwrap(),
        vec![Event::Result {
            request: req,
            result: Ok(vec![1, 2, 3, 4])
        }]
    );
}

#[test]
fn client_clock_an_hour_off_is_corrected() {
    for offset in [3600i64, -3600] {
        let (mut c, mut s, mut rng) = setup(5);
        let client_now = Timestamp {
            secs: NOW.secs + offset,
            ..NOW
        };
        let req = c.enqueue(get_config());
        let packet = c.poll_transmit(client_now, &mut rng).unwrap();
        let reply = rejection(
            s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
                .unwrap(),
        );
        // The server's reply itself carries the server's time: the client's check must
        // not reject it as skewed before reading the correction.
        let events = c.handle_packet(&reply, client_now);
        let events = match events {
            Ok(e) => e,
            Err(SessionError::MsgIdTime { .. }) => panic!("correction refused as skewed"),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(events, vec![Event::TimeCorrected { offset: -offset }]);
        let again = c.poll_transmit(client_now, &mut rng).unwrap();
        let reqs = requests(
            s.handle_packet(&again, &mut salts(&[SALT], SALT), NOW, &mut rng)
                .unwrap(),
        );
        assert_eq!(reqs.len(), 1);
        let reply = s.rpc_result(reqs[0].msg_id, vec![0; 4], NOW, &mut rng);
        assert_eq!(
            c.handle_packet(&reply, client_now).unwrap(),
            vec![Event::Result {
                request: req,
                result: Ok(vec![0; 4])
            }]
        );
    }
}

#[test]
fn new_session_created_sets_the_salt() {
    let (mut c, mut s, mut rng) = setup(6);
    c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let incoming = s
        .handle_packet(&packet, &mut salts(&[SALT, 77], 77), NOW, &mut rng)
        .unwrap();
    let first_msg_id = incoming.requests[0].msg_id;
    assert_eq!(incoming.replies.len(), 1, "new_session_created, once");
    assert_eq!(
        c.handle_packet(&incoming.replies[0], NOW).unwrap(),
        vec![Event::NewSession { first_msg_id }]
    );
    assert_eq!(c.salt(), 77);
    // Announced once per session.
    c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let again = s
        .handle_packet(&packet, &mut salts(&[77], 77), NOW, &mut rng)
        .unwrap();
    assert!(again.replies.is_empty());
    assert_eq!(again.requests.len(), 1);
}

#[test]
fn resent_msg_ids_are_flagged_as_duplicates() {
    let (mut c, mut s, mut rng) = setup(7);
    c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let first = requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    assert!(!first[0].duplicate);
    let second = requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    assert!(second[0].duplicate);
}

#[test]
fn incoming_checks() {
    let (mut c, mut s, mut rng) = setup(8);
    c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    let reply = s.rpc_result(1 << 40, vec![0; 4], NOW, &mut rng);

    let mut tampered = reply.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_eq!(
        c.handle_packet(&tampered, NOW),
        Err(SessionError::MsgKeyMismatch)
    );
    let mut other_key = reply.clone();
    other_key[0] ^= 1;
    assert!(matches!(
        c.handle_packet(&other_key, NOW),
        Err(SessionError::WrongAuthKey { .. })
    ));
    assert!(matches!(
        c.handle_packet(&reply[..50], NOW),
        Err(SessionError::PacketLength(50))
    ));
    // Too old and too new, judged by the client's clock.
    let later = Timestamp {
        secs: NOW.secs + 301,
        ..NOW
    };
    assert!(matches!(
        c.handle_packet(&reply, later),
        Err(SessionError::MsgIdTime { .. })
    ));
    // A message from the server's future means our clock is behind: no replay
    // comes from the future, so the offset is corrected and the message taken.
    let earlier = Timestamp {
        secs: NOW.secs - 31,
        ..NOW
    };
    let events = c.handle_packet(&reply, earlier).unwrap();
    assert!(
        events.contains(&Event::TimeCorrected { offset: 31 }),
        "{events:?}"
    );
    assert!(matches!(
        c.handle_packet(&reply, NOW),
        Err(SessionError::Duplicate(_))
    ));

    // Hand-made envelopes: wrong session, even msg_id, bad padding and length.
    let k = c.auth_key().clone();
    let msg_id = ((NOW.secs) << 32) | 5;
    let env = |session_id, msg_id| Envelope {
        salt: SALT,
        session_id,
        msg_id,
        seq_no: 1,
        body: vec![0; 8],
    };
    let p = encrypt_message(
        &k,
        Direction::ServerToClient,
        &env(c.session_id() ^ 1, msg_id),
        &mut rng,
    );
    assert!(matches!(
        c.handle_packet(&p, NOW),
        Err(SessionError::WrongSession { .. })
    ));
    let p = encrypt_message(
        &k,
        Direction::ServerToClient,
        &env(c.session_id(), msg_id + 1),
        &mut rng,
    );
    assert!(matches!(
        c.handle_packet(&p, NOW),
        Err(SessionError::MsgIdParity(_))
    ));
    // A packet encrypted for the other direction fails the msg_key check.
    let p = encrypt_message(
        &k,
        Direction::ClientToServer,
        &env(c.session_id(), msg_id + 4),
        &mut rng,
    );
    assert_eq!(c.handle_packet(&p, NOW), Err(SessionError::MsgKeyMismatch));
    let good = encrypt_message(
        &k,
        Direction::ServerToClient,
        &env(c.session_id(), msg_id + 8),
        &mut rng,
    );
    assert_eq!(
        decrypt_message(&k, Direction::ServerToClient, &good)
            .unwrap()
            .body,
        vec![0; 8]
    );
}

#[test]
fn unknown_bad_msg_codes_fail_the_request() {
    let (mut c, mut s, mut rng) = setup(9);
    let req = c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let r = &requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    )[0];
    let body = enums::BadMsgNotification::from(ferrogram_tl_types::types::BadMsgNotification {
        bad_msg_id: r.msg_id,
        bad_msg_seqno: r.seq_no,
        error_code: 35,
    })
    .to_bytes();
    let note = s.send(body, false, NOW, &mut rng);
    assert_eq!(
        c.handle_packet(&note, NOW).unwrap(),
        vec![Event::Failed {
            request: req,
            code: 35
        }]
    );
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn updates_pass_through_and_pong_resolves_ping() {
    let (mut c, mut s, mut rng) = setup(10);
    let ping = c.enqueue(functions::Ping { ping_id: 99 }.to_bytes());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let served = s
        .handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
        .unwrap();
    assert!(
        served.requests.is_empty(),
        "a ping is the session's to answer"
    );
    let events = client_events(&mut c, &served.replies);
    let [
        Event::NewSession { .. },
        Event::Result {
            request,
            result: Ok(pong),
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*request, ping);
    let enums::Pong::Pong(pong) = enums::Pong::from_bytes(pong).unwrap();
    assert_eq!(pong.ping_id, 99);
    let update = enums::Updates::TooLong.to_bytes();
    let p = s.send(update.clone(), true, NOW, &mut rng);
    assert_eq!(
        c.handle_packet(&p, NOW).unwrap(),
        vec![Event::Update(update)]
    );
}

fn bad_msg(s: &mut ServerSession, r: &IncomingRequest, code: i32, rng: &mut TestRng) -> Vec<u8> {
    let body = enums::BadMsgNotification::from(ferrogram_tl_types::types::BadMsgNotification {
        bad_msg_id: r.msg_id,
        bad_msg_seqno: r.seq_no,
        error_code: code,
    })
    .to_bytes();
    s.send(body, false, NOW, rng)
}

/// Feeds the server's replies to the client; every event they make.
fn client_events(c: &mut ClientSession, replies: &[Vec<u8>]) -> Vec<Event> {
    replies
        .iter()
        .flat_map(|p| c.handle_packet(p, NOW).unwrap())
        .collect()
}

/// One service message from the client, answered by the server session: the
/// client's events from the answers, and what the session made of it.
fn serve_one(
    c: &mut ClientSession,
    s: &mut ServerSession,
    world: &mut World,
    body: Vec<u8>,
    rng: &mut TestRng,
) -> (RequestId, Vec<Event>, Incoming) {
    let request = c.enqueue(body);
    let packet = c.poll_transmit(NOW, rng).unwrap();
    let served = s.handle_packet(&packet, world, NOW, rng).unwrap();
    let events = client_events(c, &served.replies)
        .into_iter()
        .filter(|e| !matches!(e, Event::NewSession { .. }))
        .collect();
    (request, events, served)
}

#[test]
fn ping_delay_disconnect_answers_pong_and_asks_to_close_later() {
    let (mut c, mut s, mut rng) = setup(11);
    let mut world = salts(&[SALT], SALT);
    for (delay, want) in [(75, 75), (0, 1), (100_000, 3600)] {
        let body = ClientSession::ping_delay_disconnect(7, delay);
        let (request, events, served) = serve_one(&mut c, &mut s, &mut world, body, &mut rng);
        assert_eq!(served.disconnect_after, Some(want));
        let [
            Event::Result {
                request: r,
                result: Ok(pong),
            },
        ] = &events[..]
        else {
            panic!("{events:?}")
        };
        assert_eq!(*r, request);
        assert!(
            matches!(enums::Pong::from_bytes(pong), Ok(enums::Pong::Pong(p)) if p.ping_id == 7)
        );
    }
}

#[test]
fn msgs_state_req_is_answered_from_what_the_server_answered() {
    let (mut c, mut s, mut rng) = setup(12);
    let mut world = World {
        answered: vec![8],
        ..salts(&[SALT], SALT)
    };
    let body = enums::MsgsStateReq::from(ferrogram_tl_types::types::MsgsStateReq {
        msg_ids: vec![4, 8],
    })
    .to_bytes();
    let (request, events, served) = serve_one(&mut c, &mut s, &mut world, body, &mut rng);
    assert!(served.requests.is_empty());
    let [
        Event::Result {
            request: r,
            result: Ok(info),
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*r, request);
    let enums::MsgsStateInfo::MsgsStateInfo(info) = enums::MsgsStateInfo::from_bytes(info).unwrap();
    assert_eq!(info.info, vec![1, 4 | 32 | 64]);
}

#[test]
fn rpc_drop_answer_is_answered_in_an_rpc_result() {
    let (mut c, mut s, mut rng) = setup(13);
    let mut world = salts(&[SALT], SALT);
    let body = functions::RpcDropAnswer { req_msg_id: 1234 }.to_bytes();
    let (request, events, _) = serve_one(&mut c, &mut s, &mut world, body, &mut rng);
    let [
        Event::Result {
            request: r,
            result: Ok(answer),
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*r, request);
    assert!(matches!(
        enums::RpcDropAnswer::from_bytes(answer),
        Ok(enums::RpcDropAnswer::RpcAnswerUnknown)
    ));
}

#[test]
fn resend_requests_and_state_info_need_no_answer() {
    let (mut c, mut s, mut rng) = setup(14);
    let mut world = salts(&[SALT], SALT);
    for body in [
        enums::MsgResendReq::from(ferrogram_tl_types::types::MsgResendReq { msg_ids: vec![5] })
            .to_bytes(),
        enums::MsgsStateInfo::from(ferrogram_tl_types::types::MsgsStateInfo {
            req_msg_id: 5,
            info: vec![1],
        })
        .to_bytes(),
    ] {
        let (_, events, served) = serve_one(&mut c, &mut s, &mut world, body, &mut rng);
        assert!(events.is_empty(), "{events:?}");
        assert!(served.requests.is_empty());
    }
}

#[test]
fn seq_no_corrections_and_invalid_container_resend() {
    for (code, check) in [(32, 1), (33, 2), (64, 3)] {
        let (mut c, mut s, mut rng) = setup(20 + code as u64);
        let a = c.enqueue(get_config());
        let b = c.enqueue(get_config());
        let packet = c.poll_transmit(NOW, &mut rng).unwrap();
        let reqs = requests(
            s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
                .unwrap(),
        );
        assert_eq!(reqs.len(), 2);
        // The notification names the first request; for 64 the whole batch is resent.
        let note = bad_msg(&mut s, &reqs[0], code, &mut rng);
        assert!(c.handle_packet(&note, NOW).unwrap().is_empty());
        let again = requests(
            s.handle_packet(
                &c.poll_transmit(NOW, &mut rng).unwrap(),
                &mut salts(&[SALT], SALT),
                NOW,
                &mut rng,
            )
            .unwrap(),
        );
        assert_eq!(again.len(), 1, "code {code}");
        assert!(again[0].msg_id > reqs[1].msg_id, "resent with a new msg_id");
        match check {
            // 32: seq_no too low: the session jumps ahead.
            1 => assert!(again[0].seq_no > reqs[1].seq_no + 100),
            // 33: too high: it steps back (never below 0).
            2 => assert!(again[0].seq_no < reqs[1].seq_no + 100),
            _ => {}
        }
        let mut events = Vec::new();
        for r in [&again[0], &reqs[1]] {
            let reply = s.rpc_result(r.msg_id, vec![9; 4], NOW, &mut rng);
            events.extend(c.handle_packet(&reply, NOW).unwrap());
        }
        let answered: Vec<_> = events
            .iter()
            .map(|e| matches!(e, Event::Result { result: Ok(_), .. }))
            .collect();
        assert_eq!(answered, vec![true, true], "code {code}: {events:?}");
        let _ = (a, b);
    }
}

#[test]
fn state_requests_and_detailed_info_are_answered_with_service_messages() {
    let (mut c, mut s, mut rng, k) = setup_with_key(30);
    // The server learns the session id from the client's first message.
    c.enqueue(get_config());
    let first = c.poll_transmit(NOW, &mut rng).unwrap();
    requests(
        s.handle_packet(&first, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    let req = enums::MsgsStateReq::from(ferrogram_tl_types::types::MsgsStateReq {
        msg_ids: vec![4, 8],
    })
    .to_bytes();
    let p = s.send(req, true, NOW, &mut rng);
    assert!(c.handle_packet(&p, NOW).unwrap().is_empty());
    let info = enums::MsgDetailedInfo::from(ferrogram_tl_types::types::MsgNewDetailedInfo {
        answer_msg_id: 12345,
        bytes: 8,
        status: 0,
    })
    .to_bytes();
    let p = s.send(info, false, NOW, &mut rng);
    assert!(c.handle_packet(&p, NOW).unwrap().is_empty());
    // The client answers msgs_state_req with msgs_state_info (and acks): read
    // its packet as the server's driver would, before the session drops it.
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let env = decrypt_message(&k, Direction::ClientToServer, &packet).unwrap();
    let bodies: Vec<Vec<u8>> =
        match ferrogram_tl_types::service::MessageContainer::from_bytes(&env.body) {
            Ok(container) => container.messages.into_iter().map(|m| m.body).collect(),
            Err(_) => vec![env.body],
        };
    let state = bodies
        .iter()
        .find_map(|b| match enums::MsgsStateInfo::from_bytes(b) {
            Ok(enums::MsgsStateInfo::MsgsStateInfo(state)) => Some(state),
            Err(_) => None,
        })
        .expect("msgs_state_info sent");
    assert_eq!(state.info, vec![1, 1]);
    // The session takes it as a service message: nothing to execute or answer.
    let served = s
        .handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
        .unwrap();
    assert!(served.requests.is_empty() && served.replies.is_empty());
}

#[test]
fn future_salts_are_requested_and_rotated_in() {
    let (mut c, mut s, mut rng) = setup(31);
    assert!(c.needs_future_salts(NOW));
    // The server tells the client to move to salt 1000, then 1001, ...
    let mut world = salts(&[SALT], 1000);
    let req = c.request_future_salts(NOW);
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let served = s.handle_packet(&packet, &mut world, NOW, &mut rng).unwrap();
    assert!(served.requests.is_empty());
    let events = client_events(&mut c, &served.replies);
    let answer = events
        .iter()
        .find_map(|e| match e {
            Event::Result {
                request,
                result: Ok(body),
            } if *request == req => Some(body),
            _ => None,
        })
        .expect("future_salts resolves the request");
    let enums::FutureSalts::FutureSalts(future) = enums::FutureSalts::from_bytes(answer).unwrap();
    assert_eq!(future.salts.len(), 64, "as many as asked for");
    assert!(!c.needs_future_salts(NOW));
    assert_eq!(c.salt(), 1000);
    let later = Timestamp {
        secs: NOW.secs + 1800 + 10,
        ..NOW
    };
    assert!(!c.needs_future_salts(later));
    assert_eq!(c.salt(), 1001, "the next salt once the first expires");
}

#[test]
fn padding_and_length_bounds() {
    let mut rng = TestRng(40);
    let k = key(&mut rng);
    let env = Envelope {
        salt: 1,
        session_id: 2,
        msg_id: 3,
        seq_no: 1,
        body: vec![0; 16],
    };
    let good = encrypt_message(&k, Direction::ServerToClient, &env, &mut rng);
    assert!(decrypt_message(&k, Direction::ServerToClient, &good).is_ok());
    // Re-encrypt plaintexts with a bad length field or too much padding.
    let reencrypt = |plain: &mut Vec<u8>| {
        let mk = ferrogram_mtproto::crypto::msg_key(&k, Direction::ServerToClient, plain);
        let (ak, iv) =
            ferrogram_mtproto::crypto::derive_aes_key_iv(&k, &mk, Direction::ServerToClient);
        ferrogram_mtproto::crypto::encrypt_ige(plain, &ak, &iv).unwrap();
        let mut out = k.id().to_vec();
        out.extend_from_slice(&mk);
        out.extend_from_slice(plain);
        out
    };
    let header = |len: u32| {
        let mut p = Vec::new();
        for v in [1i64, 2, 3] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        p.extend_from_slice(&1i32.to_le_bytes());
        p.extend_from_slice(&len.to_le_bytes());
        p
    };
    let mut p = header(16);
    p.resize(32 + 16 + 1040, 0); // 1040 bytes of padding
    assert_eq!(
        decrypt_message(&k, Direction::ServerToClient, &reencrypt(&mut p)),
        Err(SessionError::Padding(1040))
    );
    let mut p = header(24);
    p.resize(32 + 24 + 8, 0); // 8 bytes of padding
    assert_eq!(
        decrypt_message(&k, Direction::ServerToClient, &reencrypt(&mut p)),
        Err(SessionError::Padding(8))
    );
    let mut p = header(4000);
    p.resize(32 + 32, 0);
    assert_eq!(
        decrypt_message(&k, Direction::ServerToClient, &reencrypt(&mut p)),
        Err(SessionError::DataLength(4000))
    );
    let mut p = header(6);
    p.resize(32 + 32, 0);
    assert_eq!(
        decrypt_message(&k, Direction::ServerToClient, &reencrypt(&mut p)),
        Err(SessionError::DataLength(6))
    );
}

#[test]
fn destroy_session_answer_resolves_its_request() {
    let (mut c, mut s, mut rng) = setup(50);
    let mut world = World {
        sessions: vec![555],
        ..salts(&[SALT], SALT)
    };
    let own = c.session_id();
    for (session_id, existed) in [(777, false), (555, true), (555, false), (own, false)] {
        let body = functions::DestroySession { session_id }.to_bytes();
        let (request, events, _) = serve_one(&mut c, &mut s, &mut world, body, &mut rng);
        let [
            Event::Result {
                request: r,
                result: Ok(answer),
            },
        ] = &events[..]
        else {
            panic!("{events:?}")
        };
        assert_eq!(*r, request);
        let want = if existed {
            enums::DestroySessionRes::from(ferrogram_tl_types::types::DestroySessionOk {
                session_id,
            })
        } else {
            enums::DestroySessionRes::from(ferrogram_tl_types::types::DestroySessionNone {
                session_id,
            })
        };
        assert_eq!(*answer, want.to_bytes(), "session {session_id}");
    }
    assert!(world.sessions.is_empty());
    // One for a session we never asked about is passed on as it is.
    let other = enums::DestroySessionRes::from(ferrogram_tl_types::types::DestroySessionOk {
        session_id: 1,
    })
    .to_bytes();
    let p = s.send(other.clone(), false, NOW, &mut rng);
    assert_eq!(
        c.handle_packet(&p, NOW).unwrap(),
        vec![Event::Update(other)]
    );
}

#[test]
fn nesting_is_bounded() {
    use ferrogram_mtproto::session::MAX_NESTING;
    use ferrogram_tl_types::service::GzipPacked;
    let (mut c, mut s, mut rng) = setup(60);
    c.enqueue(get_config());
    requests(
        s.handle_packet(
            &c.poll_transmit(NOW, &mut rng).unwrap(),
            &mut salts(&[SALT], SALT),
            NOW,
            &mut rng,
        )
        .unwrap(),
    );
    let wrap = |depth: u32| {
        let mut body = enums::Updates::TooLong.to_bytes();
        for _ in 0..depth {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut e, &body).unwrap();
            body = GzipPacked {
                packed_data: e.finish().unwrap(),
            }
            .to_bytes();
        }
        body
    };
    let ok = s.send(wrap(MAX_NESTING), true, NOW, &mut rng);
    assert_eq!(
        c.handle_packet(&ok, NOW).unwrap(),
        vec![Event::Update(enums::Updates::TooLong.to_bytes())]
    );
    let deep = s.send(wrap(MAX_NESTING + 1), true, NOW, &mut rng);
    assert_eq!(c.handle_packet(&deep, NOW), Err(SessionError::TooDeep));
}

#[test]
fn extreme_clock_values_do_not_overflow() {
    use ferrogram_mtproto::session::MsgIdGenerator;
    let mut g = MsgIdGenerator::new(false);
    g.correct_from(i64::MAX, Timestamp::from_secs(i64::MIN + 1));
    let a = g.next(Timestamp {
        secs: i64::MAX,
        nanos: 999_999_999,
    });
    let b = g.next(Timestamp {
        secs: i64::MAX,
        nanos: 999_999_999,
    });
    assert_ne!(a, b);
    let (mut c, _, _) = setup(70);
    let far = Timestamp::from_secs(i64::MAX);
    c.enqueue(get_config());
    assert!(c.poll_transmit(far, &mut TestRng(1)).is_some());
}

#[test]
fn retransmission_after_a_reconnect_keeps_msg_ids_and_cancel_drops_queued() {
    let (mut c, mut s, mut rng) = setup(77);
    let a = c.enqueue(get_config());
    let b = c.enqueue(functions::help::GetNearestDc {}.to_bytes());
    let first = c.poll_transmit(NOW, &mut rng).unwrap();
    let original = requests(
        s.handle_packet(&first, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    assert_eq!(original.len(), 2);
    // The connection drops before any answer; the client resends both.
    let later = Timestamp {
        secs: NOW.secs + 5,
        nanos: 0,
    };
    let packets = c.retransmit_in_flight(later, &mut rng);
    assert_eq!(packets.len(), 1, "one container");
    let resent = requests(
        s.handle_packet(&packets[0], &mut salts(&[SALT], SALT), later, &mut rng)
            .unwrap(),
    );
    let ids = |r: &[IncomingRequest]| r.iter().map(|x| (x.msg_id, x.seq_no)).collect::<Vec<_>>();
    assert_eq!(ids(&resent), ids(&original));
    assert!(
        resent.iter().all(|r| r.duplicate),
        "the server recognises resends"
    );
    // Answers to the resends still reach the right requests.
    let reply = s.rpc_result(resent[1].msg_id, true.to_bytes(), later, &mut rng);
    let events = c.handle_packet(&reply, later).unwrap();
    assert!(matches!(&events[..], [Event::Result { request, .. }] if *request == b));
    assert_eq!(c.in_flight(), 1);
    let _ = a;

    // Too old for the server's window: queued again as a new message instead.
    let much_later = Timestamp {
        secs: NOW.secs + 600,
        nanos: 0,
    };
    assert!(c.retransmit_in_flight(much_later, &mut rng).is_empty());
    assert_eq!(c.in_flight(), 0);
    let p = c.poll_transmit(much_later, &mut rng).unwrap();
    let again = requests(
        s.handle_packet(&p, &mut salts(&[SALT], SALT), much_later, &mut rng)
            .unwrap(),
    );
    assert!(
        again
            .iter()
            .all(|r| !r.duplicate && r.msg_id > original[0].msg_id)
    );

    let queued = c.enqueue(get_config());
    assert!(c.cancel(queued));
    // Whatever still goes out (acks) carries no request.
    if let Some(p) = c.poll_transmit(much_later, &mut rng) {
        assert!(
            requests(
                s.handle_packet(&p, &mut salts(&[SALT], SALT), much_later, &mut rng)
                    .unwrap()
            )
            .is_empty()
        );
    }
    assert!(!c.cancel(queued));
}

/// A container resent after a reconnect is still known as one: when the server
/// refuses it for its salt, every request in it is sent again (before, the
/// resent container was forgotten and its requests waited for the next
/// reconnect).
#[test]
fn a_retransmitted_container_refused_for_its_salt_is_resent_whole() {
    let (mut c, mut s, mut rng) = setup(78);
    let a = c.enqueue(get_config());
    let b = c.enqueue(functions::help::GetNearestDc {}.to_bytes());
    let first = c.poll_transmit(NOW, &mut rng).unwrap();
    assert_eq!(
        requests(
            s.handle_packet(&first, &mut salts(&[SALT], SALT), NOW, &mut rng)
                .unwrap()
        )
        .len(),
        2
    );
    let packets = c.retransmit_in_flight(NOW, &mut rng);
    assert_eq!(packets.len(), 1, "one container");
    let new_salt = 43;
    let reply = rejection(
        s.handle_packet(
            &packets[0],
            &mut salts(&[new_salt], new_salt),
            NOW,
            &mut rng,
        )
        .unwrap(),
    );
    assert!(c.handle_packet(&reply, NOW).unwrap().is_empty());
    let again = c.poll_transmit(NOW, &mut rng).expect("both resent");
    let reqs = requests(
        s.handle_packet(&again, &mut salts(&[new_salt], new_salt), NOW, &mut rng)
            .unwrap(),
    );
    assert_eq!(reqs.len(), 2);
    let mut answered = Vec::new();
    for r in &reqs {
        let reply = s.rpc_result(r.msg_id, vec![7; 4], NOW, &mut rng);
        for e in c.handle_packet(&reply, NOW).unwrap() {
            if let Event::Result { request, .. } = e {
                answered.push(request);
            }
        }
    }
    answered.sort_unstable();
    assert_eq!(answered, vec![a, b]);
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn a_packet_failing_half_way_keeps_the_events_before_the_failure() {
    use ferrogram_tl_types::service::{ContainerMessage, MessageContainer, RpcResult};
    let (mut c, mut s, mut rng) = setup(77);
    let req = c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    let reqs = requests(
        s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
            .unwrap(),
    );
    // A container whose first message answers the request and whose second
    // is a truncated container: not valid TL.
    let answer = RpcResult {
        req_msg_id: reqs[0].msg_id,
        result: true.to_bytes(),
    }
    .to_bytes();
    let broken = <MessageContainer as ferrogram_tl_types::Identifiable>::CONSTRUCTOR_ID
        .to_le_bytes()
        .to_vec();
    let body = MessageContainer {
        messages: vec![
            ContainerMessage {
                msg_id: reqs[0].msg_id + 1,
                seqno: 1,
                body: answer,
            },
            ContainerMessage {
                msg_id: reqs[0].msg_id + 5,
                seqno: 1,
                body: broken,
            },
        ],
    }
    .to_bytes();
    let reply = s.send(body, false, NOW, &mut rng);
    let mut events = Vec::new();
    let e = c.handle_packet_into(&reply, NOW, &mut events).unwrap_err();
    assert!(matches!(e, SessionError::Decode(_)), "{e:?}");
    assert!(!e.is_replay());
    assert_eq!(
        events,
        vec![Event::Result {
            request: req,
            result: Ok(true.to_bytes())
        }]
    );
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn a_container_over_1020_messages_is_refused() {
    use ferrogram_tl_types::service::{ContainerMessage, MessageContainer};
    let (mut c, mut s, mut rng) = setup(78);
    c.enqueue(get_config());
    let packet = c.poll_transmit(NOW, &mut rng).unwrap();
    s.handle_packet(&packet, &mut salts(&[SALT], SALT), NOW, &mut rng)
        .unwrap();
    let ack =
        enums::MsgsAck::from(ferrogram_tl_types::types::MsgsAck { msg_ids: vec![] }).to_bytes();
    let body = MessageContainer {
        messages: (0..=MessageContainer::MAX_MESSAGES)
            .map(|i| ContainerMessage {
                msg_id: i as i64,
                seqno: 0,
                body: ack.clone(),
            })
            .collect(),
    }
    .to_bytes();
    let reply = s.send(body, false, NOW, &mut rng);
    assert_eq!(
        c.handle_packet(&reply, NOW).unwrap_err(),
        SessionError::ContainerTooLarge(1021)
    );
}
