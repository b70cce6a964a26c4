//! A Telegram-compatible MTProto server on 127.0.0.1, for offline tests.
//!
//! Nobody can reach Telegram from a CI machine, and a bot's tests should not need
//! to. `ferrogram-testserver` speaks MTProto as Telegram does — every framing
//! (obfuscated included), auth-key creation, encrypted sessions with rotating
//! salts, containers, gzip, acks, `bad_server_salt`, `bad_msg_notification` — so
//! any client (ours, Telethon, grammers) can log in and work against it:
//!
//! - several DCs in one process sharing one world (`PHONE_MIGRATE_X`,
//!   `USER_MIGRATE_X`, `auth.exportAuthorization` / `auth.importAuthorization`);
//! - accounts: bots with tokens the server issues, users with documented login
//!   codes ([`world::login_code`]) and 2FA passwords checked with real SRP;
//! - private messages, `updates.getState` / `updates.getDifference` with real
//!   pts/qts/seq bookkeeping, updates pushed to every connected session;
//! - fault knobs ([`Faults`]), counters ([`CounterSnapshot`]) and a controllable
//!   clock ([`Clock`]), so tests can assert "executed exactly once" and "no second
//!   handshake" from the server's side without sleeping.
//!
//! It is built on the sans-IO server state machines of `ferrogram-mtproto` and
//! `ferrogram-transport`; it does not depend on the client.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ferrogram_testserver::Error> {
//! let server = ferrogram_testserver::TestServer::builder().start().await?;
//! let info = server.info();
//! println!("{} (DC {}), {} chats", info.addr, info.dc_id, info.chats.len());
//! // connect a client to server.addr() with server.rsa_public_key_pem() ...
//! # Ok(()) }
//! ```

pub mod chats;
mod clock;
mod conn;
mod counters;
mod faults;
mod fixture;
mod info;
#[cfg(feature = "request-log")]
mod log;
mod policy;
mod rpc;
mod seed;
mod shared;
pub mod spec;
mod stats;
mod view;
pub mod world;

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

pub use clock::Clock;
pub use counters::{CounterSnapshot, MethodCounts};
pub use faults::Faults;
pub use info::{AccountInfo, ChatInfo, Role, ServerInfo, UserCredentials};
pub use shared::{DcAddr, SALT_PERIOD_SECS};

use counters::Counters;
use shared::{ResultCache, Shared, lock};
use world::World;

/// Synthetic members of the default supergroup.
pub const DEFAULT_MEMBERS: usize = 3_000;

/// The phone number of the default user account.
pub const DEFAULT_USER_PHONE: &str = "9996621234";
/// The 2FA password of the default user account.
pub const DEFAULT_USER_PASSWORD: &str = "ferrogram-2fa";

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The RSA key file could not be read or parsed.
    #[error("RSA key {path}: {reason}")]
    RsaKey {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The fixture could not be read or is invalid.
    #[error("fixture {path}: {reason}")]
    Fixture {
        /// The file (or `<string>`).
        path: String,
        /// What is wrong, with the JSON path.
        reason: String,
    },
    /// The builder was given an inconsistent configuration.
    #[error("invalid configuration: {0}")]
    Config(String),
}

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
    ///     "duplicate_replies": 1,
    ///     "corrupt_frames": 1,
    ///     "drop_updates": 1
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
        let key = self.rsa_key.unwrap_or_else(test_server_key);
        let mut rng = SeededRng::new(self.seed.unwrap_or_else(|| OsRng.next_u64()));
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        let mut salt_secret = [0u8; 32];
        rng.fill_bytes(&mut salt_secret);
        let mut world = World::new(secret, self.home_dc);
        let mut user = None;
        let mut bot_token = None;
        if self.default_world {
            let (u, b) = seed_default_world(
                &mut world,
                self.home_dc,
                &mut rng,
                self.clock.unix(),
                self.members,
            );
            user = Some(u);
            bot_token = Some(b);
        }

        let mut accounts = Vec::new();
        let mut faults_to_apply = Vec::new();
        if let Some(fx) = &self.fixture {
            for u in &fx.users {
                let phone = world::normalize_phone(&u.phone);
                if world.phones.contains_key(&phone) {
                    return Err(fixture_error(format!("phone {phone} is used twice")));
                }
                let dc = world::phone_dc(&phone)
                    .filter(|d| self.dcs.contains(d))
                    .unwrap_or(self.home_dc);
                let id = world.create_account(&u.first_name, &u.last_name, Some(&phone), false, dc);
                set_username(&mut world, id, u.username.as_deref())?;
                if let Some(pw) = &u.password {
                    set_password(&mut world, id, pw, "", &mut rng);
                }
                accounts.push(id);
            }
            for b in &fx.bots {
                let id = world.create_account(&b.name, "", None, true, self.home_dc);
                set_username(&mut world, id, b.username.as_deref())?;
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
            faults_to_apply = fx.faults.clone();
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

        let mut listeners = Vec::new();
        for &id in &self.dcs {
            let addr = if id == self.home_dc {
                self.listen
            } else {
                SocketAddr::new(self.listen.ip(), 0)
            };
            let l = TcpListener::bind(addr)
                .await
                .map_err(|source| Error::Bind { addr, source })?;
            let local = l
                .local_addr()
                .map_err(|source| Error::Bind { addr, source })?;
            listeners.push((DcAddr { id, addr: local }, l));
        }
        let shared = Arc::new(Shared {
            config: ServerConfig::new(key),
            clock: self.clock,
            counters: Counters::default(),
            faults: Faults::default(),
            world: Mutex::new(world),
            dcs: Mutex::new(listeners.iter().map(|(d, _)| *d).collect()),
            salt_secret,
            keys: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            results: Mutex::new(ResultCache::default()),
            subscribers: Mutex::new(HashMap::new()),
            rng: Mutex::new(rng),
            #[cfg(feature = "request-log")]
            log: self.log.map(log::RequestLog::new),
            next_conn: AtomicU64::new(1),
        });
        for f in &faults_to_apply {
            f.apply(&shared.faults);
        }
        let (shutdown, _) = watch::channel(false);
        let mut tasks = Vec::new();
        let dcs: Vec<DcAddr> = listeners.iter().map(|(d, _)| *d).collect();
        for (dc, listener) in listeners {
            let shared = shared.clone();
            let mut stop = shutdown.subscribe();
            tasks.push(tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.changed() => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let _ = stream.set_nodelay(true);
                            shared.counters.connection(dc.id);
                            let shared = shared.clone();
                            let stop = stop.clone();
                            let dc = dc.id;
                            tokio::spawn(async move {
                                conn::serve(shared.clone(), dc, stream, stop).await;
                                shared.counters.closed(dc);
                            });
                        }
                    }
                }
            }));
        }
        Ok(TestServer {
            shared,
            dcs,
            home_dc: self.home_dc,
            user,
            bot_token,
            accounts,
            shutdown,
            tasks,
        })
    }
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
    seed::seed_default_chats(world, id, bot, now, members);
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
        p: ferrogram_mtproto::dh::telegram_dh_prime().to_bytes_be(),
    };
    let Ok(v) = verifier(&params, password.as_bytes()) else {
        return;
    };
    if let Some(a) = world.accounts.get_mut(&user) {
        a.password = Some(world::Password {
            params,
            verifier: v,
            hint: hint.to_owned(),
        });
    }
}

