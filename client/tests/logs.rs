//! What the client logs: `tracing` spans for connects, handshakes, requests and
//! retries, and never a secret (bot token, login code, 2FA password, api_hash,
//! auth key) in a log line or a `Debug` output.
//!
//! One test in its own binary, because it installs a process-wide subscriber that
//! records every span and event at every level.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrogram_client::{Client, Config};
use ferrogram_session::{MemorySession, Session};
use ferrogram_testserver::TestServer;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records every span (name and fields) and event as one text line each.
struct Capture {
    out: Arc<Mutex<String>>,
    next: AtomicU64,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}:", span.metadata().name());
        span.record(&mut Line(&mut line));
        line.push('\n');
        self.out.lock().unwrap().push_str(&line);
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed))
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = "record:".to_owned();
        values.record(&mut Line(&mut line));
        line.push('\n');
        self.out.lock().unwrap().push_str(&line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!(
            "event {} {}:",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Line(&mut line));
        line.push('\n');
        self.out.lock().unwrap().push_str(&line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

const API_HASH: &str = "5ecre7ap1ha5h0000000000000000000";
const PASSWORD: &str = "correct horse battery staple";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_cover_the_work_and_no_secret_is_ever_logged() {
    let out = Arc::new(Mutex::new(String::new()));
    tracing::subscriber::set_global_default(Capture {
        out: out.clone(),
        next: AtomicU64::new(1),
    })
    .unwrap();

    let server = TestServer::builder().start().await.unwrap();
    let phone = "15550173946";
    let user = server.create_user("Lena", "Logs", phone);
    server.set_password(user, PASSWORD);
    let code = "73946"; // the testserver's code: the last five digits
    let token = server.bot_token().unwrap().to_owned();

    let config = |session: Arc<dyn Session>| {
        let mut c = Config::new(777, API_HASH);
        c.session = session;
        c.server = Some((server.addr(), server.dc_id()));
        c.rsa_keys = vec![server.rsa_key().public().clone()];
        c.request_timeout = Duration::from_secs(30);
        c
    };
    let user_session: Arc<dyn Session> = Arc::new(MemorySession::new());
    let client = Client::connect(config(user_session.clone())).await.unwrap();
    let login = client.request_login_code(phone).await.unwrap();
    let e = client.sign_in(&login, code).await.unwrap_err();
    assert!(e.is("SESSION_PASSWORD_NEEDED"), "{e}");
    let wrong = client.check_password("not it").await.unwrap_err();
    assert!(wrong.is("PASSWORD_HASH_INVALID"), "{wrong}");
    client.check_password(PASSWORD).await.unwrap();
    // A retry: FLOOD_WAIT_1 slept through.
    server.faults().flood_wait("users.getUsers", 1, Some(1));
    client.get_me().await.unwrap();

    let bot_session: Arc<dyn Session> = Arc::new(MemorySession::new());
    let bot = Client::connect(config(bot_session.clone())).await.unwrap();
    bot.sign_in_bot(&token).await.unwrap();
    assert!(bot.sign_in_bot("1:wrongwrongwrongwrong").await.is_err());

    let user_key = user_session.auth_key(server.dc_id()).unwrap();
    let bot_key = bot_session.auth_key(server.dc_id()).unwrap();
    let debug_outputs = [
        format!("{client:?}"),
        format!("{bot:?}"),
        format!("{login:?}"),
        format!("{:?}", config(user_session.clone())),
        format!("{user_session:?}"),
        format!("{:?}", user_session.snapshot()),
        format!("{e:?} {wrong:?}"),
    ];
    drop(client);
    drop(bot);
    let log = out.lock().unwrap().clone();

    // The spans are there, with what they are about.
    for needle in [
        "span connect:",
        "span connection:",
        "span handshake:",
        "span connection task:",
        "span invoke:",
        "method=\"auth.signIn\"",
        "method=\"auth.checkPassword\"",
        "span request:",
        "span check_password:",
        "span sign_in_bot:",
        "sleeping through FLOOD_WAIT",
        "auth key created",
        "request failed",
    ] {
        assert!(log.contains(needle), "no {needle:?} in the log:\n{log}");
    }

    // And no secret, in the log or in any Debug output.
    let quoted_code = format!("{code:?}");
    let secrets: Vec<(&str, String)> = vec![
        ("bot token", token.clone()),
        (
            "bot token secret",
            token.split(':').nth(1).unwrap().to_owned(),
        ),
        ("login code", quoted_code),
        ("password", PASSWORD.to_owned()),
        ("wrong password", "not it".to_owned()),
        ("api_hash", API_HASH.to_owned()),
        ("user auth key (hex)", hex(&user_key[..16])),
        ("bot auth key (hex)", hex(&bot_key[..16])),
        (
            "user auth key (bytes)",
            format!("{:?}", &user_key[..8])
                .trim_matches(['[', ']'])
                .to_owned(),
        ),
        (
            "bot auth key (bytes)",
            format!("{:?}", &bot_key[..8])
                .trim_matches(['[', ']'])
                .to_owned(),
        ),
    ];
    for (what, secret) in &secrets {
        assert!(!log.contains(secret.as_str()), "the {what} is in the log");
        for d in &debug_outputs {
            assert!(
                !d.contains(secret.as_str()),
                "the {what} is in a Debug output: {d}"
            );
        }
    }
}
