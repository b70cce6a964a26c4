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
    /// No answer within the request timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The connection's task has stopped (the client is shutting down).
    #[error("the connection is closed")]
    Dropped,
    /// Creating the auth key failed.
    #[error("handshake failed: {0}")]
    Handshake(String),
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
    /// The configuration or the call is unusable as given.
    #[error("{0}")]
    Invalid(String),
}

impl InvocationError {
    /// Whether this is an RPC error whose name matches `pattern` (`*` matches any
    /// run of characters: `"FLOOD_WAIT"`, `"*_MIGRATE"`, `"PHONE_CODE_*"`).
    pub fn is(&self, pattern: &str) -> bool {
        matches!(self, Self::Rpc(e) if e.is(pattern))
    }

    /// The RPC error, if this is one.
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            Self::Rpc(e) => Some(e),
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
