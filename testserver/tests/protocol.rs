//! The server over real TCP: framings, handshakes, sessions, service messages,
//! the fault knobs, the counters, the clock and multi-DC migration.

mod common;

use std::time::Duration;

use common::*;
use ferrogram_mtproto::session::Event;
use ferrogram_testserver::{Clock, TestServer};
use ferrogram_tl_types::{Deserializable, Serializable, enums, functions, types};

async fn server() -> TestServer {
    TestServer::builder().seed(1).start().await.unwrap()
}

async fn bot_client(server: &TestServer, seed: u64) -> Client {
    let mut c = Client::connect(server, 2, INTERMEDIATE, seed).await;
    let token = server.bot_token().unwrap().to_owned();
    let auth = c
        .invoke(&functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: 1,
            api_hash: "x".into(),
            bot_auth_token: token.into(),
        })
        .await
        .unwrap();
    assert!(matches!(auth, enums::auth::Authorization::Authorization(_)));
    c
}

fn rpc_name(e: &ferrogram_tl_types::service::RpcError) -> (i32, String) {
    (e.code, e.message.clone())
}

#[tokio::test]
async fn every_framing_creates_a_key_and_gets_the_config() {
    let server = server().await;
    for (i, framing) in ALL_FRAMINGS.into_iter().enumerate() {
        let mut c = Client::connect(&server, 2, framing, 100 + i as u64).await;
        let bytes = c
            .invoke_raw(with_layer(functions::help::GetConfig {}))
            .await
            .unwrap()
            .unwrap();
        let enums::Config::Config(cfg) = enums::Config::from_bytes(&bytes).unwrap();
        assert_eq!(cfg.this_dc, 2, "{framing:?}");
        let mut got: Vec<(i32, u16)> = cfg
            .dc_options
            .iter()
            .map(|enums::DcOption::DcOption(o)| (o.id, o.port as u16))
            .collect();
        got.sort();
        let want: Vec<(i32, u16)> = server.dcs().iter().map(|d| (d.id, d.addr.port())).collect();
        assert_eq!(got, want);
        assert_eq!(c.new_sessions, 1, "new_session_created first");
    }
    let counters = server.counters();
    assert_eq!(counters.handshakes, ALL_FRAMINGS.len() as u64);
    assert_eq!(
        counters.method("help.getConfig").executed,
        ALL_FRAMINGS.len() as u64
    );
}

#[tokio::test]
async fn nearest_dc_and_config_on_another_dc() {
    let server = server().await;
    let mut c = Client::connect(&server, 3, INTERMEDIATE, 5).await;
    let enums::NearestDc::NearestDc(n) = c.invoke(&functions::help::GetNearestDc {}).await.unwrap();
    assert_eq!((n.this_dc, n.nearest_dc), (3, 2));
}

#[tokio::test]
async fn unauthorized_then_bot_sign_in() {
    let server = server().await;
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 7).await;
    let get_self = functions::users::GetUsers {
        id: vec![enums::InputUser::InputUserSelf],
    };
    let e = c.invoke(&get_self).await.unwrap_err();
    assert_eq!(rpc_name(&e), (401, "AUTH_KEY_UNREGISTERED".into()));
    let e = c
        .invoke(&functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: 1,
            api_hash: "x".into(),
            bot_auth_token: "1:wrong".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(rpc_name(&e), (400, "ACCESS_TOKEN_INVALID".into()));
    // On DC 1 the bot (living on DC 2) is sent home.
    let mut other = Client::connect(&server, 1, INTERMEDIATE, 8).await;
    let e = other
        .invoke(&functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: 1,
            api_hash: "x".into(),
            bot_auth_token: server.bot_token().unwrap().into(),
        })
        .await
        .unwrap_err();
    assert_eq!(rpc_name(&e), (303, "USER_MIGRATE_2".into()));

    let mut c = bot_client(&server, 9).await;
    let users = c.invoke(&get_self).await.unwrap();
    let enums::User::User(me) = &users[0] else {
        panic!("a user")
    };
    assert!(me.is_self && me.bot);
    assert_eq!(me.username.as_deref(), Some("ferrogram_test_bot"));
    c.invoke(&functions::auth::LogOut {}).await.unwrap();
    let e = c.invoke(&get_self).await.unwrap_err();
    assert_eq!(e.message, "AUTH_KEY_UNREGISTERED");
}

async fn send_code(c: &mut Client, phone: &str) -> Result<String, (i32, String)> {
    match c
        .invoke(&functions::auth::SendCode {
            phone_number: phone.into(),
            api_id: 1,
            api_hash: "x".into(),
            settings: enums::CodeSettings::from(types::CodeSettings::default()),
        })
        .await
    {
        Ok(enums::auth::SentCode::SentCode(s)) => {
            assert!(matches!(
                s.r#type,
                enums::auth::SentCodeType::App(types::auth::SentCodeTypeApp { length: 5 })
            ));
            Ok(s.phone_code_hash.to_string())
        }
        Ok(other) => panic!("unexpected {other:?}"),
        Err(e) => Err(rpc_name(&e)),
    }
}

