//! The one error type of the crate.

use std::sync::Arc;
use std::time::Duration;

pub use ferrogram_tl_types::service::RpcError;

/// Why a request (or connecting, or signing in) failed.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvocationError {
    /// Telegram answered with an error: `code`, `name` and `value` (FLOOD_WAIT_30
    /// is name `FLOOD_WAIT`, value 30). Match names with [`InvocationError::is`].
    #[error("RPC error {}: {}", .0.code, .0.message)]
    Rpc(RpcError),
    /// The network failed and reconnecting did not help.
    #[error("I/O error: {0}")]
    Io(Arc<std::io::Error>),
    /// An answer could not be decoded as the expected type.
    #[error("cannot decode the answer: {0}")]
    Decode(#[from] ferrogram_tl_types::DeserializeError),
    /// The request holds a string or bytes longer than TL can encode (16 MiB):
    /// refused before anything is sent.
    #[error("cannot encode the request: {0}")]
    Encode(#[from] ferrogram_tl_types::TooLongError),
    /// No answer within the request timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The connection's task has stopped (the client is shutting down).
    #[error("the connection is closed")]
    Dropped,
    /// Creating the auth key failed: one of the handshake's checks did not hold.
    #[error("handshake failed")]
    Handshake(#[source] ferrogram_mtproto::HandshakeError),
    /// The transport could not be set up as configured.
    #[error("transport")]
    Transport(#[source] ferrogram_transport::TransportError),
    /// The server sent a packet that breaks MTProto (it does not decrypt, its
    /// msg_key does not match, its body is not valid TL, its containers are
    /// too large or too deeply nested, ...): the connection is dropped and
    /// made again, and what was in flight is resent. Reported in the logs of
    /// the connection task; a request sees it only if reconnecting fails.
    #[error("protocol violation by the server: {0}")]
    Protocol(#[source] ferrogram_mtproto::SessionError),
    /// The server does not know our auth key any more (transport error -404); the
    /// key was forgotten and a new one will be made on the next connect.
    #[error("the server does not know this auth key")]
    AuthKeyUnknown,
    /// The session store failed.
    #[error(transparent)]
    Session(Arc<ferrogram_session::SessionError>),
    /// A peer reference could not be resolved (says which and why).
    #[error("cannot resolve peer {0}")]
    Unresolved(String),
    /// A download is bigger than [`crate::Config::max_download_size`].
    #[error("the file is larger than the {limit}-byte download limit")]
    FileTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// Signing in did not complete: see [`SignInError`] for what to do next.
    #[error("sign-in")]
    SignIn(#[source] SignInError),
    /// The server refused a message of ours with a `bad_msg_notification`
    /// whose code resending cannot fix (MTProto's codes: 16-17 time, 18-19 and
    /// 20 msg_id, 32-35 seq_no, 48 salt, 64 container).
    #[error("the server refused the message (bad_msg_notification {0})")]
    BadMessage(i32),
    /// The server answered a well-formed value this method cannot use (an
    /// empty user, no chat in a join's updates, no sent message in the answer).
    #[error("unexpected answer to {method}: {what}")]
    UnexpectedAnswer {
        /// The TL method asked.
        method: &'static str,
        /// What was wrong with the answer.
        what: &'static str,
    },
    /// Something Telegram does that this client does not implement (CDN
    /// downloads, invites that open a bot web view).
    #[error("not supported: {0}")]
    Unsupported(&'static str),
    /// The configuration is unusable.
    #[error("invalid configuration")]
    Config(#[source] ConfigError),
    /// An argument is unusable as given.
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
}

/// Why signing in stopped, and what comes next.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// The account has two-step verification: call
    /// [`crate::Client::check_password`] (Telegram's `SESSION_PASSWORD_NEEDED`).
    #[error("the account has a password (SESSION_PASSWORD_NEEDED)")]
    PasswordRequired(RpcError),
    /// The phone number has no account yet: sign up first
    /// (`auth.authorizationSignUpRequired`).
    #[error("this phone number has no account yet")]
    SignUpRequired,
    /// The code is wrong (`PHONE_CODE_INVALID`).
    #[error("wrong login code (PHONE_CODE_INVALID)")]
    InvalidCode(RpcError),
    /// The code has expired or was used (`PHONE_CODE_EXPIRED`): ask for a new one.
    #[error("the login code expired (PHONE_CODE_EXPIRED)")]
    CodeExpired(RpcError),
    /// The password is wrong (`PASSWORD_HASH_INVALID`).
    #[error("wrong password (PASSWORD_HASH_INVALID)")]
    InvalidPassword(RpcError),
    /// The account has no password, or one with a key-derivation algorithm this
    /// client does not know.
    #[error("the account has no password this client can check")]
    NoPassword,
    /// The server's SRP parameters failed their checks.
    #[error("SRP")]
    Srp(#[source] ferrogram_mtproto::srp::SrpError),
}

impl SignInError {
    /// The RPC error this came from, if any.
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            Self::PasswordRequired(e)
            | Self::InvalidCode(e)
            | Self::CodeExpired(e)
            | Self::InvalidPassword(e) => Some(e),
            _ => None,
        }
    }

    /// The typed form of a sign-in RPC error, or the error unchanged.
    pub(crate) fn from_rpc(e: InvocationError) -> InvocationError {
        let InvocationError::Rpc(rpc) = e else {
            return e;
        };
        let typed = match rpc.name.as_str() {
            "SESSION_PASSWORD_NEEDED" => Self::PasswordRequired(rpc),
            "PHONE_CODE_INVALID" | "PHONE_CODE_EMPTY" => Self::InvalidCode(rpc),
            "PHONE_CODE_EXPIRED" => Self::CodeExpired(rpc),
            "PASSWORD_HASH_INVALID" => Self::InvalidPassword(rpc),
            _ => return InvocationError::Rpc(rpc),
        };
        InvocationError::SignIn(typed)
    }
}

/// What makes a [`crate::Config`] unusable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `api_id` and `api_hash` are required (from my.telegram.org).
    #[error("api_id and api_hash are required")]
    MissingApiCredentials,
    /// A DC that neither the server's options nor the known production DCs name.
    #[error("unknown DC {0}")]
    UnknownDc(i32),
    /// A duration of the configuration outside what it can be.
    #[error("{field} is {value:?}; it must be {allowed}")]
    Duration {
        /// The field of [`crate::Config`].
        field: &'static str,
        /// What it was set to.
        value: std::time::Duration,
        /// The allowed range, in words.
        allowed: &'static str,
    },
}

impl InvocationError {
    /// Whether this is (or, for a typed sign-in error, came from) an RPC error
    /// whose name matches `pattern` (`*` matches any run of characters:
    /// `"FLOOD_WAIT"`, `"*_MIGRATE"`, `"PHONE_CODE_*"`).
    pub fn is(&self, pattern: &str) -> bool {
        self.rpc().is_some_and(|e| e.is(pattern))
    }

    /// The RPC error, if this is one (or a typed sign-in error made from one).
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            Self::Rpc(e) => Some(e),
            Self::SignIn(e) => e.rpc(),
            _ => None,
        }
    }
}

impl From<std::io::Error> for InvocationError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(Arc::new(e))
    }
}

impl From<ferrogram_session::SessionError> for InvocationError {
    fn from(e: ferrogram_session::SessionError) -> Self {
        Self::Session(Arc::new(e))
    }
}
