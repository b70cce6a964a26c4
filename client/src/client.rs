//! `Client`: the handle a user holds.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ferrogram_mtproto::RsaPublicKey;
use ferrogram_session::{DcOption, MemorySession, Session};
use ferrogram_tl_types::{
    Deserializable, Peers, RemoteCall, Serializable, enums, functions, types,
};
use tokio::sync::{Mutex, broadcast};
use tracing::{info, warn};

use crate::sender::{self, ConnConfig, Framing, Sender};
use crate::updates::Signal;
use crate::{ConfigError, InvocationError};

/// Telegram's production DCs (IPv4, port 443), used when the session knows no
/// better and no server address is configured.
pub const PRODUCTION_DCS: [(i32, &str); 5] = [
    (1, "149.154.175.53:443"),
    (2, "149.154.167.51:443"),
    (3, "149.154.175.100:443"),
    (4, "149.154.167.91:443"),
    (5, "91.108.56.130:443"),
];

/// What `initConnection` tells the server about this app.
#[derive(Clone, Debug)]
pub struct DeviceInfo {
    /// `device_model`.
    pub device_model: String,
    /// `system_version`.
    pub system_version: String,
    /// `app_version`.
    pub app_version: String,
    /// `system_lang_code`.
    pub system_lang_code: String,
    /// `lang_code`.
    pub lang_code: String,
}

impl Default for DeviceInfo {
    fn default() -> Self {
        Self {
            device_model: "Ferrogram".into(),
            system_version: std::env::consts::OS.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            system_lang_code: "en".into(),
            lang_code: "en".into(),
        }
    }
}

/// How to connect. `Config::new(api_id, api_hash)` fills in the defaults.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The app's api_id.
    pub api_id: i32,
    /// The app's api_hash.
    pub api_hash: String,
    /// Where auth keys, the home DC and the peer cache live (default: memory).
    pub session: Arc<dyn Session>,
    /// The framing of every connection (default: obfuscated intermediate).
    pub framing: Framing,
    /// A server to use instead of Telegram's (a testserver, a private deployment):
    /// its address and DC id. The other DCs are learned from `help.getConfig`.
    pub server: Option<(SocketAddr, i32)>,
    /// Extra RSA keys to accept (Telegram's production and test keys are built in).
    pub rsa_keys: Vec<RsaPublicKey>,
    /// FLOOD_WAIT up to this long is slept through; longer ones are returned.
    pub flood_sleep_threshold: Duration,
    /// How often a request is retried after FLOOD_WAIT or a DC migration.
    pub retries: u32,
    /// How long a request may wait for its answer (more than zero).
    pub request_timeout: Duration,
    /// How long connecting (TCP and handshake) may take (more than zero).
    pub connect_timeout: Duration,
    /// Reconnect attempts (with backoff) before requests fail with an I/O error.
    pub reconnect_attempts: u32,
    /// Keep-alive period (`ping_delay_disconnect`), from 1 second to 1 day.
    pub ping_interval: Duration,
    /// A borrowed connection to another DC (files, stats) closes after idling this long.
    pub borrowed_idle_timeout: Duration,
    /// The largest file a download accepts, in bytes (downloads are kept in
    /// memory); a bigger one is [`InvocationError::FileTooLarge`] before or as
    /// soon as it shows. 2 GiB by default.
    pub max_download_size: usize,
    /// Connect through this SOCKS5 proxy.
    pub proxy: Option<crate::Socks5Proxy>,
    /// The local address connections leave from (a machine with several,
    /// or workers on one machine that Telegram must tell apart); any by
    /// default.
    pub local_addr: Option<std::net::IpAddr>,
    /// What `initConnection` says.
    pub device: DeviceInfo,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The api_hash is a credential: never printed.
        f.debug_struct("Config")
            .field("api_id", &self.api_id)
            .field("api_hash", &"<redacted>")
            .field("session", &self.session)
            .field("framing", &self.framing)
            .field("server", &self.server)
            .field("rsa_keys", &self.rsa_keys.len())
            .field("flood_sleep_threshold", &self.flood_sleep_threshold)
            .field("retries", &self.retries)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("reconnect_attempts", &self.reconnect_attempts)
            .field("ping_interval", &self.ping_interval)
            .field("borrowed_idle_timeout", &self.borrowed_idle_timeout)
            .field("max_download_size", &self.max_download_size)
            .field("proxy", &self.proxy)
            .field("local_addr", &self.local_addr)
            .field("device", &self.device)
            .finish()
    }
}

