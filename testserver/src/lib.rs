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

mod builder;
pub mod chats;
mod clock;
mod communities;
mod conn;
mod counters;
mod duplicated;
mod exec;
mod faults;
mod fixture;
mod footprint;
mod hostile;
mod info;
#[cfg(feature = "request-log")]
mod log;
mod policy;
mod rate_limit;
mod rpc;
mod seed;
mod sessions;
mod shared;
pub mod spec;
mod stats;
mod view;
pub mod world;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use ferrogram_mtproto::rsa::RsaPrivateKey;
use tokio::sync::watch;

pub use builder::TestServerBuilder;
use builder::set_password;
pub use clock::Clock;
pub use counters::{CounterSnapshot, MethodCounts};
pub use faults::{Faults, Hostile};
pub use footprint::Footprint;
pub use info::{AccountInfo, ChatInfo, Role, ServerInfo, UserCredentials};
pub use shared::{DcAddr, SALT_PERIOD_SECS};

use shared::{Shared, lock};

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

    /// How many auth keys were revoked with `AUTH_KEY_DUPLICATED` (used
    /// from two addresses at once while
    /// [`Faults::detect_duplicated_keys`] was on).
    pub fn duplicated_keys(&self) -> usize {
        lock(&self.shared.key_use).revoked()
    }

    /// How much each of the server's stores holds now (sessions, cached
    /// answers, messages, events, …): what a long run watches for a store
    /// that only grows.
    pub fn footprint(&self) -> Footprint {
        Footprint::of(&self.shared)
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

    /// Whether a bot may be added to groups (`user.bot_nochats` when not):
    /// adding it to one then answers `BOT_GROUPS_BLOCKED`.
    pub fn set_bot_groups_allowed(&self, bot: i64, allowed: bool) {
        if let Some(a) = lock(&self.shared.world).accounts.get_mut(&bot) {
            a.bot_nochats = a.bot && !allowed;
        }
    }

    /// Whether a bot may screen join requests (`user.bot_guard`, layer
    /// 230), as `channels.toggleJoinRequest`'s `guard_bot` requires.
    pub fn set_bot_guard(&self, bot: i64, guard: bool) {
        if let Some(a) = lock(&self.shared.world).accounts.get_mut(&bot) {
            a.bot_guard = a.bot && guard;
        }
    }

    /// The spam reports filed in the chat with this username (`channels.reportSpam`):
    /// reporter, reported user and message ids, oldest first.
    pub fn spam_reports(&self, chat_username: &str) -> Vec<(i64, i64, Vec<i32>)> {
        let w = lock(&self.shared.world);
        w.chats
            .values()
            .find(|c| c.username.as_deref() == Some(chat_username))
            .map(|c| c.spam_reports.clone())
            .unwrap_or_default()
    }

    /// Gives a user a 2FA password.
    pub fn set_password(&self, user: i64, password: &str) {
        let mut w = lock(&self.shared.world);
        let mut rng = lock(&self.shared.rng);
        set_password(&mut w, user, password, "", &mut rng);
        // Set now, on the server's clock (`PASSWORD_TOO_FRESH_X` counts
        // from here).
        let now = self.shared.clock.unix();
        if let Some(p) = w.accounts.get_mut(&user).and_then(|a| a.password.as_mut()) {
            p.set_at = now;
        }
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

    /// Closes every connection that listens for `user`'s updates, as a
    /// Telegram front end going away does, whatever the client was doing;
    /// returns how many. The client's next connection gets no updates until
    /// it carries a query.
    pub fn disconnect_user(&self, user: i64) -> usize {
        self.shared.disconnect(user)
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

    /// The message ids reported as anti-spam false positives in the chat
    /// with this username (`channels.reportAntiSpamFalsePositive`), in order.
    pub fn antispam_false_positives(&self, chat_username: &str) -> Vec<i32> {
        let w = lock(&self.shared.world);
        w.chats
            .values()
            .find(|c| c.username.as_deref() == Some(chat_username))
            .map(|c| c.settings.antispam_false_positives.clone())
            .unwrap_or_default()
    }

    /// Every participant of the chat with this username (left ones too), each
    /// with its whole role and tag written out: for tests to compare the
    /// state before and after a run (a dry run changes nothing; an undo
    /// restores it). Empty when there is no such chat.
    pub fn participant_states(&self, chat_username: &str) -> BTreeMap<i64, String> {
        let w = lock(&self.shared.world);
        w.chats
            .values()
            .find(|c| c.username.as_deref() == Some(chat_username))
            .map(|chat| {
                chat.participants
                    .iter()
                    .map(|p| (p.user, format!("{:?} tag {:?}", p.role, p.tag())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Files `user`'s request to join through invite link `link` (any form
    /// of it), as their `messages.importChatInvite` of a link that needs
    /// approval would: for tests that need many pending requests without
    /// signing each user in. A second request of the same user is ignored.
    pub fn request_join(&self, link: &str, user: i64) -> Result<(), Error> {
        let hash = rpc::messages::invites::invite_hash(link).to_owned();
        let now = self.shared.clock.unix();
        let mut w = lock(&self.shared.world);
        let chat = w
            .chats
            .values_mut()
            .find(|c| c.invite(&hash).is_some())
            .ok_or_else(|| Error::Config(format!("no invite link {link}")))?;
        if !chat.invite(&hash).is_some_and(|i| i.request_needed) {
            return Err(Error::Config(format!("{link} admits without approval")));
        }
        if !chat.join_requests.iter().any(|r| r.user == user) {
            chat.join_requests.push(chats::JoinRequest {
                user,
                date: now,
                hash,
            });
        }
        Ok(())
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

    /// The texts of chat `chat_id`'s messages (service messages left out),
    /// oldest first, as the server keeps them for every member (for tests
    /// to check what a deletion removed).
    pub fn chat_texts(&self, chat_id: i64) -> Vec<String> {
        let w = lock(&self.shared.world);
        w.chats
            .get(&chat_id)
            .map(|c| {
                c.messages
                    .iter()
                    .filter(|m| m.action.is_none())
                    .map(|m| m.text.clone())
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
