//! [`TestServerBuilder`]: the DCs, key, clock, fixture and chats of a server,
//! and starting it (seeding the world, binding every DC, accepting connections).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use ferrogram_mtproto::handshake::ServerConfig;
use ferrogram_mtproto::rsa::{RsaPrivateKey, test_server_key};
use ferrogram_mtproto::srp::{SrpParams, verifier};
use ferrogram_mtproto::testing::SeededRng;
use rand_core::{OsRng, RngCore};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::counters::Counters;
#[cfg(feature = "request-log")]
use crate::log;
use crate::shared::{DcAddr, ResultCache, Shared};
use crate::world::{self, World};
use crate::{
    Clock, DEFAULT_MEMBERS, DEFAULT_USER_PASSWORD, DEFAULT_USER_PHONE, Error, Faults, TestServer,
    UserCredentials, conn, fixture, spec,
};

/// Configures a [`TestServer`].
pub struct TestServerBuilder {
    dcs: Vec<i32>,
    home_dc: i32,
    listen: SocketAddr,
    rsa_key: Option<RsaPrivateKey>,
    seed: Option<u64>,
    clock: Clock,
    default_world: bool,
    members: usize,
    chats: Vec<spec::ChatSpec>,
    log: Option<Box<dyn std::io::Write + Send>>,
    fixture: Option<fixture::Fixture>,
    retention: Option<usize>,
    event_retention: Option<usize>,
}

impl Default for TestServerBuilder {
    fn default() -> Self {
        Self {
            dcs: vec![1, 2, 3],
            home_dc: 2,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            rsa_key: None,
            seed: None,
            clock: Clock::real(),
            default_world: true,
            members: DEFAULT_MEMBERS,
            chats: Vec::new(),
            log: None,
            fixture: None,
            retention: None,
            event_retention: None,
        }
    }
}

impl std::fmt::Debug for TestServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServerBuilder")
            .field("dcs", &self.dcs)
            .field("home_dc", &self.home_dc)
            .field("listen", &self.listen)
            .field("seed", &self.seed)
            .field("default_world", &self.default_world)
            .field("log", &self.log.is_some())
            .finish_non_exhaustive()
    }
}

impl TestServerBuilder {
    /// The DC ids to serve (default 1, 2, 3); each listens on its own port.
    pub fn dcs(mut self, ids: impl IntoIterator<Item = i32>) -> Self {
        self.dcs = ids.into_iter().collect();
        self
    }

    /// The DC clients connect to first and where the default accounts live
    /// (default 2, like Telegram's test DC).
    pub fn home_dc(mut self, id: i32) -> Self {
        self.home_dc = id;
        self
    }

    /// Where the home DC listens (default `127.0.0.1:0`, an ephemeral port). The
    /// other DCs always take ephemeral ports on the same IP.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// The server's RSA key (default: the fixed test key of
    /// [`ferrogram_mtproto::rsa::test_server_key`], so debug-build tests never
    /// generate one).
    pub fn rsa_key(mut self, key: RsaPrivateKey) -> Self {
        self.rsa_key = Some(key);
        self
    }