impl Config {
    /// The durations `connect` refuses: a zero timeout, and a keep-alive period
    /// outside 1 s..=1 day (tokio's interval cannot tick every 0 s, and
    /// `ping_delay_disconnect` takes the delay as an `int` of seconds).
    fn check_durations(&self) -> Result<(), ConfigError> {
        let nonzero = |field, value: Duration| {
            if value.is_zero() {
                Err(ConfigError::Duration {
                    field,
                    value,
                    allowed: "more than zero",
                })
            } else {
                Ok(())
            }
        };
        nonzero("request_timeout", self.request_timeout)?;
        nonzero("connect_timeout", self.connect_timeout)?;
        if !(Duration::from_secs(1)..=Duration::from_secs(86_400)).contains(&self.ping_interval) {
            return Err(ConfigError::Duration {
                field: "ping_interval",
                value: self.ping_interval,
                allowed: "from 1 second to 1 day",
            });
        }
        Ok(())
    }

    /// A configuration with the defaults: memory session, obfuscated intermediate
    /// framing, Telegram's servers, FLOOD_WAIT up to 60 s slept through, 5
    /// retries, 60 s request timeout.
    pub fn new(api_id: i32, api_hash: impl Into<String>) -> Self {
        Self {
            api_id,
            api_hash: api_hash.into(),
            session: Arc::new(MemorySession::new()),
            framing: Framing::default(),
            server: None,
            rsa_keys: Vec::new(),
            flood_sleep_threshold: Duration::from_secs(60),
            retries: 5,
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            reconnect_attempts: 5,
            ping_interval: Duration::from_secs(60),
            borrowed_idle_timeout: Duration::from_secs(60),
            max_download_size: 2 << 30,
            proxy: None,
            local_addr: None,
            device: DeviceInfo::default(),
        }
    }

    /// Builder: where auth keys, the home DC and the peer cache live.
    pub fn session(mut self, session: Arc<dyn Session>) -> Self {
        self.session = session;
        self
    }

    /// Builder: a server to use instead of Telegram's, with its DC id.
    pub fn server(mut self, addr: SocketAddr, dc: i32) -> Self {
        self.server = Some((addr, dc));
        self
    }

    /// Builder: one more RSA key to accept.
    pub fn rsa_key(mut self, key: RsaPublicKey) -> Self {
        self.rsa_keys.push(key);
        self
    }

    /// Builder: the framing of every connection.
    pub fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    /// Builder: FLOOD_WAITs up to this long are slept through.
    pub fn flood_sleep_threshold(mut self, threshold: Duration) -> Self {
        self.flood_sleep_threshold = threshold;
        self
    }

    /// Builder: how long a request may wait for its answer.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Builder: connect through this SOCKS5 proxy.
    pub fn proxy(mut self, proxy: crate::Socks5Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// Builder: connections leave from this local address.
    pub fn local_addr(mut self, addr: std::net::IpAddr) -> Self {
        self.local_addr = Some(addr);
        self
    }

    /// Builder: what `initConnection` says about this device and app.
    pub fn device(mut self, device: DeviceInfo) -> Self {
        self.device = device;
        self
    }
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    conn: Arc<ConnConfig>,
    pub(crate) senders: Mutex<HashMap<i32, Sender>>,
    /// DCs other than home where this process imported the authorization.
    pub(crate) authorized: Mutex<std::collections::HashSet<i32>>,
    /// Held while the home DC moves (`migration.rs`).
    pub(crate) migration: Mutex<()>,
    pub(crate) home_dc: std::sync::atomic::AtomicI32,
    updates: broadcast::Sender<Signal>,
    pub(crate) self_id: std::sync::Mutex<Option<i64>>,
    /// The sightings already saved to the session, so repeats skip it.
    saved_peers: crate::saved_peers::SavedPeers,
    /// The FLOOD_WAITs slept through (`flood.rs`).
    pub(crate) flood: crate::flood::FloodCounter,
    /// Closed by [`Client::close`]: no new connection is opened.
    pub(crate) closed: std::sync::atomic::AtomicBool,
}

/// A connected Telegram client. Clones share the connections.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_id", &self.inner.config.api_id)
            .field("home_dc", &self.home_dc())
            .finish_non_exhaustive()
    }
}

