//! The client against a hostile server (issue 17): the testserver's
//! `Faults::hostile` knob sends garbage frames, unknown constructors, oversized
//! and deeply nested containers, a wrong msg_key, replayed packets and a
//! truncated stream in place of (or before) an RPC reply. For every kind and
//! every framing the client must not panic, must reconnect exactly when the
//! stream cannot be trusted, and must get its answer with the request executed
//! exactly once (the server answers the resend from its cache).

use std::sync::Arc;
use std::time::Duration;

use ferrogram_client::{Client, Config, Framing, Protocol};
use ferrogram_session::MemorySession;
use ferrogram_testserver::{Hostile, TestServer};
use ferrogram_tl_types::{enums, functions};

fn send_to_self(text: &str, random_id: i64) -> functions::messages::SendMessage {
    functions::messages::SendMessage {
        message: text.into(),
        random_id,
        ..functions::messages::SendMessage::new(enums::InputPeer::InputPeerSelf)
    }
}

async fn bot(server: &TestServer, framing: Framing) -> Client {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    // Long enough never to be what answers: a lost request would show up as
    // this timeout, and the test bounds every wait by it.
    c.request_timeout = Duration::from_secs(20);
    c.framing = framing;
    let client = Client::connect(c).await.unwrap();
    client
        .sign_in_bot(server.bot_token().unwrap())
        .await
        .unwrap();
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_reply_is_refused_and_no_request_is_lost() {
    let server = TestServer::builder().members(10).start().await.unwrap();
    let framings = [
        (Protocol::Intermediate, false),
        (Protocol::Abridged, true),
        (Protocol::PaddedIntermediate, false),
        (Protocol::Full, false),
    ];
    let mut random_id = 1_000;
    for (protocol, obfuscated) in framings {
        let client = bot(
            &server,
            Framing {
                protocol,
                obfuscated,
            },
        )
        .await;
        for kind in Hostile::ALL {
            random_id += 1;
            let what = format!("{kind:?} over {protocol:?} (obfuscated: {obfuscated})");
            let before = server.counters();
            server.faults().hostile(kind, 1);
            let answer = client
                .invoke(&send_to_self(&what, random_id))
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(
                matches!(
                    answer,
                    enums::Updates::UpdateShortSentMessage(_) | enums::Updates::Updates(_)
                ),
                "{what}: {answer:?}"
            );
            let after = server.counters();
            let sent = |c: &ferrogram_testserver::CounterSnapshot| {
                c.method("messages.sendMessage").executed
            };
            assert_eq!(sent(&after) - sent(&before), 1, "{what}: executed once");
            let reconnected = after.connections > before.connections;
            assert_eq!(
                reconnected,
                kind.replaces_reply(),
                "{what}: reconnects exactly when the stream cannot be trusted"
            );
            if kind.replaces_reply() {
                assert!(
                    after.duplicates > before.duplicates,
                    "{what}: the resend is answered from the cache"
                );
            }
            // The connection that is left works.
            client
                .invoke(&functions::help::GetNearestDc {})
                .await
                .unwrap_or_else(|e| panic!("after {what}: {e}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_msg_notifications_are_resent_or_fail_typed() {
    let server = TestServer::builder().members(10).start().await.unwrap();
    let client = bot(&server, Framing::default()).await;
    let sent = |s: &TestServer| server_sent(s);
    let mut random_id = 5_000;
    // Codes a client fixes by resending (a new msg_id, the clock or seq_no
    // corrected): answered, executed once.
    for code in [16, 17, 32, 33, 48, 64] {
        random_id += 1;
        let before = sent(&server);
        server.faults().bad_msg_notifications(code, 1);
        client
            .invoke(&send_to_self(&format!("code {code}"), random_id))
            .await
            .unwrap_or_else(|e| panic!("code {code}: {e}"));
        assert_eq!(sent(&server) - before, 1, "code {code}: executed once");
    }
    // Codes that say the client itself is wrong: the request fails with the
    // code, and was never executed.
    for code in [18, 19, 20, 34, 35] {
        random_id += 1;
        let before = sent(&server);
        server.faults().bad_msg_notifications(code, 1);
        let e = client
            .invoke(&send_to_self(&format!("code {code}"), random_id))
            .await
            .unwrap_err();
        assert!(
            matches!(e, ferrogram_client::InvocationError::BadMessage(c) if c == code),
            "code {code}: {e}"
        );
        assert_eq!(sent(&server), before, "code {code}: not executed");
    }
    client
        .invoke(&functions::help::GetNearestDc {})
        .await
        .unwrap();
}

fn server_sent(server: &TestServer) -> u64 {
    server.counters().method("messages.sendMessage").executed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_clock_jumping_ahead_is_survived() {
    // Forward only: a server's msg_ids must keep growing, so after a jump
    // back its ids would still carry the later time, and a client correcting
    // its clock from them would learn nothing (Telegram's clocks do not jump
    // back; a client's may jump either way, which these forward jumps of the
    // server's clock stand for from the other side).
    let server = TestServer::builder().members(10).start().await.unwrap();
    let client = bot(&server, Framing::default()).await;
    for (i, offset) in [120i64, 400, 4000, 40_000].into_iter().enumerate() {
        server.clock().set_offset(offset);
        client
            .invoke(&send_to_self(&format!("jump {offset}"), 9_000 + i as i64))
            .await
            .unwrap_or_else(|e| panic!("server clock at {offset:+} s: {e}"));
    }
}