/// A running test server; dropping it stops every DC and closes every connection.
#[derive(Debug)]
pub struct TestServer {
    shared: Arc<Shared>,
    dcs: Vec<DcAddr>,
    home_dc: i32,
    user: Option<UserCredentials>,
    bot_token: Option<String>,
    /// Accounts the fixture made.
    accounts: Vec<i64>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// A builder with the defaults: DCs 1–3, home DC 2, ephemeral ports, the
    /// fixed test RSA key, the real clock, a default user and bot.
    pub fn builder() -> TestServerBuilder {
        TestServerBuilder::default()
    }

    /// The home DC's address.
    pub fn addr(&self) -> SocketAddr {
        self.dc_addr(self.home_dc).expect("home DC is served")
    }

    /// The home DC's id.
    pub fn dc_id(&self) -> i32 {
        self.home_dc
    }

    /// Every DC and its address.
    pub fn dcs(&self) -> &[DcAddr] {
        &self.dcs
    }

    /// The address of DC `id`.
    pub fn dc_addr(&self, id: i32) -> Option<SocketAddr> {
        self.dcs.iter().find(|d| d.id == id).map(|d| d.addr)
    }

    /// The server's RSA public key as a PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`).
    pub fn rsa_public_key_pem(&self) -> String {
        self.shared.config.key.public().to_pkcs1_pem()
    }

    /// The server's RSA private key (for clients in the same process that want
    /// the public half as a value).
    pub fn rsa_key(&self) -> &RsaPrivateKey {
        &self.shared.config.key
    }

    /// What the server has seen so far.
    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    /// The server's clock (clones share it).
    pub fn clock(&self) -> Clock {
        self.shared.clock.clone()
    }

    /// The fault knobs.
    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// The default bot's token (`None` with an empty world).
    pub fn bot_token(&self) -> Option<&str> {
        self.bot_token.as_deref()
    }

    /// The default user's sign-in data (`None` with an empty world).
    pub fn user(&self) -> Option<&UserCredentials> {
        self.user.as_ref()
    }

    /// Creates a user account (no password) and returns its id. Its login code
    /// follows [`world::login_code`].
    pub fn create_user(&self, first_name: &str, last_name: &str, phone: &str) -> i64 {
        let mut w = lock(&self.shared.world);
        let dc = world::phone_dc(phone)
            .filter(|d| self.dcs.iter().any(|x| x.id == *d))
            .unwrap_or(self.home_dc);
        w.create_account(first_name, last_name, Some(phone), false, dc)
    }