fn init_request(config: &Config) -> Result<Vec<u8>, ferrogram_tl_types::TooLongError> {
    functions::InvokeWithLayer {
        layer: ferrogram_tl_types::LAYER,
        query: functions::InitConnection {
            api_id: config.api_id,
            device_model: config.device.device_model.as_str().into(),
            system_version: config.device.system_version.as_str().into(),
            app_version: config.device.app_version.as_str().into(),
            system_lang_code: config.device.system_lang_code.as_str().into(),
            lang_pack: Default::default(),
            lang_code: config.device.lang_code.as_str().into(),
            proxy: None,
            params: None,
            query: functions::help::GetConfig {},
        },
    }
    .try_to_bytes()
}

impl Client {
    /// Connects to the home DC (creating an auth key if the session has none)
    /// and learns the DC options.
    #[tracing::instrument(name = "connect", skip_all, fields(server = ?config.server.map(|s| s.0), framing = ?config.framing))]
    pub async fn connect(config: Config) -> Result<Client, InvocationError> {
        if config.api_id == 0 || config.api_hash.is_empty() {
            return Err(InvocationError::Config(ConfigError::MissingApiCredentials));
        }
        config.check_durations().map_err(InvocationError::Config)?;
        let mut keys = vec![
            ferrogram_mtproto::rsa::telegram_production_key(),
            ferrogram_mtproto::rsa::telegram_test_key(),
        ];
        keys.extend(config.rsa_keys.iter().cloned());
        let conn = Arc::new(ConnConfig {
            framing: config.framing,
            rsa_keys: keys,
            connect_timeout: config.connect_timeout,
            reconnect_attempts: config.reconnect_attempts,
            ping_interval: config.ping_interval,
            proxy: config.proxy.clone(),
            local_addr: config.local_addr,
            init_request: init_request(&config)?,
        });
        let home = config
            .session
            .home_dc()
            .or(config.server.map(|(_, dc)| dc))
            .unwrap_or(2);
        let (updates, _) = broadcast::channel(1024);
        let client = Client {
            inner: Arc::new(Inner {
                config,
                conn,
                senders: Mutex::new(HashMap::new()),
                authorized: Mutex::new(std::collections::HashSet::new()),
                migration: Mutex::new(()),
                home_dc: std::sync::atomic::AtomicI32::new(home),
                updates,
                self_id: std::sync::Mutex::new(None),
                saved_peers: Default::default(),
                flood: Default::default(),
                closed: Default::default(),
            }),
        };
        // The connection sends initConnection first; this learns the DC options
        // (and proves the connection).
        let bytes = client
            .invoke_on(home, functions::help::GetConfig {}.to_bytes())
            .await?;
        let enums::Config::Config(cfg) = enums::Config::from_bytes(&bytes)?;
        client.save_dc_options(&cfg.dc_options)?;
        client.inner.config.session.set_home_dc(home)?;
        info!(home, dcs = cfg.dc_options.len(), "connected");
        Ok(client)
    }

    fn save_dc_options(&self, options: &[enums::DcOption]) -> Result<(), InvocationError> {
        let parsed: Vec<DcOption> = options
            .iter()
            .filter_map(|enums::DcOption::DcOption(o)| {
                if o.media_only || o.cdn || o.tcpo_only {
                    return None;
                }
                let ip = o.ip_address.parse().ok()?;
                Some(DcOption {
                    id: o.id,
                    addr: SocketAddr::new(ip, u16::try_from(o.port).ok()?),
                })
            })
            .collect();
        if !parsed.is_empty() {
            self.inner.config.session.set_dc_options(&parsed)?;
        }
        Ok(())
    }

    /// The largest download accepted ([`Config::max_download_size`]).
    pub fn max_download_size(&self) -> usize {
        self.inner.config.max_download_size
    }