async fn sign_in(
    c: &mut Client,
    phone: &str,
    hash: &str,
    code: &str,
) -> Result<enums::auth::Authorization, (i32, String)> {
    c.invoke(&functions::auth::SignIn {
        phone_number: phone.into(),
        phone_code_hash: hash.into(),
        phone_code: Some(code.into()),
        email_verification: None,
    })
    .await
    .map_err(|e| rpc_name(&e))
}

/// Signs the default user in (code and 2FA password) on `c`.
async fn sign_in_user(server: &TestServer, c: &mut Client) {
    let user = server.user().unwrap().clone();
    let hash = send_code(c, &user.phone).await.unwrap();
    let e = sign_in(c, &user.phone, &hash, &user.code)
        .await
        .unwrap_err();
    assert_eq!(e, (401, "SESSION_PASSWORD_NEEDED".into()));
    check_password(c, &user.password).await.unwrap();
}

async fn check_password(c: &mut Client, password: &str) -> Result<(), (i32, String)> {
    let enums::account::Password::Password(p) =
        c.invoke(&functions::account::GetPassword {}).await.unwrap();
    assert!(p.has_password);
    let Some(enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(algo)) =
        p.current_algo
    else {
        panic!("SRP algorithm expected, got {:?}", p.current_algo)
    };
    let params = ferrogram_mtproto::srp::SrpParams {
        salt1: algo.salt1.clone(),
        salt2: algo.salt2.clone(),
        g: algo.g,
        p: algo.p.clone(),
    };
    let (a, m1) = ferrogram_mtproto::srp::client_proof(
        &params,
        password.as_bytes(),
        &p.srp_b.unwrap(),
        &mut c.rng,
    )
    .unwrap();
    c.invoke(&functions::auth::CheckPassword {
        password: enums::InputCheckPasswordSRP::from(types::InputCheckPasswordSRP {
            srp_id: p.srp_id.unwrap(),
            a: a.to_vec(),
            m1: m1.to_vec(),
        }),
    })
    .await
    .map(|_| ())
    .map_err(|e| rpc_name(&e))
}

#[tokio::test]
async fn user_signs_in_with_code_and_srp_password() {
    let server = server().await;
    let user = server.user().unwrap().clone();
    assert_eq!(user.code, "22222", "documented code for 9996621234");
    let mut dc1 = Client::connect(&server, 1, INTERMEDIATE, 11).await;
    assert_eq!(
        send_code(&mut dc1, &user.phone).await.unwrap_err(),
        (303, "PHONE_MIGRATE_2".into())
    );
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 12).await;
    let hash = send_code(&mut c, &user.phone).await.unwrap();
    assert_eq!(
        sign_in(&mut c, &user.phone, &hash, "00000")
            .await
            .unwrap_err(),
        (400, "PHONE_CODE_INVALID".into())
    );
    assert_eq!(
        sign_in(&mut c, &user.phone, "nope", &user.code)
            .await
            .unwrap_err(),
        (400, "PHONE_CODE_EXPIRED".into())
    );
    assert_eq!(
        sign_in(&mut c, &user.phone, &hash, &user.code)
            .await
            .unwrap_err(),
        (401, "SESSION_PASSWORD_NEEDED".into())
    );
    assert_eq!(
        check_password(&mut c, "wrong password").await.unwrap_err(),
        (400, "PASSWORD_HASH_INVALID".into())
    );
    check_password(&mut c, &user.password).await.unwrap();
    let users = c
        .invoke(&functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await
        .unwrap();
    let enums::User::User(me) = &users[0] else {
        panic!()
    };
    assert_eq!(me.id, user.id);
    assert_eq!(me.phone.as_deref(), Some(user.phone.as_str()));
}

#[tokio::test]
async fn codes_expire_with_the_server_clock_and_new_numbers_sign_up() {
    let clock = Clock::real();
    let server = TestServer::builder()
        .seed(2)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 13).await;
    let phone = "9996624321";
    let hash = send_code(&mut c, phone).await.unwrap();
    clock.advance(Duration::from_secs(301));
    assert_eq!(
        sign_in(&mut c, phone, &hash, "22222").await.unwrap_err(),
        (400, "PHONE_CODE_EXPIRED".into())
    );
    let hash = send_code(&mut c, phone).await.unwrap();
    let r = sign_in(&mut c, phone, &hash, "22222").await.unwrap();
    assert!(matches!(r, enums::auth::Authorization::SignUpRequired(_)));
    let r = c
        .invoke(&functions::auth::SignUp {
            no_joined_notifications: false,
            phone_number: phone.into(),
            phone_code_hash: hash.into(),
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
        })
        .await
        .unwrap();
    let enums::auth::Authorization::Authorization(a) = r else {
        panic!()
    };
    let enums::User::User(u) = &a.user else {
        panic!()
    };
    assert_eq!(u.first_name.as_deref(), Some("Grace"));
    assert_eq!(server.user_id_by_phone(phone), Some(u.id));
}

