//! `ferrogram delete`, `purge`, `report` and `pin` against `testserver`
//! over TCP, with a spammer writing through the client library.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::{Role, TestServer};

/// A new account, signed in.
async fn spammer(server: &TestServer, phone: &str) -> (Client, i64) {
    let id = server.create_user("Sam", "Spammer", phone);
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = Duration::from_secs(30);
    let client = Client::connect(c).await.unwrap();
    let token = client.request_login_code(phone).await.unwrap();
    let code = ferrogram_testserver::world::login_code(phone);
    client.sign_in(&token, &code).await.unwrap();
    (client, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_pin_report_and_purge_clean_up_a_spammer() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "cleanup");
    login_owner(&env, &server).await;
    let (sam, sam_id) = spammer(&server, "9996621370").await;
    ok(&env
        .run(&[
            "create",
            "supergroup",
            "Wave",
            "--username",
            "cli_wave",
            "--member",
            "+9996621370",
        ])
        .await);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            sam.send_message("@cli_wave", &format!("spam {i}"))
                .await
                .unwrap()
                .to_string(),
        );
    }
    let out = ok(&env.run(&["pin", "@cli_wave", &ids[0], "--silent"]).await);
    assert_eq!(
        out.trim(),
        format!("message {} pinned in @cli_wave", ids[0])
    );
    ok(&env.run(&["pin", "@cli_wave", &ids[0], "--unpin"]).await);
    let out = ok(&env.run(&["delete", "@cli_wave", &ids[0], "999999"]).await);
    assert_eq!(out.trim(), "1 of 2 deleted in @cli_wave");
    let out = ok(&env
        .run(&["report", "@cli_wave", "+9996621370", &ids[1]])
        .await);
    assert!(out.starts_with("1 message(s)"), "{out}");
    // A plain member may delete no one else's: a right is missing (exit 6).
    server.create_user("Moe", "Member", "9996621371");
    ok(&env.run(&["add", "@cli_wave", "+9996621371"]).await);
    let moe = Env::new(&server, "cleanup-moe");
    let code = ferrogram_testserver::world::login_code("9996621371");
    ok(&moe
        .run(&["login", "--phone", "9996621371", "--code", &code])
        .await);
    fails(
        &moe.run(&["delete", "@cli_wave", &ids[2]]).await,
        6,
        "MESSAGE_DELETE_FORBIDDEN",
    );
    let out = ok(&env
        .run(&["purge", "@cli_wave", "+9996621370", "--format", "json"])
        .await);
    let done: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(done["reported"].as_array().unwrap().len(), 4);
    assert_eq!(done["deleted"], 4);
    assert_eq!(done["banned"], true);
    assert!(matches!(
        server.participant_role("cli_wave", sam_id),
        Some(Role::Banned)
    ));
    assert_eq!(server.spam_reports("cli_wave").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_shows_and_flips_switches() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "settings");
    login_owner(&env, &server).await;
    let out = ok(&env.run(&["settings", "@ferrogram_lounge"]).await);
    assert!(out.contains("slowmode       0s"), "{out}");
    let out = ok(&env
        .run(&[
            "settings",
            "@ferrogram_lounge",
            "--slowmode",
            "30s",
            "--protect",
            "on",
        ])
        .await);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "slowmode set in @ferrogram_lounge",
            "protect set in @ferrogram_lounge"
        ]
    );
    let out = ok(&env.run(&["settings", "@ferrogram_lounge"]).await);
    assert!(
        out.contains("slowmode       30s") && out.contains("protect        on"),
        "{out}"
    );
    // 20 members: too few for anti-spam (200, help.getAppConfig).
    fails(
        &env.run(&["settings", "@ferrogram_lounge", "--antispam", "on"])
            .await,
        8,
        "PARTICIPANTS_TOO_FEW",
    );
    fails(
        &env.run(&["settings", "@ferrogram_lounge", "--protect", "on"])
            .await,
        8,
        "CHAT_NOT_MODIFIED",
    );
    ok(&env
        .run(&[
            "settings",
            "@ferrogram_lounge",
            "--auto-delete",
            "7d",
            "--reactions",
            "👍,🔥",
            "--reactions-limit",
            "2",
            "--boosts-to-unrestrict",
            "3",
        ])
        .await);
    let out = ok(&env.run(&["settings", "@ferrogram_lounge"]).await);
    assert!(
        out.contains("auto-delete    604800s")
            && out.contains("reactions      👍,🔥")
            && out.contains("max-reactions  2")
            && out.contains("boosts         3"),
        "{out}"
    );
    fails(
        &env.run(&["settings", "@ferrogram_lounge", "--auto-delete", "1h"])
            .await,
        8,
        "TTL_PERIOD_INVALID",
    );
}
