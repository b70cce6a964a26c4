//! `ferrogram demo`: an embedded testserver and the seed's whole workflow run
//! against it. Each step prints what it did and checks the result; the first
//! step that does not do what it should ends the demo with exit code 1.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrogram_chat_mgmt::{
    AdminLogFilter, AdminRights, BannedRights, ChatManagement, Error as ChatError,
    InviteLinkOptions, Membership, ParticipantFilter, Role, Stats,
};
use ferrogram_client::{Client, Config, InvocationError, SignInError};
use ferrogram_session::MemorySession;
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::types;
use futures::TryStreamExt;

use crate::commands::{CSV_HEADER, Row};
use crate::error::CliError;
use crate::output::{Progress, cell, rfc3339};

mod spam;
mod welcome;

const LOUNGE: &str = "@ferrogram_lounge";
const NEWS: &str = "@ferrogram_news";

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), CliError> {
    if ok {
        Ok(())
    } else {
        Err(CliError::failure(format!("demo step failed: {}", what())))
    }
}

fn step(n: &mut usize, title: &str) {
    *n += 1;
    println!("\n{n:>2}. {title}");
}

/// The client and server auth-key state machines of `ferrogram-mtproto` run
/// against each other in memory (RSA_PAD, 2048-bit DH on both sides).
fn in_memory_handshake() -> Result<Duration, CliError> {
    use ferrogram_mtproto::handshake::{ClientOutcome, ServerConfig, client_start, server_start};
    let fail = |e: &dyn std::fmt::Display| CliError::failure(format!("in-memory handshake: {e}"));
    let rng = &mut rand_core::OsRng;
    let config = ServerConfig::new(ferrogram_mtproto::rsa::test_server_key());
    let keys = [config.key.public().clone()];
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i32);
    let started = Instant::now();
    let (c1, req) = client_start(rng);
    let (s1, res) = server_start(&req, &config, rng).map_err(|e| fail(&e))?;
    let (c2, req) = c1
        .handle_res_pq(&res, &keys, 2, rng)
        .map_err(|e| fail(&e))?;
    let (s2, res) = s1
        .handle_req_dh_params(&req, &config, now, rng)
        .map_err(|e| fail(&e))?;
    let (c3, req) = c2
        .handle_server_dh_params(&res, now, rng)
        .map_err(|e| fail(&e))?;
    let (_, res) = s2
        .handle_set_client_dh_params(&req, &config)
        .map_err(|e| fail(&e))?;
    match c3.handle_dh_answer(&res, rng).map_err(|e| fail(&e))? {
        ClientOutcome::Done(_) => Ok(started.elapsed()),
        _ => Err(CliError::failure(
            "in-memory handshake: the server asked for a retry",
        )),
    }
}

fn name(u: &ferrogram_tl_types::types::User) -> String {
    format!(
        "{} {}",
        u.first_name.as_deref().unwrap_or(""),
        u.last_name.as_deref().unwrap_or("")
    )
    .trim()
    .to_owned()
}

pub fn run(members: usize, out: &Path) -> Result<(), CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(walk(members, out))
}

async fn walk(members: usize, out: &Path) -> Result<(), CliError> {
    let started = Instant::now();
    let mut n = 0;
    std::fs::create_dir_all(out)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", out.display())))?;
    let server = start_server(&mut n, members).await?;
    let (client, me) = log_in(&mut n, &server).await?;
    let mut demo = Demo {
        n,
        client,
        server,
        me,
        out: out.to_path_buf(),
    };
    let admins = demo.admins().await?;
    demo.search().await?;
    let (exported, plain) = demo.export().await?;
    demo.promote(plain[0]).await?;
    demo.typed_error(plain[0]).await?;
    demo.restrict(plain[1]).await?;
    demo.kick(plain[2]).await?;
    let log = demo.admin_log().await?;
    demo.join_request().await?;
    demo.welcome_bot().await?;
    demo.migrate().await?;
    demo.spam_wave().await?;
    demo.bot_wave().await?;
    demo.typing().await?;
    let photos = demo.photos().await?;
    let graphs = demo.stats().await?;
    let typing_requests = demo.server.counters().method("messages.setTyping").executed;
    println!(
        "\nok: {} steps, {exported} members exported, {admins} admins, {log} log events, \
         {photos} photos, {graphs} graphs, {typing_requests} typing requests, in {:.1?}",
        demo.n,
        started.elapsed()
    );
    Ok(())
}