async fn resolve(c: &mut Client, username: &str) -> enums::InputPeer {
    let enums::contacts::ResolvedPeer::ResolvedPeer(r) = c
        .invoke(&functions::contacts::ResolveUsername {
            username: username.into(),
            referer: None,
        })
        .await
        .unwrap();
    let enums::User::User(u) = &r.users[0] else {
        panic!()
    };
    enums::InputPeer::from(types::InputPeerUser {
        user_id: u.id,
        access_hash: u.access_hash.unwrap(),
    })
}

fn send_message(
    peer: &enums::InputPeer,
    text: &str,
    random_id: i64,
) -> functions::messages::SendMessage {
    functions::messages::SendMessage {
        no_webpage: false,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer: peer.clone(),
        reply_to: None,
        message: text.into(),
        random_id,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
        rich_message: None,
    }
}

fn get_difference(pts: i32, pts_total_limit: Option<i32>) -> functions::updates::GetDifference {
    functions::updates::GetDifference {
        pts,
        pts_limit: None,
        pts_total_limit,
        date: 0,
        qts: 0,
        qts_limit: None,
    }
}

#[tokio::test]
async fn messages_are_delivered_pushed_listed_and_in_the_difference() {
    let server = server().await;
    let mut bot = bot_client(&server, 20).await;
    let mut user = Client::connect(&server, 2, INTERMEDIATE, 21).await;
    sign_in_user(&server, &mut user).await;
    let bot_peer = resolve(&mut user, "@ferrogram_test_bot").await;
    let e = user
        .invoke(&functions::contacts::ResolveUsername {
            username: "nobody_here".into(),
            referer: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "USERNAME_NOT_OCCUPIED");

    let sent = user
        .invoke(&send_message(&bot_peer, "hello bot", 1))
        .await
        .unwrap();
    let enums::Updates::UpdateShortSentMessage(s) = sent else {
        panic!("{sent:?}")
    };
    // Ids come from the common message box every mailbox and basic group
    // shares: the first of this mailbox, not necessarily 1.
    assert_eq!((s.pts, s.pts_count), (1, 1));
    let first = s.id;
    assert!(first > 0);

    // The bot's connection is told without asking.
    let update = enums::Updates::from_bytes(&bot.next_update().await).unwrap();
    let enums::Updates::UpdateShortMessage(m) = update else {
        panic!("{update:?}")
    };
    assert_eq!(m.message, "hello bot");
    assert_eq!(m.user_id, server.user().unwrap().id);
    assert!(!m.out);

    let user_peer = resolve(&mut bot, "ada_admin").await;
    bot.invoke(&send_message(&user_peer, "hello human", 2))
        .await
        .unwrap();
    let update = enums::Updates::from_bytes(&user.next_update().await).unwrap();
    assert!(
        matches!(update, enums::Updates::UpdateShortMessage(ref m) if m.message == "hello human")
    );

    // History, newest first; bots may not read it.
    let history = functions::messages::GetHistory {
        peer: bot_peer.clone(),
        offset_id: 0,
        offset_date: 0,
        add_offset: 0,
        limit: 10,
        max_id: 0,
        min_id: 0,
        hash: 0,
    };
    let enums::messages::Messages::Messages(h) = user.invoke(&history).await.unwrap() else {
        panic!()
    };
    let texts: Vec<String> = h
        .messages
        .iter()
        .map(|m| match m {
            enums::Message::Message(m) => m.message.to_string(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(texts, ["hello human", "hello bot"]);
    let paged = functions::messages::GetHistory {
        limit: 1,
        ..history.clone()
    };
    let enums::messages::Messages::Slice(s) = user.invoke(&paged).await.unwrap() else {
        panic!()
    };
    assert_eq!((s.count, s.messages.len()), (2, 1));
    let e = bot
        .invoke(&functions::messages::GetHistory {
            peer: user_peer.clone(),
            ..history
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "BOT_METHOD_INVALID");

    // The bot's state and difference: two messages, pts 2.
    let enums::updates::State::State(st) =
        bot.invoke(&functions::updates::GetState {}).await.unwrap();
    assert_eq!(st.pts, 2);
    let diff = bot.invoke(&get_difference(0, None)).await.unwrap();
    let enums::updates::Difference::Difference(d) = diff else {
        panic!("{diff:?}")
    };
    assert_eq!(d.new_messages.len(), 2);
    assert!(d.users.len() >= 2);
    let diff = bot.invoke(&get_difference(2, None)).await.unwrap();
    assert!(matches!(diff, enums::updates::Difference::Empty(_)));
    let diff = bot.invoke(&get_difference(0, Some(1))).await.unwrap();
    let enums::updates::Difference::Slice(s) = diff else {
        panic!("{diff:?}")
    };
    assert_eq!(s.new_messages.len(), 1);

    // getMessages by id.
    let enums::messages::Messages::Messages(m) = user
        .invoke(&functions::messages::GetMessages {
            id: vec![
                enums::InputMessage::from(types::InputMessageID { id: first }),
                enums::InputMessage::from(types::InputMessageID { id: 999_999_999 }),
            ],
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(&m.messages[0], enums::Message::Message(x) if x.message == "hello bot"));
    assert!(matches!(&m.messages[1], enums::Message::Empty(_)));
    assert_eq!(
        server.messages(
            server.user().unwrap().id,
            server.user_id_by_username("ferrogram_test_bot").unwrap()
        ),
        ["hello bot", "hello human"]
    );
}

#[tokio::test]
async fn updates_reach_every_session_but_not_invoke_without_updates() {
    let server = server().await;
    let mut bot_a = bot_client(&server, 30).await;
    let mut bot_b = bot_client(&server, 31).await;
    // A third session only ever uses invokeWithoutUpdates: no pushes for it.
    let mut quiet = Client::connect(&server, 2, INTERMEDIATE, 32).await;
    let token = server.bot_token().unwrap().to_owned();
    let body = functions::InvokeWithoutUpdates {
        query: functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: 1,
            api_hash: "x".into(),
            bot_auth_token: token.into(),
        },
    }
    .to_bytes();
    quiet.invoke_raw(body).await.unwrap().unwrap();

    let mut user = Client::connect(&server, 2, INTERMEDIATE, 33).await;
    sign_in_user(&server, &mut user).await;
    let bot_peer = resolve(&mut user, "ferrogram_test_bot").await;
    user.invoke(&send_message(&bot_peer, "to all sessions", 3))
        .await
        .unwrap();
    for bot in [&mut bot_a, &mut bot_b] {
        let u = enums::Updates::from_bytes(&bot.next_update().await).unwrap();
        assert!(
            matches!(u, enums::Updates::UpdateShortMessage(ref m) if m.message == "to all sessions")
        );
    }
    // Acks may come; updates must not.
    while let Ok(r) = tokio::time::timeout(Duration::from_millis(300), quiet.pump()).await {
        r.unwrap();
    }
    assert!(quiet.updates.is_empty());
}

#[tokio::test]
async fn a_dropped_connection_neither_loses_nor_repeats_a_request() {
    let server = server().await;
    let mut user = Client::connect(&server, 2, INTERMEDIATE, 40).await;
    sign_in_user(&server, &mut user).await;
    let me = enums::InputPeer::InputPeerSelf;
    server.faults().drop_connection_after(1);
    let id = user
        .session
        .enqueue(send_message(&me, "exactly once", 4).to_bytes());
    user.flush().await;
    let packet = user.last_packet.clone().unwrap();
    // The server executes, then closes before answering.
    loop {
        match user.pump().await {
            Err(Recv::Closed) => break,
            Err(other) => panic!("{other:?}"),
            Ok(events) => assert!(!events.iter().any(|e| matches!(e, Event::Result { .. }))),
        }
    }
    // Same key, same session, same msg_id on a new connection.
    user.reconnect().await;
    user.conn.send(&packet).await;
    let result = user.wait_for(id).await.unwrap().unwrap();
    assert!(matches!(
        enums::Updates::from_bytes(&result).unwrap(),
        enums::Updates::UpdateShortSentMessage(_)
    ));
    let counters = server.counters();
    let m = counters.method("messages.sendMessage");
    assert_eq!((m.received, m.executed, m.duplicates), (2, 1, 1));
    assert_eq!(counters.handshakes, 1, "no second handshake");
    assert_eq!(
        server.messages(server.user().unwrap().id, server.user().unwrap().id),
        ["exactly once"]
    );
}

/// A connection dropped after the server ran its only request, before the
/// answer: the resend on a new connection is answered from the cache, and
/// that query subscribes the new connection like any other (without it, a
/// client with nothing else to ask would never get another update).
#[tokio::test]
async fn a_resend_answered_from_the_cache_subscribes_the_new_connection() {
    let server = server().await;
    let mut bot = bot_client(&server, 60).await;
    let me = enums::InputPeer::InputPeerSelf;
    server.faults().drop_connection_after(1);
    let id = bot
        .session
        .enqueue(send_message(&me, "note to self", 6).to_bytes());
    bot.flush().await;
    let packet = bot.last_packet.clone().unwrap();
    loop {
        match bot.pump().await {
            Err(Recv::Closed) => break,
            Err(other) => panic!("{other:?}"),
            Ok(_) => {}
        }
    }
    bot.reconnect().await;
    bot.conn.send(&packet).await;
    bot.wait_for(id).await.unwrap().unwrap();
    assert_eq!(
        server.counters().method("messages.sendMessage").duplicates,
        1
    );

    let mut user = Client::connect(&server, 2, INTERMEDIATE, 61).await;
    sign_in_user(&server, &mut user).await;
    let bot_peer = resolve(&mut user, "ferrogram_test_bot").await;
    user.invoke(&send_message(&bot_peer, "are you there", 7))
        .await
        .unwrap();
    let u = enums::Updates::from_bytes(&bot.next_update().await).unwrap();
    assert!(
        matches!(u, enums::Updates::UpdateShortMessage(ref m) if m.message == "are you there"),
        "{u:?}"
    );
}

#[tokio::test]
async fn random_drops_with_a_seed_never_execute_twice() {
    let server = server().await;
    let mut bot = bot_client(&server, 50).await;
    let me = enums::InputPeer::InputPeerSelf;
    server.faults().drop_connections_randomly(7, 0.4);
    let mut drops = 0;
    for i in 0..15 {
        let id = bot
            .session
            .enqueue(send_message(&me, &format!("m{i}"), 100 + i).to_bytes());
        bot.flush().await;
        let packet = bot.last_packet.clone().unwrap();
        loop {
            match bot.wait_for(id).await {
                Ok(r) => {
                    r.unwrap();
                    break;
                }
                Err(Recv::Closed) => {
                    drops += 1;
                    assert!(drops < 100, "bounded");
                    bot.reconnect().await;
                    bot.conn.send(&packet).await;
                }
                Err(other) => panic!("{other:?}"),
            }
        }
    }
    server.faults().clear();
    assert!(drops > 0, "seed 7 with p=0.4 drops some connections");
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();
    let texts = server.messages(bot_id, bot_id);
    assert_eq!(texts, (0..15).map(|i| format!("m{i}")).collect::<Vec<_>>());
    let m = server.counters().method("messages.sendMessage");
    assert_eq!(m.executed, 15);
    assert_eq!(m.duplicates, drops);
}

#[tokio::test]
async fn flood_wait_knob_answers_420_without_executing() {
    let server = server().await;
    let mut bot = bot_client(&server, 60).await;
    server
        .faults()
        .flood_wait("messages.sendMessage", 7, Some(1));
    let me = enums::InputPeer::InputPeerSelf;
    let e = bot.invoke(&send_message(&me, "a", 1)).await.unwrap_err();
    assert_eq!(rpc_name(&e), (420, "FLOOD_WAIT_7".into()));
    bot.invoke(&send_message(&me, "b", 2)).await.unwrap();
    let m = server.counters().method("messages.sendMessage");
    assert_eq!((m.received, m.executed), (2, 1));
}

#[tokio::test]
async fn stale_salts_and_a_skewed_clock_are_corrected() {
    let clock = Clock::real();
    let server = TestServer::builder()
        .seed(3)
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 70).await;
    let get_config = || with_layer(functions::help::GetConfig {});
    c.invoke_raw(get_config()).await.unwrap().unwrap();
    let first_salt = c.session.salt();

    // Forced bad_server_salt: the client learns the salt and resends.
    server.faults().force_bad_server_salt(1);
    let id = c.session.enqueue(get_config());
    c.flush().await;
    let events = c.pump().await.unwrap();
    assert!(
        !events.iter().any(|e| matches!(e, Event::Result { .. })),
        "refused with bad_server_salt"
    );
    c.wait_for(id).await.unwrap().unwrap();
    assert_eq!(c.session.salt(), first_salt, "still the current salt");

    // Three hours later every salt the client knows is stale, and its msg_ids are
    // three hours in the past: bad_msg_notification 16, then bad_server_salt.
    clock.advance(Duration::from_secs(3 * 3600));
    let salt = c.session.salt();
    let id = c.session.enqueue(get_config());
    let mut corrected = false;
    let result = loop {
        c.flush().await;
        let events = c.pump().await.unwrap();
        corrected |= events
            .iter()
            .any(|e| matches!(e, Event::TimeCorrected { .. }));
        if let Some(r) = events.into_iter().find_map(|e| match e {
            Event::Result { request, result } if request == id => Some(result),
            _ => None,
        }) {
            break r;
        }
    };
    result.unwrap();
    assert!(corrected, "the clock offset was corrected");
    assert_ne!(c.session.salt(), salt);
    assert!(c.session.time_offset() >= 3 * 3600 - 5);
    assert_eq!(server.counters().handshakes, 1);
}

#[tokio::test]
async fn duplicated_and_corrupted_replies_are_survivable() {
    let server = server().await;
    let mut c = bot_client(&server, 80).await;
    let get_self = functions::users::GetUsers {
        id: vec![enums::InputUser::InputUserSelf],
    };
    server.faults().duplicate_replies(1);
    c.invoke(&get_self).await.unwrap();
    c.invoke(&get_self).await.unwrap();

    server.faults().corrupt_frames(1);
    let id = c.session.enqueue(get_self.to_bytes());
    c.flush().await;
    let packet = c.last_packet.clone().unwrap();
    // The corrupted reply is rejected by the client (msg_key mismatch).
    let events = c.pump().await.unwrap();
    assert!(events.is_empty());
    // Asking again with the same msg_id is answered from the cache.
    c.conn.send(&packet).await;
    c.wait_for(id).await.unwrap().unwrap();
    let m = server.counters().method("users.getUsers");
    assert_eq!((m.executed, m.duplicates), (3, 1));
}

#[tokio::test]
async fn delayed_replies_arrive_after_the_delay() {
    let server = server().await;
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 90).await;
    server.faults().delay_replies(Duration::from_millis(300));
    let started = std::time::Instant::now();
    c.invoke(&functions::help::GetNearestDc {}).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn unknown_keys_get_404_and_garbage_closes_only_its_connection() {
    let server = server().await;
    let mut good = Client::connect(&server, 2, INTERMEDIATE, 100).await;

    let mut stranger = Conn::open(server.addr(), INTERMEDIATE, 101).await;
    let mut packet = vec![0x11u8; 8];
    packet.extend_from_slice(&[0x22; 72]);
    stranger.send(&packet).await;
    assert!(matches!(stranger.recv().await, Recv::Status(-404)));

    // A key made on DC 2 is unknown on DC 1.
    let mut elsewhere = Conn::open(server.dc_addr(1).unwrap(), INTERMEDIATE, 102).await;
    elsewhere
        .send(good.last_packet.as_ref().unwrap_or(&packet))
        .await;
    assert!(matches!(
        elsewhere.recv().await,
        Recv::Status(-404) | Recv::Closed
    ));

    let mut junk = Conn::open(server.addr(), INTERMEDIATE, 103).await;
    junk.send(&[0u8; 12]).await; // a plain packet too short to be one
    assert!(matches!(junk.recv().await, Recv::Closed));
    let mut oversized = Conn::open(server.addr(), INTERMEDIATE, 104).await;
    oversized.send_raw(&(64u32 << 20).to_le_bytes()).await;
    assert!(matches!(oversized.recv().await, Recv::Closed));

    good.invoke(&functions::help::GetNearestDc {})
        .await
        .unwrap();
}

#[tokio::test]
async fn unknown_or_malformed_methods_get_telegram_errors() {
    let server = server().await;
    let mut c = bot_client(&server, 110).await;
    let unimplemented = functions::account::GetWallPapers { hash: 0 }.to_bytes();
    let e = c.invoke_raw(unimplemented).await.unwrap().unwrap_err();
    assert_eq!(rpc_name(&e), (400, "INPUT_METHOD_INVALID".into()));
    let e = c
        .invoke_raw(0xdead_beef_u32.to_le_bytes().to_vec())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.message, "INPUT_METHOD_INVALID");
    let mut truncated = functions::messages::GetHistory {
        peer: enums::InputPeer::InputPeerSelf,
        offset_id: 0,
        offset_date: 0,
        add_offset: 0,
        limit: 1,
        max_id: 0,
        min_id: 0,
        hash: 0,
    }
    .to_bytes();
    truncated.truncate(12); // bodies are whole 32-bit words
    let e = c.invoke_raw(truncated).await.unwrap().unwrap_err();
    assert_eq!(e.message, "INPUT_FETCH_ERROR");
}

#[tokio::test]
async fn service_messages_ping_salts_state_and_destroy_session() {
    let server = server().await;
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 120).await;
    let pong = c
        .invoke_raw(functions::Ping { ping_id: 42 }.to_bytes())
        .await
        .unwrap()
        .unwrap();
    let enums::Pong::Pong(p) = enums::Pong::from_bytes(&pong).unwrap();
    assert_eq!(p.ping_id, 42);
    let id = c.session.request_future_salts(now());
    let salts = c.wait_for(id).await.unwrap().unwrap();
    let enums::FutureSalts::FutureSalts(f) = enums::FutureSalts::from_bytes(&salts).unwrap();
    assert_eq!(f.salts.len(), 64);
    assert_eq!(
        f.salts[0].salt,
        c.session.salt(),
        "the first future salt is the current one"
    );
    assert!(
        f.salts
            .windows(2)
            .all(|w| w[0].valid_until == w[1].valid_since)
    );

    let destroy = c
        .invoke_raw(functions::DestroySession { session_id: 12345 }.to_bytes())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        enums::DestroySessionRes::from_bytes(&destroy).unwrap(),
        enums::DestroySessionRes::DestroySessionNone(_)
    ));
    // ping_delay_disconnect: the server closes after the delay when nothing comes.
    let body = functions::PingDelayDisconnect {
        ping_id: 7,
        disconnect_delay: 1,
    }
    .to_bytes();
    c.invoke_raw(body).await.unwrap().unwrap();
    let mut closed = false;
    for _ in 0..20 {
        match c.conn.recv_within(Duration::from_secs(3)).await {
            Some(Recv::Closed) => {
                closed = true;
                break;
            }
            Some(_) => continue,
            None => break,
        }
    }
    assert!(closed, "closed after disconnect_delay");
}

