//! One clear line on stderr and a documented exit code.

use ferrogram_chat_mgmt::Error as ChatError;
use ferrogram_client::InvocationError;

/// Printed at the end of `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  failure (a demo step did not do what it should, a file could not be written, ...)
  2  bad usage (unknown option, right or filter; missing API id; ...)
  3  not logged in (run `ferrogram login`)
  4  cannot connect to the server
  5  unknown chat or user
  6  a right is missing (the message names it) or Telegram refuses this to bots
  7  FLOOD_WAIT longer than the threshold (the message says how long)
  8  any other error Telegram answered with
  9  internal error: a bug in ferrogram (please report it with the command)";

/// The exit code of an internal error (a panic), see [`install_panic_hook`].
pub const INTERNAL_ERROR: u8 = 9;

/// Makes a panic anywhere in the process (the command, the connection task,
/// the session's blocking thread) one line on stderr and exit code 9 instead
/// of Rust's message, backtrace hint and 101. With `RUST_BACKTRACE` set, the
/// standard report (with its backtrace) follows the line. Exiting at once
/// loses nothing the session committed: every session write is its own
/// SQLite transaction.
pub fn install_panic_hook() {
    let standard = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = what.replace('\n', " ");
        eprintln!(
            "ferrogram: internal error: {what}{at} (a bug: please report it with the command)"
        );
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            standard(info);
        }
        std::process::exit(i32::from(INTERNAL_ERROR));
    }));
}

/// What went wrong, with its exit code.
#[derive(Debug)]
pub struct CliError {
    /// The process exit code (see [`EXIT_CODES`]).
    pub code: u8,
    /// One line for stderr.
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(1, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(2, message)
    }

    pub fn not_logged_in() -> Self {
        Self::new(
            3,
            "not logged in: run `ferrogram login` (with the same --session)",
        )
    }

    /// A client error, naming `right` when a missing right is the cause.
    pub fn from_chat(e: ChatError, right: Option<&str>) -> Self {
        let needs = |what: &str| match right {
            Some(r) => format!("missing right: {r} ({what})"),
            None => format!("not allowed: {what}"),
        };
        match &e {
            ChatError::ChatAdminRequired(rpc)
            | ChatError::RightForbidden(rpc)
            | ChatError::UserAdminInvalid(rpc)
            | ChatError::ChatWriteForbidden(rpc)
            | ChatError::MessageDeleteForbidden(rpc)
            | ChatError::ChatForbidden(rpc) => Self::new(6, needs(&rpc.name)),
            ChatError::UserCreator(_) => {
                Self::new(6, "the chat's creator cannot be changed (USER_CREATOR)")
            }
            ChatError::BotMethodInvalid(_) => Self::new(
                6,
                "Telegram refuses this to bots: log in with a user account (BOT_METHOD_INVALID)",
            ),
            ChatError::StatisticsForbidden(rpc) => Self::new(
                6,
                format!("statistics are not available for this chat ({})", rpc.name),
            ),
            ChatError::UserNotParticipant(_) => {
                Self::new(5, "the user is not a participant of this chat")
            }
            ChatError::FloodWait { seconds, .. } => Self::new(
                7,
                format!("FLOOD_WAIT: Telegram asks to wait {seconds} s before trying again"),
            ),
            ChatError::UnknownName { .. } | ChatError::NotPossibleHere(_) => {
                Self::usage(e.to_string())
            }
            ChatError::NeedsSupergroup(m) => Self::usage(format!(
                "{m}; `ferrogram migrate CHAT` does that for good, as does `restrict --migrate`"
            )),
            ChatError::Invocation(i) => Self::from_invocation(i.clone()),
            other => Self::new(8, other.to_string()),
        }
    }

    pub fn from_invocation(e: InvocationError) -> Self {
        match &e {
            InvocationError::Unresolved(m) => Self::new(5, format!("unknown chat or user: {m}")),
            InvocationError::Io(_)
            | InvocationError::Handshake(_)
            | InvocationError::Transport(_)
            | InvocationError::Timeout(_)
            | InvocationError::Dropped => Self::new(4, format!("cannot connect: {}", chain(&e))),
            InvocationError::SignIn(s) => Self::new(3, format!("cannot sign in: {}", chain(s))),
            InvocationError::Config(c) => Self::usage(format!("invalid configuration: {c}")),
            InvocationError::Rpc(rpc) => match rpc.name.as_str() {
                "USERNAME_NOT_OCCUPIED"
                | "USERNAME_INVALID"
                | "PEER_ID_INVALID"
                | "CHANNEL_INVALID"
                | "CHAT_ID_INVALID"
                | "USER_ID_INVALID"
                | "PHONE_NOT_OCCUPIED" => {
                    Self::new(5, format!("unknown chat or user ({})", rpc.name))
                }
                "AUTH_KEY_UNREGISTERED" | "SESSION_REVOKED" | "USER_DEACTIVATED" => {
                    Self::not_logged_in()
                }
                "FLOOD_WAIT" | "FLOOD_PREMIUM_WAIT" => Self::new(
                    7,
                    format!(
                        "FLOOD_WAIT: Telegram asks to wait {} s before trying again",
                        rpc.value.unwrap_or(0)
                    ),
                ),
                _ => Self::new(8, format!("Telegram said {} ({})", rpc.message, rpc.code)),
            },
            _ => Self::failure(chain(&e)),
        }
    }
}

/// An error and its sources, outermost first: `handshake failed: DH: ...`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

impl From<InvocationError> for CliError {
    fn from(e: InvocationError) -> Self {
        Self::from_invocation(e)
    }
}

impl From<ChatError> for CliError {
    fn from(e: ChatError) -> Self {
        Self::from_chat(e, None)
    }
}

impl From<ferrogram_cli::time::TimeArgError> for CliError {
    fn from(e: ferrogram_cli::time::TimeArgError) -> Self {
        Self::usage(e.0)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        Self::failure(e.to_string())
    }
}