    /// Reads the RSA private key from a PEM file.
    pub fn rsa_key_file(mut self, path: &Path) -> Result<Self, Error> {
        let err = |reason: String| Error::RsaKey {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        self.rsa_key = Some(RsaPrivateKey::from_pem(&pem).map_err(|e| err(e.to_string()))?);
        Ok(self)
    }

    /// Seeds the server's randomness (nonces, salts, padding), for reproducible
    /// runs. Default: a seed from the OS generator.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The clock to use (tests keep a clone to advance it).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Writes one JSON line per decoded request to `path` (created or truncated):
    /// `{"dc":2,"session":..,"msg_id":..,"method":"channels.getParticipants","params":{"_":"channels.getParticipants",..}}`,
    /// the parameters as `ferrogram-tl-types`' `serde` feature writes them,
    /// secrets (tokens, codes, passwords, SRP values, raw bytes) redacted. Needs
    /// the `request-log` feature (on by default).
    #[cfg(feature = "request-log")]
    pub fn log_requests(mut self, path: &Path) -> Result<Self, Error> {
        let file = std::fs::File::create(path).map_err(|e| {
            Error::Config(format!("cannot create request log {}: {e}", path.display()))
        })?;
        self.log = Some(Box::new(std::io::BufWriter::new(file)));
        Ok(self)
    }

    /// Like [`Self::log_requests`], to any writer.
    #[cfg(feature = "request-log")]
    pub fn log_requests_to(mut self, out: Box<dyn std::io::Write + Send>) -> Self {
        self.log = Some(out);
        self
    }

    /// Loads a JSON fixture file (accounts, fault knobs, migrations; the format is
    /// documented in the crate README and [`Self::fixture_json`]).
    pub fn fixture(self, path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Fixture {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        self.fixture_json_named(&text, &path.display().to_string())
    }

    /// Loads a fixture from a JSON string:
    ///
    /// ```json
    /// {
    ///   "users": [{"first_name": "Grace", "last_name": "Hopper", "phone": "9996627777",
    ///              "username": "grace", "password": "secret"}],
    ///   "bots": [{"name": "Helper Bot", "username": "helper_bot"}],
    ///   "faults": {
    ///     "drop_connection_after": 3,
    ///     "drop_connection_every": 500,
    ///     "drop_connections_randomly": {"seed": 1, "probability": 0.1},
    ///     "delay_replies_ms": 50,
    ///     "force_bad_server_salt": 1,
    ///     "flood_wait": [{"method": "messages.sendMessage", "seconds": 5, "times": 2}],
    ///     "rate_limit": [{"method": "channels.editBanned", "requests": 30, "window_secs": 1}],
    ///     "duplicate_replies": 1,
    ///     "corrupt_frames": 1,
    ///     "drop_updates": 1,
    ///     "hostile": {"kind": "garbage_frame", "times": 1},
    ///     "bad_msg_notifications": {"code": 32, "times": 1}
    ///   },
    ///   "migrate": [{"username": "grace", "dc": 1}]
    /// }
    /// ```
    ///
    /// Every key is optional and unknown keys are errors. Users live on the DC
    /// their phone names (`99966X…` → DC X) or the home DC; login codes follow
    /// [`world::login_code`]; a missing `times` means "until cleared". The
    /// accounts are listed, with bot tokens and codes, in [`TestServer::info`].
    pub fn fixture_json(self, json: &str) -> Result<Self, Error> {
        self.fixture_json_named(json, "<string>")
    }

    fn fixture_json_named(mut self, json: &str, name: &str) -> Result<Self, Error> {
        self.fixture = Some(fixture::parse(json).map_err(|reason| Error::Fixture {
            path: name.to_owned(),
            reason,
        })?);
        Ok(self)
    }

    /// How many synthetic members the default supergroup gets (default
    /// [`DEFAULT_MEMBERS`]; a fifth of them also subscribe to the channel).
    pub fn members(mut self, n: usize) -> Self {
        self.members = n;
        self
    }

    /// Adds a chat to the world (after the default world and the fixture's
    /// accounts and chats, so it may name any of their usernames).
    pub fn chat(mut self, spec: spec::ChatSpec) -> Self {
        self.chats.push(spec);
        self
    }

    /// Keeps only the latest `n` messages of each chat and mailbox (at
    /// least 1). Telegram keeps every message: this is for long runs (the
    /// soak) that would otherwise see the server's memory grow with what it
    /// stores, not with a leak. A client more than `n` messages behind no
    /// longer finds the oldest in a history or difference.
    pub fn message_retention(mut self, n: usize) -> Self {
        self.retention = Some(n.max(1));
        self
    }

    /// Keeps only the latest `n` admin-log events of each chat and the
    /// latest `n` qts updates (bots' membership updates) of each mailbox (at
    /// least 1; otherwise Telegram's 48 hours of admin log, and 10,000 qts
    /// updates here). For long runs, as [`Self::message_retention`].
    pub fn event_retention(mut self, n: usize) -> Self {
        self.event_retention = Some(n.max(1));
        self
    }

    /// Starts with no accounts at all instead of the default user and bot.
    pub fn empty_world(mut self) -> Self {
        self.default_world = false;
        self
    }

    /// Binds every DC and starts serving.
    pub async fn start(self) -> Result<TestServer, Error> {
        if self.dcs.is_empty() || !self.dcs.contains(&self.home_dc) {
            return Err(Error::Config(format!(
                "home DC {} is not among the DCs {:?}",
                self.home_dc, self.dcs
            )));
        }
        let mut rng = SeededRng::new(self.seed.unwrap_or_else(|| OsRng.next_u64()));
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        let mut salt_secret = [0u8; 32];
        rng.fill_bytes(&mut salt_secret);
        let mut seeded = self.seed_world(World::new(secret, self.home_dc), &mut rng)?;
        if self.retention.is_some() || self.event_retention.is_some() {
            seeded
                .world
                .set_retention(self.retention, self.event_retention);
        }
        let listeners = bind(&self.dcs, self.home_dc, self.listen).await?;
        let dcs: Vec<DcAddr> = listeners.iter().map(|(d, _)| *d).collect();
        let shared = Arc::new(Shared {
            config: ServerConfig::new(self.rsa_key.unwrap_or_else(test_server_key)),
            clock: self.clock,
            counters: Counters::default(),
            faults: Faults::default(),
            world: Mutex::new(seeded.world),
            dcs: Mutex::new(dcs.clone()),
            salt_secret,
            keys: Mutex::new(HashMap::new()),
            sessions: Mutex::default(),
            results: Mutex::new(ResultCache::default()),
            subscribers: Mutex::new(HashMap::new()),
            key_use: Mutex::default(),
            rng: Mutex::new(rng),
            #[cfg(feature = "request-log")]
            log: self.log.map(log::RequestLog::new),
            next_conn: AtomicU64::new(1),
        });
        for f in &seeded.faults {
            f.apply(&shared.faults);
        }
        let (shutdown, _) = watch::channel(false);
        let tasks = listeners
            .into_iter()
            .map(|(dc, listener)| {
                accept_loop(shared.clone(), dc.id, listener, shutdown.subscribe())
            })
            .collect();
        Ok(TestServer {
            shared,
            dcs,
            home_dc: self.home_dc,
            user: seeded.user,
            bot_token: seeded.bot_token,
            accounts: seeded.accounts,
            shutdown,
            tasks,
        })
    }

    /// The world this builder describes: the default user and bot (unless
    /// empty), the fixture's accounts, migrations and chats, the Rust-built chats.
    fn seed_world(&self, mut world: World, rng: &mut SeededRng) -> Result<Seeded, Error> {
        let mut user = None;
        let mut bot_token = None;
        if self.default_world {
            let (u, b) = seed_default_world(
                &mut world,
                self.home_dc,
                rng,
                self.clock.unix(),
                self.members,
            );
            user = Some(u);
            bot_token = Some(b);
        }
        let mut accounts = Vec::new();
        let mut faults = Vec::new();
        if let Some(fx) = &self.fixture {
            accounts = self.add_fixture_accounts(&mut world, fx, rng)?;
            faults = fx.faults.clone();
        }
        let default_creator = user
            .as_ref()
            .map(|u: &UserCredentials| u.id)
            .or_else(|| accounts.first().copied());
        let fixture_chats = self.fixture.iter().flat_map(|fx| fx.chats.iter());
        for (i, spec) in fixture_chats.enumerate() {
            spec::apply(&mut world, spec, default_creator, self.clock.unix())
                .map_err(|e| fixture_error(format!("chats[{i}]: {e}")))?;
        }
        for spec in &self.chats {
            spec::apply(&mut world, spec, default_creator, self.clock.unix())
                .map_err(|e| Error::Config(format!("chat {:?}: {e}", spec.title)))?;
        }
        Ok(Seeded {
            world,
            user,
            bot_token,
            accounts,
            faults,
        })
    }

    /// The fixture's users and bots (their ids, in order) and its migrations.
    fn add_fixture_accounts(
        &self,
        world: &mut World,
        fx: &fixture::Fixture,
        rng: &mut SeededRng,
    ) -> Result<Vec<i64>, Error> {
        let mut accounts = Vec::new();
        for u in &fx.users {
            let phone = world::normalize_phone(&u.phone);
            if world.phones.contains_key(&phone) {
                return Err(fixture_error(format!("phone {phone} is used twice")));
            }
            let dc = world::phone_dc(&phone)
                .filter(|d| self.dcs.contains(d))
                .unwrap_or(self.home_dc);
            let id = world.create_account(&u.first_name, &u.last_name, Some(&phone), false, dc);
            set_username(world, id, u.username.as_deref())?;
            if let Some(pw) = &u.password {
                set_password(world, id, pw, "", rng);
            }
            accounts.push(id);
        }
        for b in &fx.bots {
            let id = world.create_account(&b.name, "", None, true, self.home_dc);
            set_username(world, id, b.username.as_deref())?;
            accounts.push(id);
        }
        for (username, dc) in &fx.migrate {
            if !self.dcs.contains(dc) {
                return Err(fixture_error(format!("migrate: DC {dc} is not served")));
            }
            let Some(a) = world.accounts.values_mut().find(|a| {
                a.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(username))
            }) else {
                return Err(fixture_error(format!("migrate: no account @{username}")));
            };
            a.home_dc = *dc;
        }
        Ok(accounts)
    }
}

/// What [`TestServerBuilder::seed_world`] made.
struct Seeded {
    world: World,
    user: Option<UserCredentials>,
    bot_token: Option<String>,
    accounts: Vec<i64>,
    faults: Vec<fixture::FaultSetting>,
}

/// Binds every DC: the home DC on `listen`, the others on ephemeral ports of
/// the same IP.
async fn bind(
    dcs: &[i32],
    home_dc: i32,
    listen: SocketAddr,
) -> Result<Vec<(DcAddr, TcpListener)>, Error> {
    let mut listeners = Vec::new();
    for &id in dcs {
        let addr = if id == home_dc {
            listen
        } else {
            SocketAddr::new(listen.ip(), 0)
        };
        let l = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let local = l
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        listeners.push((DcAddr { id, addr: local }, l));
    }
    Ok(listeners)
}

/// Accepts connections to DC `dc` until the server stops, serving each on its
/// own task.
fn accept_loop(
    shared: Arc<Shared>,
    dc: i32,
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    shared.counters.connection(dc);
                    let shared = shared.clone();
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        conn::serve(shared.clone(), dc, stream, stop).await;
                        shared.counters.closed(dc);
                    });
                }
            }
        }
    })
}

