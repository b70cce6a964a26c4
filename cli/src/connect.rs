//! Where the session lives, which server to talk to, and signing in.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ferrogram_client::{Client, Config};
use ferrogram_mtproto::RsaPublicKey;
use ferrogram_session::{
    LeaseOptions, MemorySession, PostgresSession, Session, SessionData, SessionError, SqliteSession,
};
use ferrogram_tl_types::{enums, functions};

use ferrogram_cli::profile::Profile;

use crate::error::CliError;

/// The options every command shares.
#[derive(Clone, Debug, clap::Args)]
pub struct Global {
    /// The session file [default: the platform's data directory,
    /// e.g. ~/.local/share/ferrogram/session.sqlite], or a PostgreSQL store
    /// shared by several machines: postgres://user@host/db?account=NAME.
    #[arg(long, global = true, env = "FERROGRAM_SESSION")]
    pub session: Option<PathBuf>,
    /// A testserver or private deployment to use instead of Telegram (its DC id
    /// is learned from help.getConfig). Remembered by `login`.
    #[arg(long, global = true, value_name = "ADDR")]
    pub server: Option<SocketAddr>,
    /// The server's RSA public key (PEM, PKCS#1 or SPKI), with --server.
    #[arg(long, global = true, value_name = "FILE.pem")]
    pub rsa_key: Option<PathBuf>,
    /// Your api_id from my.telegram.org (any number for a testserver).
    #[arg(long, global = true, env = "FERROGRAM_API_ID")]
    pub api_id: Option<i32>,
    /// Your api_hash from my.telegram.org.
    #[arg(
        long,
        global = true,
        env = "FERROGRAM_API_HASH",
        hide_env_values = true
    )]
    pub api_hash: Option<String>,
    /// Connect from this local address (a machine with several; workers
    /// sharing an account are told apart by theirs).
    #[arg(long, global = true, value_name = "IP")]
    pub bind: Option<std::net::IpAddr>,
}

fn profile_path(session: &Path) -> PathBuf {
    let mut p = session.as_os_str().to_owned();
    p.push(".profile.json");
    PathBuf::from(p)
}

