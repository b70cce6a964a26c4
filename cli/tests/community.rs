//! `ferrogram community …`, `bulk --community` and `ferrogram topics …`
//! against `testserver` over TCP.

mod common;

use common::*;
use ferrogram_testserver::TestServer;

async fn user_env(server: &TestServer, name: &str, phone: &str) -> Env {
    server.create_user(name, "Tester", phone);
    let env = Env::new(server, &format!("community-{name}"));
    let code = ferrogram_testserver::world::login_code(phone);
    ok(&env.run(&["login", "--phone", phone, "--code", &code]).await);
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn community_commands_make_link_decide_and_ban() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let env = Env::new(&server, "community");
    login_owner(&env, &server).await;
    for (title, name) in [("Lyon", "cli_lyon"), ("Nice", "cli_nice")] {
        ok(&env
            .run(&["create", "supergroup", title, "--username", name])
            .await);
    }
    let out = ok(&env
        .run(&[
            "community",
            "create",
            "Gaul",
            "@cli_lyon",
            "--about",
            "South",
        ])
        .await);
    let id = out.split_whitespace().next().unwrap().to_owned();
    assert!(
        id.starts_with("-100") && out.contains("\"Gaul\" (yours)"),
        "{out}"
    );
    ok(&env
        .run(&["community", "link", &id, "@cli_nice", "--hidden"])
        .await);
    let out = ok(&env
        .run(&["community", "info", &id, "--format", "json"])
        .await);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["chats"].as_array().unwrap().len(), 2);
    assert_eq!(v["chats"][1]["visible"], false);
    assert!(ok(&env.run(&["community", "list"]).await).contains("\"Gaul\" (yours)"));

    // Another owner asks to add her chat; the owner approves.
    let eve = user_env(&server, "Eve", "9996621800").await;
    ok(&eve
        .run(&["create", "supergroup", "Metz", "--username", "cli_metz"])
        .await);
    ok(&env.run(&["add", "@cli_lyon", "+9996621800"]).await);
    let out = ok(&eve.run(&["community", "of", "@cli_lyon"]).await);
    assert!(out.starts_with(&id), "{out}");
    let out = ok(&eve.run(&["community", "link", &id, "@cli_metz"]).await);
    assert!(out.contains("a request went"), "{out}");
    let out = ok(&env.run(&["community", "requests", &id]).await);
    assert!(
        out.contains("Metz") && out.trim_end().ends_with("1 waiting"),
        "{out}"
    );
    fails(
        &eve.run(&["community", "approve", &id, "--all"]).await,
        6,
        "CHAT_ADMIN_REQUIRED",
    );
    ok(&env.run(&["community", "approve", &id, "--all"]).await);

    // Eve is in Lyon: a dry bulk run across the community, then a ban.
    let out = ok(&env
        .run(&[
            "bulk",
            "ban",
            "--community",
            &id,
            "--search",
            "Eve",
            "--dry-run",
        ])
        .await);
    assert!(out.starts_with("ban: 1 would change"), "{out}");
    let out = ok(&env.run(&["community", "reach", &id, "+9996621800"]).await);
    assert!(out.contains("owns [") && out.contains("is in ["), "{out}");
    ok(&env.run(&["community", "ban", &id, "+9996621800"]).await);
    let eve_id = server.user_id_by_phone("9996621800").unwrap();
    assert!(server.participant_states("cli_lyon")[&eve_id].starts_with("Banned"));
    // Metz was Eve's: the ban took it out of the community.
    let out = ok(&env.run(&["community", "info", &id]).await);
    assert!(!out.contains("Metz") && out.contains("2 chats"), "{out}");
    ok(&env.run(&["community", "unban", &id, "+9996621800"]).await);
    assert!(server.participant_states("cli_lyon")[&eve_id].starts_with("Left"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_commands_manage_a_forum() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let env = Env::new(&server, "topics");
    login_owner(&env, &server).await;
    ok(&env
        .run(&["create", "forum", "Desk", "--username", "cli_desk"])
        .await);
    let out = ok(&env
        .run(&["topics", "@cli_desk", "create", "Bugs", "--color", "FB6F5F"])
        .await);
    let id = out.split_whitespace().nth(1).unwrap().to_owned();
    ok(&env.run(&["topics", "@cli_desk", "create", "FAQ"]).await);
    ok(&env.run(&["topics", "@cli_desk", "pin", &id]).await);
    let out = ok(&env
        .run(&["topics", "@cli_desk", "send", &id, "first!"])
        .await);
    assert!(out.contains(&format!("posted in topic {id}")), "{out}");
    ok(&env.run(&["topics", "@cli_desk", "close", &id]).await);
    let out = ok(&env.run(&["topics", "@cli_desk", "list"]).await);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(&id) && first.ends_with("Bugs pinned closed"),
        "{out}"
    );
    let out = ok(&env
        .run(&[
            "topics",
            "@cli_desk",
            "list",
            "--search",
            "faq",
            "--format",
            "json",
        ])
        .await);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["title"], "FAQ");
    ok(&env.run(&["topics", "@cli_desk", "hide-general"]).await);
    let out = ok(&env
        .run(&["topics", "@cli_desk", "delete", &id, "--yes"])
        .await);
    assert!(out.ends_with("deleted with 1 messages\n"), "{out}");
    fails(
        &env.run(&["topics", "@cli_desk", "send", &id, "gone"]).await,
        8,
        "TOPIC_ID_INVALID",
    );
}