#[tokio::test]
async fn migrating_a_user_and_moving_its_authorization() {
    let server = server().await;
    let mut home = bot_client(&server, 130).await;
    let bot = server.user_id_by_username("ferrogram_test_bot").unwrap();
    let get_self = functions::users::GetUsers {
        id: vec![enums::InputUser::InputUserSelf],
    };
    server.migrate_user(bot, 1).unwrap();
    let e = home.invoke(&get_self).await.unwrap_err();
    assert_eq!(rpc_name(&e), (303, "USER_MIGRATE_1".into()));
    let counts = server.counters().method("users.getUsers");
    assert_eq!(
        (counts.executed, counts.failed),
        (1, 1),
        "ran, to no effect"
    );
    let e = home
        .invoke(&functions::auth::ExportAuthorization { dc_id: 2 })
        .await
        .unwrap_err();
    assert_eq!(e.message, "DC_ID_INVALID");
    let enums::auth::ExportedAuthorization::ExportedAuthorization(x) = home
        .invoke(&functions::auth::ExportAuthorization { dc_id: 1 })
        .await
        .unwrap();
    let mut dc1 = Client::connect(&server, 1, INTERMEDIATE, 131).await;
    let e = dc1
        .invoke(&functions::auth::ImportAuthorization {
            id: x.id,
            bytes: vec![1, 2, 3],
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "AUTH_BYTES_INVALID");
    dc1.invoke(&functions::auth::ImportAuthorization {
        id: x.id,
        bytes: x.bytes.clone(),
    })
    .await
    .unwrap();
    let users = dc1.invoke(&get_self).await.unwrap();
    assert!(matches!(&users[0], enums::User::User(u) if u.id == bot));
    // Tokens are single-use.
    let mut dc1b = Client::connect(&server, 1, INTERMEDIATE, 132).await;
    let e = dc1b
        .invoke(&functions::auth::ImportAuthorization {
            id: x.id,
            bytes: x.bytes,
        })
        .await
        .unwrap_err();
    assert_eq!(e.message, "AUTH_BYTES_INVALID");
}

fn upload_profile_photo(file_id: i64, parts: i32) -> functions::photos::UploadProfilePhoto {
    functions::photos::UploadProfilePhoto {
        fallback: false,
        bot: None,
        file: Some(enums::InputFile::from(types::InputFile {
            id: file_id,
            parts,
            name: "a.jpg".into(),
            md5_checksum: Default::default(),
        })),
        video: None,
        video_start_ts: None,
        video_emoji_markup: None,
    }
}

fn get_file(
    location: enums::InputFileLocation,
    offset: i64,
    limit: i32,
) -> functions::upload::GetFile {
    functions::upload::GetFile {
        precise: false,
        cdn_supported: false,
        location,
        offset,
        limit,
    }
}

#[tokio::test]
async fn profile_photos_upload_download_expire_and_migrate() {
    let server = server().await;
    let mut c = bot_client(&server, 140).await;
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    for (i, part) in data.chunks(2048).enumerate() {
        let ok = c
            .invoke(&functions::upload::SaveFilePart {
                file_id: 99,
                file_part: i as i32,
                bytes: part.to_vec(),
            })
            .await
            .unwrap();
        assert!(ok);
    }
    let e = c.invoke(&upload_profile_photo(99, 4)).await.unwrap_err();
    assert_eq!(e.message, "FILE_PARTS_INVALID");
    let enums::photos::Photo::Photo(p) = c.invoke(&upload_profile_photo(99, 3)).await.unwrap();
    let enums::Photo::Photo(photo) = p.photo else {
        panic!()
    };
    let location = |photo: &types::Photo| {
        enums::InputFileLocation::from(types::InputPhotoFileLocation {
            id: photo.id,
            access_hash: photo.access_hash,
            file_reference: photo.file_reference.clone(),
            thumb_size: "x".into(),
        })
    };
    let mut got = Vec::new();
    loop {
        let enums::upload::File::File(f) = c
            .invoke(&get_file(location(&photo), got.len() as i64, 4096))
            .await
            .unwrap()
        else {
            panic!()
        };
        let n = f.bytes.len();
        got.extend(f.bytes);
        if n < 4096 {
            break;
        }
    }
    assert_eq!(got, data);
    let bad_limit = c
        .invoke(&get_file(location(&photo), 0, 1000))
        .await
        .unwrap_err();
    assert_eq!(bad_limit.message, "LIMIT_INVALID");
    assert_eq!(
        server.profile_photos(server.user_id_by_username("ferrogram_test_bot").unwrap()),
        [photo.id]
    );

    server.expire_file_references();
    let e = c
        .invoke(&get_file(location(&photo), 0, 4096))
        .await
        .unwrap_err();
    assert_eq!(e.message, "FILE_REFERENCE_EXPIRED");

    // By peer (what Telethon's download_profile_photo sends) after moving it to DC 3.
    server.move_photo(photo.id, 3);
    let e = c
        .invoke(&get_file(
            enums::InputFileLocation::from(types::InputPeerPhotoFileLocation {
                big: true,
                peer: enums::InputPeer::InputPeerSelf,
                photo_id: photo.id,
            }),
            0,
            4096,
        ))
        .await
        .unwrap_err();
    assert_eq!(rpc_name(&e), (303, "FILE_MIGRATE_3".into()));
}

#[tokio::test]
async fn dropping_the_server_closes_its_connections() {
    let server = server().await;
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 150).await;
    c.invoke(&functions::help::GetNearestDc {}).await.unwrap();
    drop(server);
    // Whatever was in flight (acks) may still arrive; then the connection closes.
    let mut closed = false;
    for _ in 0..10 {
        if let Recv::Closed = c.conn.recv().await {
            closed = true;
            break;
        }
    }
    assert!(closed);
}