    /// The DC the account lives on.
    pub fn home_dc(&self) -> i32 {
        self.inner.home_dc.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The session store.
    pub fn session(&self) -> &Arc<dyn Session> {
        &self.inner.config.session
    }

    pub(crate) fn subscribe_signals(&self) -> broadcast::Receiver<Signal> {
        self.inner.updates.subscribe()
    }

    /// The signed-in user's id (asked once, then remembered).
    pub async fn self_id(&self) -> Result<i64, InvocationError> {
        if let Some(id) = *self.inner.self_id.lock().unwrap_or_else(|e| e.into_inner()) {
            return Ok(id);
        }
        Ok(self.get_me().await?.id)
    }

    pub(crate) fn remember_self(&self, user: &types::User) {
        *self.inner.self_id.lock().unwrap_or_else(|e| e.into_inner()) = Some(user.id);
    }

    /// Adds users and chats seen in an answer or update to the peer cache.
    pub(crate) async fn save_peers_of(&self, users: &[enums::User], chats: &[enums::Chat]) {
        self.save_peers(users.iter(), chats.iter()).await;
    }

    /// Saves an answer's peers in one call to the session, on a blocking
    /// thread: a session on disk (SQLite) does file I/O there, never on the
    /// async worker threads. Awaited, so a peer is cached before the answer
    /// that carried it is returned. Sightings this client has already saved as
    /// they are skip all of it (`saved_peers`).
    async fn save_peers<'a>(
        &self,
        users: impl Iterator<Item = &'a enums::User>,
        chats: impl Iterator<Item = &'a enums::Chat>,
    ) {
        let unsaved = self.inner.saved_peers.unsaved(users, chats);
        if unsaved.peers.is_empty() {
            return;
        }
        let session = self.inner.config.session.clone();
        let saved = tokio::task::spawn_blocking(move || {
            let result = session.save_peers(&unsaved.peers);
            (unsaved.prints, result)
        })
        .await;
        match saved {
            Ok((prints, Ok(()))) => self.inner.saved_peers.remember(&prints),
            // The session may have rolled back more than this batch: forget
            // what it was told before, so nothing is skipped on a stale memo.
            Ok((_, Err(e))) => {
                self.inner.saved_peers.forget();
                warn!(error = %e, "could not save peers");
            }
            Err(e) => {
                self.inner.saved_peers.forget();
                warn!(error = %e, "the task saving peers failed");
            }
        }
    }

    fn dc_addr(&self, dc: i32) -> Result<SocketAddr, InvocationError> {
        let cfg = &self.inner.config;
        let options = cfg.session.dc_options();
        let ipv4 = options.iter().find(|o| o.id == dc && o.addr.is_ipv4());
        if let Some(o) = ipv4.or_else(|| options.iter().find(|o| o.id == dc)) {
            return Ok(o.addr);
        }
        if let Some((addr, id)) = cfg.server {
            if id == dc {
                return Ok(addr);
            }
            return Err(InvocationError::Config(ConfigError::UnknownDc(dc)));
        }
        PRODUCTION_DCS
            .iter()
            .find(|(id, _)| *id == dc)
            .and_then(|(_, a)| a.parse().ok())
            .ok_or(InvocationError::Config(ConfigError::UnknownDc(dc)))
    }

    async fn sender(&self, dc: i32) -> Result<Sender, InvocationError> {
        let mut senders = self.inner.senders.lock().await;
        if let Some(s) = senders.get(&dc) {
            return Ok(s.clone());
        }
        if self.inner.closed.load(std::sync::atomic::Ordering::Acquire) {
            return Err(InvocationError::Dropped);
        }
        let addr = self.dc_addr(dc)?;
        let idle = (dc != self.home_dc()).then_some(self.inner.config.borrowed_idle_timeout);
        // Boxed: opening a connection (a handshake, maybe) is the cold path,
        // and its state would otherwise make every request's future
        // kilobytes larger.
        let s = Box::pin(sender::spawn(
            dc,
            addr,
            self.inner.conn.clone(),
            self.inner.config.session.clone(),
            self.inner.updates.clone(),
            idle,
        ))
        .await?;
        senders.insert(dc, s.clone());
        Ok(s)
    }