/// Step 1: the embedded server, and a handshake run in memory.
async fn start_server(n: &mut usize, members: usize) -> Result<TestServer, CliError> {
    step(n, "Embedded testserver (no network, no account)");
    let server = TestServer::builder()
        .members(members)
        .start()
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    let info = server.info();
    let took = in_memory_handshake()?;
    println!("    auth key made in memory by the client and server state machines in {took:.1?}");
    let line = serde_json::to_string(&info).map_err(|e| CliError::failure(e.to_string()))?;
    println!("    server ready: {line}");
    println!(
        "    listening on {} (DCs {}), fixed test RSA key",
        info.addr,
        info.dcs
            .iter()
            .map(|d| d.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for c in &info.chats {
        println!(
            "    {} {:<26} {:>7} members",
            cell(c.kind.name(), 11),
            c.username
                .as_ref()
                .map(|u| format!("@{u}"))
                .unwrap_or_else(|| c.title.clone()),
            c.members
        );
    }

    Ok(server)
}

/// Step 2: the owner signs in (code, then the 2FA password over SRP).
async fn log_in(n: &mut usize, server: &TestServer) -> Result<(Client, types::User), CliError> {
    step(
        n,
        "Log in as the owner (phone, code, 2FA password over SRP)",
    );
    let config = Config::new(12345, "0123456789abcdef0123456789abcdef")
        .session(Arc::new(MemorySession::new()))
        .server(server.addr(), server.dc_id())
        .rsa_key(server.rsa_key().public().clone());
    let client = Client::connect(config).await?;
    let owner = server
        .user()
        .ok_or_else(|| CliError::failure("the default world has no owner"))?
        .clone();
    let token = client.request_login_code(&owner.phone).await?;
    let me = match client.sign_in(&token, &owner.code).await {
        Ok(me) => me,
        Err(InvocationError::SignIn(SignInError::PasswordRequired(_))) => {
            client.check_password(&owner.password).await?
        }
        Err(e) => return Err(e.into()),
    };
    println!(
        "    signed in as {} (@{})",
        name(&me),
        me.username.as_deref().unwrap_or("")
    );

    Ok((client, me))
}

/// The demo after sign-in: each method is a step (or two) that prints what
/// it did and checks it.
struct Demo {
    n: usize,
    client: Client,
    server: TestServer,
    me: types::User,
    out: PathBuf,
}

impl Demo {
    fn step(&mut self, title: &str) {
        step(&mut self.n, title);
    }

    /// The chat's admins; returns how many.
    async fn admins(&mut self) -> Result<usize, CliError> {
        self.step(&format!("Admins of {LOUNGE}"));
        let admins = self
            .client
            .get_participants(LOUNGE)
            .filter(ParticipantFilter::Admins)
            .await?;
        for p in &admins.items {
            let (role, rank) = match &p.role {
                Role::Creator { rank } => ("creator", rank.clone()),
                Role::Admin { rank, .. } => ("admin", rank.clone()),
                _ => ("?", None),
            };
            println!(
                "    {} {} {}",
                cell(&name(&p.user), 26),
                cell(role, 8),
                rank.unwrap_or_default()
            );
        }
        check(admins.items.iter().any(|p| p.user.id == self.me.id), || {
            "the owner is among the admins".into()
        })?;
        Ok(admins.items.len())
    }

    async fn search(&mut self) -> Result<(), CliError> {
        self.step("Search members named \"ma\"");
        let found = self
            .client
            .get_participants(LOUNGE)
            .search("ma")
            .limit(5)
            .await?;
        let shown: Vec<String> = found.items.iter().map(|p| name(&p.user)).collect();
        println!("    {} match; first: {}", found.total, shown.join(", "));
        check(
            found.items.iter().all(|p| {
                [&p.user.first_name, &p.user.last_name, &p.user.username]
                    .into_iter()
                    .flatten()
                    .flat_map(|s| s.split_whitespace())
                    .any(|w| w.to_lowercase().starts_with("ma"))
            }),
            || "every match has a word starting with \"ma\"".into(),
        )?;
        Ok(())
    }

    /// Every member to CSV, as a stream; returns the count and three plain
    /// members to work with.
    async fn export(&mut self) -> Result<(usize, Vec<i64>), CliError> {
        let csv = self.out.join("members.csv");
        self.step(&format!("Export every member to {}", csv.display()));
        let listing = Instant::now();
        let total = self.client.get_participants(LOUNGE).limit(0).await?.total;
        let mut it = self
            .client
            .iter_participants(LOUNGE)
            .aggressive(total > 10_000)
            .pace(Duration::ZERO);
        let file = std::fs::File::create(&csv)
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", csv.display())))?;
        let mut w = std::io::BufWriter::new(file);
        writeln!(w, "{CSV_HEADER}")?;
        let mut progress = Progress::new("members");
        let mut exported = 0;
        let mut plain = Vec::new();
        while let Some(p) = it.try_next().await? {
            if p.role == Role::Member && !p.user.bot && plain.len() < 3 {
                plain.push(p.user.id);
            }
            Row::of(&p).print(crate::output::Format::Csv, &mut w)?;
            exported += 1;
            progress.update(exported, it.total());
        }
        progress.finish();
        w.flush()?;
        println!(
            "    {exported} of {total} members in {:.1?}{}",
            listing.elapsed(),
            if total > 10_000 {
                " (aggressive: past the 10,000 cap by name prefixes)"
            } else {
                ""
            }
        );
        check(exported == total, || {
            format!("exported {exported} of {total}")
        })?;
        check(plain.len() == 3, || {
            "three plain members to work with".into()
        })?;
        Ok((exported, plain))
    }

    async fn promote(&mut self, promoted: i64) -> Result<(), CliError> {
        self.step("Promote one with a title");
        self.client
            .edit_admin(
                LOUNGE,
                promoted,
                AdminRights::new()
                    .delete_messages(true)
                    .ban_users(true)
                    .pin_messages(true)
                    .title("Moderator"),
            )
            .await?;
        let p = self.client.get_permissions(LOUNGE, promoted).await?;
        println!(
            "    user {promoted}: admin={} ban_users={} change_info={} title={:?}",
            p.is_admin,
            p.can_ban_users(),
            p.can_change_info(),
            match &p.role {
                Role::Admin { rank, .. } => rank.clone().unwrap_or_default(),
                _ => String::new(),
            }
        );
        check(
            p.is_admin && p.can_ban_users() && !p.can_change_info(),
            || "the promotion shows in the permissions".into(),
        )?;
        Ok(())
    }

    /// A refusal, matched by its typed variant: a title over 16 characters.
    async fn typed_error(&mut self, promoted: i64) -> Result<(), CliError> {
        self.step("A typed error: a title over Telegram's 16 characters");
        let long = AdminRights::new()
            .pin_messages(true)
            .title("Moderator of everything");
        match self.client.edit_admin(LOUNGE, promoted, long).await {
            Err(ChatError::AdminRankInvalid(rpc)) => {
                println!("    refused as Error::AdminRankInvalid ({})", rpc.name);
                Ok(())
            }
            other => Err(CliError::failure(format!(
                "demo step failed: a 23-character title gave {other:?}"
            ))),
        }
    }

    async fn restrict(&mut self, restricted: i64) -> Result<(), CliError> {
        self.step("Restrict one for an hour (no media, no links)");
        self.client
            .edit_permissions(
                LOUNGE,
                restricted,
                BannedRights::new()
                    .send_media(false)
                    .embed_links(false)
                    .for_duration(Duration::from_secs(3600)),
            )
            .await?;
        let p = self.client.get_permissions(LOUNGE, restricted).await?;
        let until = match &p.role {
            Role::Restricted { rights, .. } => rights.until,
            _ => None,
        };
        println!(
            "    user {restricted}: restricted={} until {}; may send text: {}",
            p.is_banned,
            until.map(rfc3339).unwrap_or_else(|| "forever".into()),
            p.banned_rights.as_ref().is_some_and(|r| r.send_messages)
        );
        check(p.is_banned && until.is_some(), || {
            "the restriction has an end".into()
        })?;
        Ok(())
    }

    async fn kick(&mut self, kicked: i64) -> Result<(), CliError> {
        self.step("Kick one (removed, free to come back)");
        self.client.kick_participant(LOUNGE, kicked).await?;
        let role = self.server.participant_role("ferrogram_lounge", kicked);
        println!(
            "    user {kicked}: now {}",
            role.map_or("?", ferrogram_testserver::Role::name)
        );
        check(role == Some(ferrogram_testserver::Role::Left), || {
            format!("kicked user is {role:?}")
        })?;
        Ok(())
    }

    /// The admin log of the steps above; returns how many events it shows.
    async fn admin_log(&mut self) -> Result<usize, CliError> {
        self.step("The admin log of what just happened");
        let log = self.client.get_admin_log(LOUNGE).limit(4).await?;
        for e in &log {
            println!(
                "    #{:<5} {} {}",
                e.id,
                rfc3339(e.date),
                ferrogram_tl_types::name_of(e.action.constructor_id())
                    .unwrap_or("?")
                    .trim_start_matches("channelAdminLogEventAction")
            );
        }
        let bans = self
            .client
            .get_admin_log(LOUNGE)
            .filter(AdminLogFilter::new().promote(true))
            .limit(1)
            .await?;
        check(
            log.len() == 4
                && log.iter().all(|e| e.user_id == self.me.id)
                && log[..3].iter().all(|e| e.changed_restrictions())
                && log[3].changed_admin()
                && bans.first().is_some_and(|e| e.id == log[3].id),
            || "kick (ban, unban), restriction and promotion are logged in order".into(),
        )?;
        Ok(log.len())
    }

    /// An invite link that needs approval: a newcomer asks, the owner sees
    /// the request and lets them in.
    async fn join_request(&mut self) -> Result<(), CliError> {
        self.step("A join request through an invite link, approved, and a member tag");
        let link = self
            .client
            .create_invite_link(
                LOUNGE,
                InviteLinkOptions::new()
                    .title("newcomers")
                    .request_needed(true)
                    .expires_in(Duration::from_secs(7 * 86_400)),
            )
            .await?;
        println!("    link {} (approval needed)", link.link);
        let (nora, id) = welcome::new_user(&self.server, "Nora", "Newcomer", "9996620777").await?;
        let asked = nora
            .accept_invite(&link.link)
            .await
            .map_err(ChatError::from);
        check(matches!(asked, Err(ChatError::JoinRequestSent(_))), || {
            format!("opening the link files a request: {asked:?}")
        })?;
        println!("    Nora Newcomer opened it: Error::JoinRequestSent (INVITE_REQUEST_SENT)");
        let pending = self.client.iter_join_requests(LOUNGE).await?;
        for r in &pending.items {
            println!(
                "    waiting: {} since {}",
                r.user.as_ref().map(name).unwrap_or_default(),
                rfc3339(r.date)
            );
        }
        self.client.decide_join_request(LOUNGE, id, true).await?;
        // Layer 223's member tags: the newcomer gets one.
        self.client.set_rank(LOUNGE, id, "Newcomer").await?;
        let role = self.server.participant_role("ferrogram_lounge", id);
        let after = self.client.get_invite_link(LOUNGE, &link.link).await?;
        let tagged = self
            .client
            .get_participants(LOUNGE)
            .search("Nora")
            .await?
            .items
            .into_iter()
            .find(|p| p.user.id == id)
            .and_then(|p| p.rank);
        println!(
            "    approved: now {} tagged {:?}; the link admitted {}, {} waiting",
            role.map_or("?", ferrogram_testserver::Role::name),
            tagged.as_deref().unwrap_or(""),
            after.usage,
            after.pending_requests
        );
        check(
            pending.total == 1
                && role == Some(ferrogram_testserver::Role::Member)
                && tagged.as_deref() == Some("Newcomer")
                && after.usage == 1
                && after.pending_requests == 0,
            || "one request, approved, counted as a use of the link".into(),
        )
    }

    async fn typing(&mut self) -> Result<(), CliError> {
        self.step("Typing in the group");
        let typing = self
            .client
            .action(LOUNGE, "typing")
            .delay(Duration::from_millis(400))
            .await?;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let sent = typing.times_sent();
        typing.finish().await?;
        println!("    \"typing\" sent {sent} times in 1 s, then cancelled");
        check(sent >= 2, || format!("typing was sent {sent} times"))?;
        Ok(())
    }

    /// Returns how many photos there are.
    async fn photos(&mut self) -> Result<usize, CliError> {
        self.step("Profile photos");
        for shade in [0x40u8, 0xc0] {
            self.client.upload_profile_photo(&[shade; 4096]).await?;
        }
        let photos = self.client.get_profile_photos("me").await?;
        for p in &photos.items {
            println!(
                "    photo {} from {} on DC {}",
                p.id,
                crate::output::unix(p.date),
                p.dc_id
            );
        }
        check(photos.total == 2, || format!("{} photos", photos.total))?;
        Ok(photos.total)
    }

    /// Returns how many graphs were drawn.
    async fn stats(&mut self) -> Result<usize, CliError> {
        self.step(&format!("Statistics of {NEWS} (through the stats DC)"));
        let stats = self.client.get_stats(NEWS).await?;
        for (k, v) in crate::commands::stats_summary(&stats).iter().take(6) {
            println!("    {} {v}", cell(k, 20));
        }
        let svg = crate::commands::stats_svg(&stats, &self.out)?;
        let growth = self.out.join("growth_graph.svg");
        println!(
            "    wrote {} graphs, growth: {}",
            svg.len(),
            growth.display()
        );
        check(
            matches!(stats, Stats::Broadcast(_)) && growth.exists(),
            || "broadcast stats with a growth graph".into(),
        )?;
        Ok(svg.len())
    }
}
