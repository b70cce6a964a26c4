//! `ferrogram invites …` and `ferrogram requests …` against a testserver over
//! TCP: outputs read back and compared with the server's world, refusals
//! with their exit codes.

mod common;

use common::*;
use ferrogram_testserver::{Role, TestServer};

const LOUNGE: &str = "@ferrogram_lounge";

/// The link a `create`/`edit` printed (its first word).
/// The marked id `ferrogram create` printed (`made "T" -100… (@name)`).
fn marked_id_in(out: &str) -> String {
    out.split_whitespace()
        .find(|w| w.starts_with('-'))
        .expect("the marked id")
        .to_owned()
}

fn link_of(out: &str) -> String {
    out.split_whitespace().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_create_edit_list_revoke_delete() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let env = Env::new(&server, "invites");
    login_owner(&env, &server).await;
    let out = ok(&env
        .run(&[
            "invites", "create", LOUNGE, "--title", "flyers", "--limit", "2",
        ])
        .await);
    let link = link_of(&out);
    assert!(link.starts_with("https://t.me/+"), "{out}");
    assert!(
        out.contains("\"flyers\"") && out.contains("0/2 joined"),
        "{out}"
    );
    // A link asking for approval cannot also be limited: Telegram's refusal.
    fails(
        &env.run(&[
            "invites",
            "create",
            LOUNGE,
            "--limit",
            "5",
            "--request-needed",
        ])
        .await,
        8,
        "USAGE_LIMIT_INVALID",
    );
    fails(
        &env.run(&["invites", "create", LOUNGE, "--expire-in", "soon"])
            .await,
        2,
        "soon",
    );
    let out = ok(&env
        .run(&[
            "invites",
            "edit",
            LOUNGE,
            &link,
            "--unlimited",
            "--title",
            "posters",
        ])
        .await);
    assert!(
        out.contains("\"posters\"") && out.contains("0 joined"),
        "{out}"
    );
    let csv = ok(&env
        .run(&["invites", "list", LOUNGE, "--format", "csv"])
        .await);
    let rows = parse_csv(&csv);
    assert_eq!(rows[0][0], "link");
    assert_eq!(rows.len(), 2, "{csv}");
    assert_eq!(rows[1][0], link);
    assert_eq!(rows[1][3], "posters");
    assert_eq!(rows[1][5], "", "no limit");
    // Someone joins through it: `joined` lists them.
    let id = server.create_user("Jo", "Joiner", "9996621100");
    let joiner = Env::new(&server, "invites-joiner");
    ok(&joiner
        .run(&["login", "--phone", "9996621100", "--code", "22222"])
        .await);
    // The CLI has no `join`: the new member joins with the client library.
    let client = {
        let mut c = ferrogram_client::Config::new(12345, "0123456789abcdef0123456789abcdef");
        c.session = std::sync::Arc::new(ferrogram_session::MemorySession::new());
        c.server = Some((server.addr(), server.dc_id()));
        c.rsa_keys = vec![server.rsa_key().public().clone()];
        ferrogram_client::Client::connect(c).await.unwrap()
    };
    let token = client.request_login_code("9996621100").await.unwrap();
    client.sign_in(&token, "22222").await.unwrap();
    client.accept_invite(&link).await.unwrap();
    assert_eq!(
        server.participant_role("ferrogram_lounge", id),
        Some(Role::Member)
    );
    let json = ok(&env
        .run(&["invites", "joined", LOUNGE, &link, "--format", "json"])
        .await);
    let v: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(v["user_id"], id);
    assert_eq!(v["name"], "Jo Joiner");
    let counts = ok(&env.run(&["invites", "counts", LOUNGE]).await);
    assert!(counts.contains("1 links, 0 revoked"), "{counts}");
    // Delete needs it revoked first.
    fails(
        &env.run(&["invites", "delete", LOUNGE, &link]).await,
        8,
        "INVITE_REVOKED_MISSING",
    );
    let out = ok(&env.run(&["invites", "revoke", LOUNGE, &link]).await);
    assert!(out.contains("revoked"), "{out}");
    let revoked = ok(&env
        .run(&["invites", "list", LOUNGE, "--revoked", "--format", "json"])
        .await);
    assert_eq!(revoked.lines().count(), 1);
    ok(&env
        .run(&["invites", "delete", LOUNGE, "--all-revoked"])
        .await);
    let revoked = ok(&env
        .run(&["invites", "list", LOUNGE, "--revoked", "--format", "json"])
        .await);
    assert_eq!(revoked.lines().count(), 0, "{revoked}");
    // A plain member: exit code 6, naming the right.
    fails(
        &joiner.run(&["invites", "create", LOUNGE]).await,
        6,
        "invite_users",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_list_approve_and_decline() {
    let server = TestServer::builder().members(50).start().await.unwrap();
    let env = Env::new(&server, "requests");
    login_owner(&env, &server).await;
    let out = ok(&env
        .run(&["invites", "create", LOUNGE, "--request-needed"])
        .await);
    let link = link_of(&out);
    assert!(out.contains("approval needed, 0 waiting"), "{out}");
    let mut ids = Vec::new();
    for (i, name) in ["Ann", "Ben", "Cy", "Di"].iter().enumerate() {
        let id = server.create_user(name, "Asker", &format!("99966212{i:02}"));
        server.request_join(&link, id).unwrap();
        ids.push(id);
    }
    let csv = ok(&env
        .run(&["requests", "list", LOUNGE, "--format", "csv"])
        .await);
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 5, "{csv}");
    let listed: Vec<i64> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    for id in &ids {
        assert!(listed.contains(id));
    }
    let ben = ok(&env
        .run(&[
            "requests", "list", LOUNGE, "--search", "ben", "--format", "json",
        ])
        .await);
    assert_eq!(ben.lines().count(), 1, "{ben}");
    // The owner saw them in the listing: ids resolve.
    ok(&env
        .run(&["requests", "approve", LOUNGE, &ids[0].to_string()])
        .await);
    ok(&env
        .run(&["requests", "decline", LOUNGE, &ids[1].to_string()])
        .await);
    assert_eq!(
        server.participant_role("ferrogram_lounge", ids[0]),
        Some(Role::Member)
    );
    assert_eq!(server.participant_role("ferrogram_lounge", ids[1]), None);
    fails(
        &env.run(&["requests", "approve", LOUNGE, &ids[1].to_string()])
            .await,
        8,
        "HIDE_REQUESTER_MISSING",
    );
    fails(&env.run(&["requests", "approve", LOUNGE]).await, 2, "");
    ok(&env
        .run(&["requests", "approve", LOUNGE, "--all", "--link", &link])
        .await);
    for id in &ids[2..] {
        assert_eq!(
            server.participant_role("ferrogram_lounge", *id),
            Some(Role::Member)
        );
    }
    let left = ok(&env
        .run(&["requests", "list", LOUNGE, "--format", "json"])
        .await);
    assert_eq!(left.lines().count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_makes_chats_with_their_details() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "create");
    login_owner(&env, &server).await;
    let id = server.create_user("Mo", "Member", "9996621300");
    let out = ok(&env
        .run(&[
            "create",
            "supergroup",
            "CLI club",
            "--about",
            "made from the shell",
            "--username",
            "cli_club",
            "--member",
            "+9996621300",
        ])
        .await);
    assert!(
        out.starts_with("made \"CLI club\" -100") && out.contains("(@cli_club)"),
        "{out}"
    );
    let info = server.info();
    let chat = info.chat("cli_club").unwrap();
    assert_eq!(chat.members, 2);
    assert_eq!(server.participant_role("cli_club", id), Some(Role::Member));
    ok(&env
        .run(&["create", "group", "Inner circle", "--member", "+9996621300"])
        .await);
    fails(
        &env.run(&["create", "channel", "Copy", "--username", "cli_club"])
            .await,
        8,
        "USERNAME_OCCUPIED",
    );
    fails(
        &env.run(&["create", "channel", " "]).await,
        8,
        "CHAT_TITLE_EMPTY",
    );
    fails(&env.run(&["create", "castle", "x"]).await, 2, "castle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rank_tags_members_and_listings_show_it() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "rank");
    login_owner(&env, &server).await;
    server.create_user("Tia", "Tagged", "9996621310");
    ok(&env
        .run(&[
            "create",
            "supergroup",
            "Tags",
            "--username",
            "tags_cli",
            "--member",
            "+9996621310",
        ])
        .await);
    let csv = ok(&env
        .run(&["participants", "@tags_cli", "--format", "csv"])
        .await);
    let tia = parse_csv(&csv).into_iter().find(|r| r[2] == "Tia").unwrap();
    let out = ok(&env.run(&["rank", "@tags_cli", &tia[0], "Treasurer"]).await);
    assert!(out.contains("tagged \"Treasurer\""), "{out}");
    let csv = ok(&env
        .run(&["participants", "@tags_cli", "--format", "csv"])
        .await);
    let tia = parse_csv(&csv).into_iter().find(|r| r[2] == "Tia").unwrap();
    assert_eq!((tia[4].as_str(), tia[5].as_str()), ("member", "Treasurer"));
    fails(
        &env.run(&["rank", "@tags_cli", &tia[0], "far too long for a tag"])
            .await,
        8,
        "ADMIN_RANK_INVALID",
    );
    ok(&env.run(&["rank", "@tags_cli", &tia[0], ""]).await);
    let csv = ok(&env
        .run(&["participants", "@tags_cli", "--format", "csv"])
        .await);
    let tia = parse_csv(&csv).into_iter().find(|r| r[2] == "Tia").unwrap();
    assert_eq!(tia[5], "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_hands_a_chat_over_with_the_password() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "transfer");
    login_owner(&env, &server).await;
    let heir = server.create_user("Hana", "Heir", "9996621320");
    ok(&env
        .run(&[
            "create",
            "supergroup",
            "Handed",
            "--username",
            "handed_cli",
            "--member",
            "+9996621320",
        ])
        .await);
    let password = server.user().unwrap().password.clone();
    let fresh = env
        .run(&[
            "transfer",
            "@handed_cli",
            "+9996621320",
            "--password",
            &password,
        ])
        .await;
    fails(&fresh, 8, "SESSION_TOO_FRESH");
    server
        .clock()
        .advance(std::time::Duration::from_secs(86_401));
    fails(
        &env.run(&[
            "transfer",
            "@handed_cli",
            "+9996621320",
            "--password",
            "wrong",
        ])
        .await,
        8,
        "PASSWORD_HASH_INVALID",
    );
    let out = ok(&env
        .run(&[
            "transfer",
            "@handed_cli",
            "+9996621320",
            "--password",
            &password,
        ])
        .await);
    assert!(out.contains("now owns @handed_cli"), "{out}");
    assert_eq!(
        server.participant_role("handed_cli", heir),
        Some(Role::Creator)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_reports_each_user() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "add");
    login_owner(&env, &server).await;
    let a = server.create_user("Al", "Added", "9996621330");
    let b = server.create_user("Bea", "Added", "9996621331");
    ok(&env
        .run(&["create", "supergroup", "Add here", "--username", "add_cli"])
        .await);
    let out = env
        .run(&[
            "add",
            "@add_cli",
            "+9996621330",
            "@nobody_here_y",
            "+9996621331",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("+9996621330: added"), "{text}");
    assert!(text.contains("+9996621331: added"), "{text}");
    assert!(text.contains("@nobody_here_y: not added"), "{text}");
    assert!(
        stderr(&out).contains("1 of 3 not added"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.participant_role("add_cli", a), Some(Role::Member));
    assert_eq!(server.participant_role("add_cli", b), Some(Role::Member));
    // All added: exit code 0.
    server.create_user("Cal", "Added", "9996621332");
    let out = ok(&env.run(&["add", "@add_cli", "+9996621332"]).await);
    assert!(out.contains("added"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_turns_a_group_into_a_supergroup_for_good() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "migrate");
    login_owner(&env, &server).await;
    server.create_user("Mo", "Moved", "9996621340");
    server.create_user("Mia", "Moved", "9996621341");
    let made = ok(&env
        .run(&[
            "create",
            "group",
            "Movers",
            "--member",
            "+9996621340",
            "--member",
            "+9996621341",
        ])
        .await);
    // "made \"Movers\" -4…"
    let old = marked_id_in(&made);
    // A basic group has no per-member restrictions: refused, with the way out.
    fails(
        &env.run(&["restrict", &old, "+9996621340"]).await,
        2,
        "ferrogram migrate",
    );
    // With --migrate the restriction turns it into a supergroup first.
    ok(&env
        .run(&["restrict", &old, "+9996621340", "--migrate"])
        .await);
    let out = ok(&env.run(&["migrate", &old]).await);
    assert!(out.contains("was already supergroup -100"), "{out}");
    // Through the old id: the supergroup's members, Mo restricted.
    let csv = ok(&env.run(&["participants", &old, "--format", "csv"]).await);
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 1 + 3, "a header and three members: {csv}");
    let mo = rows.iter().find(|r| r[2] == "Mo").unwrap();
    assert_eq!(mo[4], "restricted", "{csv}");

    // A second group, migrated by the command itself; a member may not.
    let made = ok(&env
        .run(&["create", "group", "Second", "--member", "+9996621341"])
        .await);
    let second = marked_id_in(&made);
    let out = ok(&env.run(&["migrate", &second]).await);
    assert!(out.contains("is now supergroup -100"), "{out}");
    fails(
        &env.run(&["migrate", "@ferrogram_lounge"]).await,
        2,
        "basic group",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_membership_events_as_json_and_lines() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let bot = Env::new(&server, "watch-bot");
    ok(&bot
        .run(&["login", "--bot-token", server.bot_token().unwrap()])
        .await);
    // Watching for nothing sets the starting point in the session: what
    // happens from now on is not missed by the next watch.
    ok(&bot.run(&["watch", "--limit", "0"]).await);
    let owner = Env::new(&server, "watch-owner");
    login_owner(&owner, &server).await;
    let mo = server.create_user("Mo", "Watched", "9996621350");
    ok(&owner
        .run(&["add", "@ferrogram_lounge", "+9996621350"])
        .await);
    ok(&owner
        .run(&[
            "restrict",
            "@ferrogram_lounge",
            "+9996621350",
            "--deny",
            "send_media",
        ])
        .await);
    ok(&owner
        .run(&["kick", "@ferrogram_lounge", "+9996621350"])
        .await);
    let out = ok(&bot
        .run(&[
            "watch",
            "--chat",
            "@ferrogram_lounge",
            "--format",
            "json",
            "--limit",
            "4",
            "--for",
            "60s",
        ])
        .await);
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["joined", "restricted", "banned", "unbanned"],
        "{out}"
    );
    assert!(events.iter().all(|e| e["user_id"] == mo), "{out}");
    assert_eq!(events[0]["method"], "invited");
    assert_eq!(events[1]["denied"], "send_media");
    assert_eq!(events[2]["until"], "forever");
    // Lines, and nothing from other chats: the team's change is left out.
    let team = server
        .info()
        .first_of(ferrogram_testserver::chats::ChatKind::Group)
        .unwrap()
        .marked_id
        .to_string();
    ok(&owner.run(&["add", &team, "+9996621350"]).await);
    ok(&owner
        .run(&["add", "@ferrogram_lounge", "+9996621350"])
        .await);
    let out = ok(&bot
        .run(&[
            "watch",
            "--chat",
            "@ferrogram_lounge",
            "--limit",
            "1",
            "--for",
            "60s",
        ])
        .await);
    assert!(
        out.trim_end().ends_with(&format!(
            "joined user {mo} by {} method=invited",
            server.user().unwrap().id
        )),
        "{out}"
    );
    // Without events, --for ends the watch quietly.
    let out = ok(&bot.run(&["watch", "--for", "1s"]).await);
    assert_eq!(out, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leave_hands_a_basic_group_to_the_successor() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "leave");
    login_owner(&env, &server).await;
    server.create_user("Ed", "Heir", "9996621360");
    let heir = server.create_user("Flo", "Heir", "9996621361");
    let made = ok(&env
        .run(&[
            "create",
            "group",
            "Heirs",
            "--member",
            "+9996621360",
            "--member",
            "+9996621361",
        ])
        .await);
    let chat = marked_id_in(&made);
    ok(&env.run(&["promote", &chat, "+9996621361"]).await);
    let out = ok(&env.run(&["successor", &chat]).await);
    assert!(
        out.starts_with(&format!("{heir} Flo Heir would own")),
        "{out}"
    );
    let out = ok(&env.run(&["leave", &chat]).await);
    assert_eq!(out.trim(), format!("left {chat}"));
    // No longer a member: neither the owner nor allowed to ask.
    fails(&env.run(&["successor", &chat]).await, 6, "CHAT_FORBIDDEN");
    fails(
        &env.run(&["leave", "@nobody_here_at_all"]).await,
        5,
        "unknown",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discussion_links_a_group_to_a_channel() {
    let server = TestServer::builder().members(20).start().await.unwrap();
    let env = Env::new(&server, "discussion");
    login_owner(&env, &server).await;
    ok(&env
        .run(&["create", "channel", "Posts", "--username", "cli_posts"])
        .await);
    let made = ok(&env
        .run(&[
            "create",
            "supergroup",
            "Comments",
            "--username",
            "cli_comments",
        ])
        .await);
    let group = marked_id_in(&made);
    ok(&env.run(&["create", "group", "Small"]).await);
    let out = ok(&env.run(&["discussion", "candidates"]).await);
    assert!(out.contains(&format!("{group} Comments\n")), "{out}");
    assert!(out.contains("Small  (basic group"), "{out}");
    let out = ok(&env
        .run(&["discussion", "set", "@cli_posts", "@cli_comments"])
        .await);
    assert!(out.contains("discussion group"), "{out}");
    fails(
        &env.run(&["discussion", "set", "@cli_posts", "@cli_comments"])
            .await,
        8,
        "LINK_NOT_MODIFIED",
    );
    ok(&env.run(&["discussion", "unset", "@cli_comments"]).await);
    fails(
        &env.run(&["discussion", "unset", "@cli_posts"]).await,
        8,
        "LINK_NOT_MODIFIED",
    );
}