    /// Sends raw bytes to DC `dc` once (no retry policy), bounded by the request
    /// timeout.
    #[tracing::instrument(name = "request", level = "debug", skip_all, fields(dc, method = method_name(&body)))]
    pub(crate) async fn invoke_on(
        &self,
        dc: i32,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, InvocationError> {
        // A request whose packet the framing cannot carry would break the
        // connection on every resend, forever: refused before it is queued.
        // The packet adds auth_key_id and msg_key (24 bytes), the 32-byte
        // header and at most 1024 bytes of padding.
        let overhead = 24 + 32 + *ferrogram_mtproto::session::PADDING.end();
        let max = self
            .inner
            .conn
            .framing
            .protocol
            .max_packet()
            .saturating_sub(overhead);
        if body.len() > max {
            return Err(InvocationError::Transport(
                ferrogram_transport::TransportError::TooLong {
                    len: body.len(),
                    max,
                },
            ));
        }
        // A store shared by several processes: only the lease's holder
        // may use the account (one auth key used from two places at once
        // is AUTH_KEY_DUPLICATED).
        if self.inner.closed.load(std::sync::atomic::Ordering::Acquire) {
            return Err(InvocationError::Dropped);
        }
        self.session().check_lease()?;
        let timeout = self.inner.config.request_timeout;
        for _ in 0..2 {
            let sender = self.sender(dc).await?;
            match tokio::time::timeout(timeout, sender.invoke(body.clone())).await {
                // A borrowed connection that closed after idling: open it again.
                Ok(Err(InvocationError::Dropped)) => {
                    self.inner.senders.lock().await.remove(&dc);
                    self.inner.authorized.lock().await.remove(&dc);
                }
                Ok(r) => return r,
                Err(_) => return Err(InvocationError::Timeout(timeout)),
            }
        }
        Err(InvocationError::Dropped)
    }

    /// Invokes a function on DC `dc` (a borrowed, authorized connection when it is
    /// not the home DC), with the FLOOD_WAIT policy of [`Client::invoke`].
    #[tracing::instrument(name = "invoke_in_dc", level = "debug", skip_all, fields(dc))]
    pub async fn invoke_in_dc<R: RemoteCall>(
        &self,
        dc: i32,
        request: &R,
    ) -> Result<R::Return, InvocationError> {
        if dc == self.home_dc() {
            return self.invoke(request).await;
        }
        self.authorize_dc(dc).await?;
        let body = request.try_to_bytes()?;
        let mut attempt = 0;
        loop {
            match self.invoke_on(dc, body.clone()).await {
                Ok(bytes) => {
                    let value = R::Return::from_bytes(&bytes)?;
                    self.cache_peers(&value).await;
                    return Ok(value);
                }
                Err(e) if attempt < self.inner.config.retries && self.flood_sleep(&e).await => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Invokes a function on the home DC.
    ///
    /// FLOOD_WAIT up to the configured threshold is slept through and the request
    /// retried; longer waits are returned. PHONE_MIGRATE, USER_MIGRATE and
    /// NETWORK_MIGRATE move the home DC (persisted) and retry there.
    #[tracing::instrument(name = "invoke", level = "debug", skip_all, fields(method = tracing::field::Empty))]
    pub async fn invoke<R: RemoteCall>(&self, request: &R) -> Result<R::Return, InvocationError> {
        let body = request.try_to_bytes()?;
        tracing::Span::current().record("method", method_name(&body));
        let mut attempt = 0;
        loop {
            let dc = self.home_dc();
            match self.invoke_on(dc, body.clone()).await {
                Ok(bytes) => {
                    let value = R::Return::from_bytes(&bytes)?;
                    self.cache_peers(&value).await;
                    return Ok(value);
                }
                Err(e) if attempt < self.inner.config.retries => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "request failed");
                    // The cold paths boxed: an `invoke` future is what every
                    // spawned request carries (and copies) whole.
                    if Box::pin(self.flood_sleep(&e)).await {
                        continue;
                    }
                    let Some(rpc) = e.rpc() else { return Err(e) };
                    if rpc.is("FILE_MIGRATE") || rpc.is("STATS_MIGRATE") {
                        let Some(to) = rpc.value.map(|v| v as i32) else {
                            return Err(e);
                        };
                        return Box::pin(self.invoke_in_dc(to, request)).await;
                    } else if rpc.is("PHONE_MIGRATE")
                        || rpc.is("USER_MIGRATE")
                        || rpc.is("NETWORK_MIGRATE")
                    {
                        let Some(to) = rpc.value.map(|v| v as i32) else {
                            return Err(e);
                        };
                        info!(from = dc, to, "migrating");
                        // Only USER_MIGRATE can meet a signed-in account;
                        // the other two answer a login.
                        Box::pin(self.move_home(dc, to, rpc.is("USER_MIGRATE"))).await?;
                    } else {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Fills the peer cache from every user and chat an answer carries, at any
    /// depth ([`ferrogram_tl_types::Peers`]).
    async fn cache_peers(&self, answer: &impl Peers) {
        let (mut users, mut chats) = (Vec::new(), Vec::new());
        answer.collect_peers(&mut users, &mut chats);
        self.save_peers(users.into_iter(), chats.into_iter()).await;
    }
}

/// The TL name of the function a request body starts with, for logs.
pub(crate) fn method_name(body: &[u8]) -> &'static str {
    body.first_chunk::<4>()
        .and_then(|b| ferrogram_tl_types::name_of(u32::from_le_bytes(*b)))
        .unwrap_or("?")
}