fn fixture_error(reason: String) -> Error {
    Error::Fixture {
        path: "<fixture>".into(),
        reason,
    }
}

/// Gives an account a username, refusing one already taken.
fn set_username(world: &mut World, id: i64, username: Option<&str>) -> Result<(), Error> {
    let Some(name) = username else {
        return Ok(());
    };
    let name = name.trim_start_matches('@');
    let valid = (4..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    if !valid {
        return Err(fixture_error(format!("invalid username {name:?}")));
    }
    let taken = world.accounts.values().any(|a| {
        a.username
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(name))
    });
    if taken {
        return Err(fixture_error(format!("username @{name} is used twice")));
    }
    if let Some(a) = world.accounts.get_mut(&id) {
        a.username = Some(name.to_owned());
    }
    Ok(())
}

/// Creates the default accounts: a user with a 2FA password and a bot.
fn seed_default_world(
    world: &mut World,
    home_dc: i32,
    rng: &mut SeededRng,
    now: i32,
    members: usize,
) -> (UserCredentials, String) {
    let phone = format!("{}{}{}", world::TEST_PHONE_PREFIX, home_dc, "1234");
    let phone = if home_dc == 2 {
        DEFAULT_USER_PHONE.to_owned()
    } else {
        phone
    };
    let id = world.create_account("Ada", "Admin", Some(&phone), false, home_dc);
    if let Some(a) = world.accounts.get_mut(&id) {
        a.username = Some("ada_admin".into());
    }
    set_password(world, id, DEFAULT_USER_PASSWORD, "the project's name", rng);
    let bot = world.create_account("Ferrogram Test Bot", "", None, true, home_dc);
    if let Some(a) = world.accounts.get_mut(&bot) {
        a.username = Some("ferrogram_test_bot".into());
    }
    let token = world.accounts[&bot].bot_token.clone().unwrap_or_default();
    crate::seed::seed_default_chats(world, id, bot, now, members);
    (
        UserCredentials {
            id,
            code: world::login_code(&phone),
            phone,
            password: DEFAULT_USER_PASSWORD.into(),
        },
        token,
    )
}

/// Gives `user` a 2FA password (SRP parameters on Telegram's DH group, g = 3).
pub(crate) fn set_password(
    world: &mut World,
    user: i64,
    password: &str,
    hint: &str,
    rng: &mut SeededRng,
) {
    let mut salt1 = vec![0u8; 40];
    rng.fill_bytes(&mut salt1);
    let mut salt2 = vec![0u8; 16];
    rng.fill_bytes(&mut salt2);
    let params = SrpParams {
        salt1,
        salt2,
        g: 3,
        p: ferrogram_mtproto::telegram_dh_prime().to_bytes_be(),
    };
    let Ok(v) = verifier(&params, password.as_bytes()) else {
        return;
    };
    if let Some(a) = world.accounts.get_mut(&user) {
        a.password = Some(world::Password {
            params,
            verifier: v,
            hint: hint.to_owned(),
            set_at: 0,
        });
    }
}