/// The profile beside `session`: none yet is the default; one that is not the
/// JSON `save_profile` writes is an error (exit code 1), and the file is left as
/// it is rather than overwritten by the next `login`.
fn load_profile(session: &Path) -> Result<Profile, CliError> {
    let path = profile_path(session);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Profile::default()),
        Err(e) => {
            return Err(CliError::failure(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    Profile::from_json(&text).map_err(|e| {
        CliError::failure(format!(
            "{} is not a ferrogram profile ({e}); fix or remove it",
            path.display()
        ))
    })
}

fn save_profile(profile: &Profile, session: &Path) -> Result<(), CliError> {
    let path = profile_path(session);
    std::fs::write(&path, profile.to_json())
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(())
}

/// Where the session lives.
#[derive(Clone, Debug)]
pub enum Store {
    /// A SQLite file.
    File(PathBuf),
    /// An account in a PostgreSQL store (`postgres://…?account=NAME`).
    Postgres {
        /// The URL as given (it may hold a password: never shown).
        url: String,
        /// The account's name.
        account: String,
        /// How the command takes the account's lease (`&lease_ttl=S`,
        /// `&lease_wait=S` in the URL).
        lease: LeaseOptions,
        /// A peer cache shared with other accounts of the same user
        /// (`&peers=NAME`: a bot's workers, each signed in on its own).
        peers: Option<String>,
    },
}

impl Store {
    /// The local path the profile and the bulk journal go beside: the file
    /// itself, or `postgres-<account>` in the platform's data directory.
    pub fn local_path(&self) -> Result<PathBuf, CliError> {
        match self {
            Store::File(p) => Ok(p.clone()),
            Store::Postgres { account, .. } => Ok(data_dir()?.join(format!("postgres-{account}"))),
        }
    }

    /// What to call it in messages (a URL's password hidden).
    pub fn describe(&self) -> String {
        match self {
            Store::File(p) => p.display().to_string(),
            Store::Postgres { url, account, .. } => {
                format!("{} (account {account})", ferrogram_session::redact_url(url))
            }
        }
    }

    fn open(&self) -> Result<Arc<dyn Session>, CliError> {
        let failed = |e| CliError::failure(format!("session {}: {e}", self.describe()));
        Ok(match self {
            Store::File(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                Arc::new(SqliteSession::open(path).map_err(failed)?)
            }
            // One process at a time uses the account (its auth keys, its
            // update state): the others wait their turn, as `lease` says.
            Store::Postgres {
                url,
                account,
                lease,
                peers,
            } => match PostgresSession::connect_leased(url, account, lease) {
                Ok(session) => match peers {
                    Some(group) => Arc::new(session.share_peers_with(group).map_err(failed)?),
                    None => Arc::new(session),
                },
                Err(SessionError::LeaseHeld { holder, .. }) => {
                    return Err(CliError::failure(format!(
                        "session {}: in use by {holder} (it holds the account's lease);                          try again, or wait longer with &lease_wait=SECONDS in the URL",
                        self.describe()
                    )));
                }
                Err(e) => return Err(failed(e)),
            },
        })
    }

    /// Forgets everything stored (after `logout`): the file and its
    /// companions, or the account's rows; and the profile.
    pub fn forget(&self) -> Result<(), CliError> {
        let base = self.local_path()?;
        match self {
            Store::File(path) => {
                for p in [
                    path.clone(),
                    PathBuf::from(format!("{}-wal", path.display())),
                    PathBuf::from(format!("{}-shm", path.display())),
                ] {
                    let _ = std::fs::remove_file(p);
                }
            }
            Store::Postgres { url, account, .. } => {
                PostgresSession::connect(url, account)
                    .and_then(|s| s.replace_with(&SessionData::default()))
                    .map_err(|e| CliError::failure(format!("session {}: {e}", self.describe())))?;
            }
        }
        let _ = std::fs::remove_file(profile_path(&base));
        Ok(())
    }
}

fn data_dir() -> Result<PathBuf, CliError> {
    let dir = dirs::data_dir()
        .ok_or_else(|| CliError::usage("no data directory on this platform: pass --session"))?
        .join("ferrogram");
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

/// How long a command waits for another process to hand the account's
/// lease on (`&lease_wait=SECONDS` in the URL).
const DEFAULT_LEASE_WAIT: Duration = Duration::from_secs(30);

/// Splits `name=SECONDS` off a URL's query.
fn seconds_param(
    url: String,
    name: &str,
    given: &str,
) -> Result<(String, Option<Duration>), CliError> {
    let Some((rest, value)) = ferrogram_session::split_url_param(&url, name) else {
        return Ok((url, None));
    };
    let secs = value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 86_400.0)
        .ok_or_else(|| {
            CliError::usage(format!(
                "{}: {name} is a number of seconds",
                ferrogram_session::redact_url(given)
            ))
        })?;
    Ok((rest, Some(Duration::from_secs_f64(secs))))
}

/// The session's store: `--session` (a file, or a `postgres://` URL with
/// `?account=NAME`), or a file in the platform's data directory.
pub fn session_store(g: &Global) -> Result<Store, CliError> {
    let Some(p) = &g.session else {
        return Ok(Store::File(data_dir()?.join("session.sqlite")));
    };
    let text = p.to_string_lossy();
    if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        let (url, account) = ferrogram_session::split_account_url(&text).ok_or_else(|| {
            CliError::usage(format!(
                "{}: a PostgreSQL store needs the account's name: ?account=NAME",
                ferrogram_session::redact_url(&text)
            ))
        })?;
        let (url, ttl) = seconds_param(url, "lease_ttl", &text)?;
        let (url, wait) = seconds_param(url, "lease_wait", &text)?;
        let (url, peers) = match ferrogram_session::split_url_param(&url, "peers") {
            Some((rest, group)) => (rest, Some(group)),
            None => (url, None),
        };
        let mut lease = LeaseOptions::new()
            .holder(format!("ferrogram (pid {})", std::process::id()))
            .wait(Some(wait.unwrap_or(DEFAULT_LEASE_WAIT)));
        if let Some(ttl) = ttl {
            lease = lease.ttl(ttl);
        }
        return Ok(Store::Postgres {
            url,
            account,
            lease,
            peers,
        });
    }
    Ok(Store::File(p.clone()))
}

/// The DC a server address serves, asked with a throwaway in-memory session.
async fn probe_dc(addr: SocketAddr, keys: &[RsaPublicKey]) -> Result<i32, CliError> {
    let mut c = Config::new(1, "probe");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((addr, 2));
    c.rsa_keys = keys.to_vec();
    let probe = Client::connect(c).await?;
    let enums::Config::Config(config) = probe.invoke(&functions::help::GetConfig {}).await?;
    Ok(config.this_dc)
}

/// A connected client, and the session's store. `login` saves the profile.
pub async fn connect(g: &Global, remember: bool) -> Result<(Client, Store), CliError> {
    let store = session_store(g)?;
    let path = store.local_path()?;
    let mut profile = load_profile(&path)?;
    if let Some(id) = g.api_id {
        profile.api_id = Some(id);
    }
    if let Some(hash) = &g.api_hash {
        profile.api_hash = Some(hash.clone());
    }
    if let Some(file) = &g.rsa_key {
        let pem = std::fs::read_to_string(file)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
        profile.rsa_key_pem = Some(pem);
    }
    if let Some(server) = g.server {
        if profile.server != Some(server) {
            profile.dc = None;
        }
        profile.server = Some(server);
    }
    let keys = match &profile.rsa_key_pem {
        Some(pem) => vec![
            RsaPublicKey::from_pem(pem)
                .map_err(|e| CliError::usage(format!("not an RSA public key: {e}")))?,
        ],
        None => Vec::new(),
    };
    if profile.server.is_some() && keys.is_empty() {
        return Err(CliError::usage(
            "--server needs the server's key: --rsa-key FILE.pem",
        ));
    }
    let (api_id, api_hash) = match (profile.api_id, profile.api_hash.clone()) {
        (Some(id), Some(hash)) => (id, hash),
        // Any credentials do for a testserver or private deployment.
        _ if profile.server.is_some() => (12345, "ferrogram-cli".to_owned()),
        _ => {
            return Err(CliError::usage(
                "missing --api-id/--api-hash (or FERROGRAM_API_ID/FERROGRAM_API_HASH): \
                 get them at https://my.telegram.org",
            ));
        }
    };
    let mut config = Config::new(api_id, api_hash);
    if let Some(addr) = profile.server {
        let dc = match profile.dc {
            Some(dc) => dc,
            None => probe_dc(addr, &keys).await?,
        };
        profile.dc = Some(dc);
        config.server = Some((addr, dc));
    }
    if !keys.is_empty() {
        config.rsa_keys = keys;
    }
    if let Some(ip) = g.bind {
        config = config.local_addr(ip);
    }
    config.session = store.open()?;
    let client = Client::connect(config).await?;
    open_clients().push(client.clone());
    if remember {
        save_profile(&profile, &path)?;
    }
    Ok((client, store))
}

/// The clients this command connected, closed as it ends.
fn open_clients() -> std::sync::MutexGuard<'static, Vec<Client>> {
    static OPEN: std::sync::Mutex<Vec<Client>> = std::sync::Mutex::new(Vec::new());
    OPEN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Closes every client the command connected: their connections, then
/// their stores (a PostgreSQL store hands the account's lease on, so the
/// next command need not wait for it to expire). Errors are of no use by
/// then: the command has ended.
pub async fn close_all() {
    let clients: Vec<Client> = std::mem::take(&mut *open_clients());
    for c in clients {
        let _ = c.close().await;
    }
}

/// A connected client that is signed in (exit code 3 otherwise).
pub async fn signed_in(g: &Global) -> Result<Client, CliError> {
    let (client, _) = connect(g, false).await?;
    if !client.is_authorized().await? {
        return Err(CliError::not_logged_in());
    }
    Ok(client)
}