#[test]
fn the_binary_prints_one_json_line_when_ready() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ferrogram-testserver"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(v["addr"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(v["dc_id"], 2);
    assert_eq!(v["dcs"].as_array().unwrap().len(), 3);
    assert!(
        v["rsa_public_key_pem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN RSA PUBLIC KEY-----")
    );
    assert!(v["bot_token"].as_str().unwrap().contains(':'));
    assert_eq!(v["user"]["phone"], "9996621234");
    assert_eq!(v["user"]["code"], "22222");
    assert!(v["chats"].is_array());
}

#[tokio::test]
async fn fixture_accounts_and_faults_and_the_request_log() {
    let log = std::env::temp_dir().join(format!("ferrogram-reqlog-{}.jsonl", std::process::id()));
    let server = TestServer::builder()
        .seed(9)
        .fixture_json(
            r#"{"users": [{"first_name": "Grace", "last_name": "Hopper", "phone": "9996627777",
                           "username": "grace", "password": "cobol"}],
                "bots": [{"name": "Helper", "username": "helper_bot"}],
                "faults": {"flood_wait": [{"method": "help.getNearestDc", "seconds": 3, "times": 1}]}}"#,
        )
        .unwrap()
        .log_requests(&log)
        .unwrap()
        .start()
        .await
        .unwrap();
    let accounts = server.info().accounts;
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].code.as_deref(), Some("22222"));
    let token = accounts[1].bot_token.clone().unwrap();

    let mut c = Client::connect(&server, 2, INTERMEDIATE, 160).await;
    let e = c
        .invoke(&functions::help::GetNearestDc {})
        .await
        .unwrap_err();
    assert_eq!(rpc_name(&e), (420, "FLOOD_WAIT_3".into()));
    c.invoke(&functions::help::GetNearestDc {}).await.unwrap();
    c.invoke(&functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: 1,
        api_hash: "x".into(),
        bot_auth_token: token.clone().into(),
    })
    .await
    .unwrap();
    let mut u = Client::connect(&server, 2, INTERMEDIATE, 161).await;
    let hash = send_code(&mut u, "9996627777").await.unwrap();
    assert_eq!(
        sign_in(&mut u, "9996627777", &hash, "22222")
            .await
            .unwrap_err(),
        (401, "SESSION_PASSWORD_NEEDED".into())
    );
    check_password(&mut u, "cobol").await.unwrap();

    let text = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_file(&log);
    assert!(!text.contains(&token), "tokens are redacted");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let import = lines
        .iter()
        .find(|l| l["method"] == "auth.importBotAuthorization")
        .unwrap();
    assert_eq!(import["dc"], 2);
    assert_eq!(import["params"]["bot_auth_token"], "<redacted>");
    assert_eq!(import["params"]["api_id"], 1);
    let sign_in_line = lines.iter().find(|l| l["method"] == "auth.signIn").unwrap();
    assert_eq!(sign_in_line["params"]["phone_number"], "9996627777");
    assert_eq!(sign_in_line["params"]["phone_code"], "<redacted>");
    let check = lines
        .iter()
        .find(|l| l["method"] == "auth.checkPassword")
        .unwrap();
    assert_eq!(check["params"]["password"], "<redacted>");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["method"] == "help.getNearestDc")
            .count(),
        2
    );
}

#[test]
fn the_binary_refuses_a_bad_fixture_with_its_path() {
    let path =
        std::env::temp_dir().join(format!("ferrogram-badfixture-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"faults": {"delay_ms": 5}}"#).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrogram-testserver"))
        .arg("--fixture")
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("faults") && stderr.contains("delay_ms"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