    /// The id of the account with this username, if any.
    pub fn user_id_by_username(&self, username: &str) -> Option<i64> {
        let name = username.trim_start_matches('@');
        lock(&self.shared.world)
            .accounts
            .values()
            .find(|a| {
                a.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(name))
            })
            .map(|a| a.id)
    }

    /// Creates a bot and returns its id and token.
    pub fn create_bot(&self, name: &str) -> (i64, String) {
        let mut w = lock(&self.shared.world);
        let id = w.create_account(name, "", None, true, self.home_dc);
        let token = w.accounts[&id].bot_token.clone().unwrap_or_default();
        (id, token)
    }

    /// Gives a user a 2FA password.
    pub fn set_password(&self, user: i64, password: &str) {
        let mut w = lock(&self.shared.world);
        let mut rng = lock(&self.shared.rng);
        set_password(&mut w, user, password, "", &mut rng);
    }

    /// Moves `user` to DC `dc`: requests it makes on another DC with its old
    /// authorization answer `USER_MIGRATE_{dc}`, and its sign-in is sent there.
    pub fn migrate_user(&self, user: i64, dc: i32) -> Result<(), Error> {
        if !self.dcs.iter().any(|d| d.id == dc) {
            return Err(Error::Config(format!("DC {dc} is not served")));
        }
        let mut w = lock(&self.shared.world);
        match w.accounts.get_mut(&user) {
            Some(a) => {
                a.home_dc = dc;
                Ok(())
            }
            None => Err(Error::Config(format!("no user {user}"))),
        }
    }

    /// Expires every file reference issued so far: requests carrying an old one
    /// answer `FILE_REFERENCE_EXPIRED` until the client fetches the file's
    /// owner (message, photo list, profile) again.
    pub fn expire_file_references(&self) {
        let mut w = lock(&self.shared.world);
        for p in w.photos.values_mut() {
            p.reference_epoch += 1;
        }
    }

    /// The ids of `user`'s profile photos, oldest first.
    pub fn profile_photos(&self, user: i64) -> Vec<i64> {
        lock(&self.shared.world)
            .profile_photos
            .get(&user)
            .cloned()
            .unwrap_or_default()
    }

    /// Moves a stored photo to DC `dc` (downloads elsewhere answer `FILE_MIGRATE_X`).
    pub fn move_photo(&self, photo: i64, dc: i32) {
        if let Some(p) = lock(&self.shared.world).photos.get_mut(&photo) {
            p.dc = dc;
        }
    }

    /// The role of `user` in the chat with this username, or None if never a
    /// participant (or no such chat).
    pub fn participant_role(&self, chat_username: &str, user: i64) -> Option<Role> {
        let w = lock(&self.shared.world);
        let chat = w
            .chats
            .values()
            .find(|c| c.username.as_deref() == Some(chat_username))?;
        Some(match chat.participant(user)?.role {
            chats::Role::Creator { .. } => Role::Creator,
            chats::Role::Admin { .. } => Role::Admin,
            chats::Role::Member => Role::Member,
            chats::Role::Restricted { .. } => Role::Restricted,
            chats::Role::Banned { .. } => Role::Banned,
            chats::Role::Left => Role::Left,
        })
    }

    /// The user id an account's phone number belongs to.
    pub fn user_id_by_phone(&self, phone: &str) -> Option<i64> {
        lock(&self.shared.world)
            .phones
            .get(&world::normalize_phone(phone))
            .copied()
    }

    /// The texts of the private chat between `user` and `peer`, oldest first, as
    /// `user`'s mailbox holds them (for tests to compare with what a client read).
    pub fn messages(&self, user: i64, peer: i64) -> Vec<String> {
        let w = lock(&self.shared.world);
        w.mailboxes
            .get(&user)
            .map(|m| {
                m.messages
                    .values()
                    .filter(|x| x.peer == peer)
                    .map(|x| x.text.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What a client needs to use this server: addresses, key, accounts,
    /// chats. The binary prints it as one JSON line when ready.
    pub fn info(&self) -> ServerInfo {
        let w = lock(&self.shared.world);
        let accounts = self
            .accounts
            .iter()
            .filter_map(|id| w.accounts.get(id))
            .map(|a| AccountInfo {
                bot: a.bot,
                bot_token: a.bot_token.clone(),
                code: a.phone.as_deref().map(world::login_code),
                dc: a.home_dc,
                id: a.id,
                phone: a.phone.clone(),
                username: a.username.clone(),
            })
            .collect();
        let chats = w
            .chats
            .values()
            .map(|c| ChatInfo {
                id: c.id,
                kind: c.kind,
                marked_id: c.marked_id(),
                members: c.count_members(),
                title: c.title.clone(),
                username: c.username.clone(),
            })
            .collect();
        ServerInfo {
            accounts,
            addr: self.addr(),
            bot_token: self.bot_token.clone(),
            chats,
            dc_id: self.home_dc,
            dcs: self.dcs.clone(),
            rsa_public_key_pem: self.rsa_public_key_pem(),
            user: self.user.clone(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        for t in &self.tasks {
            t.abort();
        }
    }
}
