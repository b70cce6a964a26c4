//! The one error type of the crate.

use ferrogram_client::{InvocationError, RpcError};

/// Why a chat-management call failed. The RPC errors an administrator handles
/// have their own variants (each keeps the server's error); everything else is
/// [`Error::Invocation`].
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller is not an admin, or lacks the admin right this needs
    /// (`CHAT_ADMIN_REQUIRED`).
    #[error("admin rights are required for this (CHAT_ADMIN_REQUIRED)")]
    ChatAdminRequired(RpcError),
    /// The user is not a member of the chat (`USER_NOT_PARTICIPANT`).
    #[error("the user is not a participant of the chat (USER_NOT_PARTICIPANT)")]
    UserNotParticipant(RpcError),
    /// A right that cannot be given or taken here, such as a broadcast-only
    /// right in a supergroup, or more rights than the caller has
    /// (`RIGHT_FORBIDDEN`).
    #[error("this right cannot be set here (RIGHT_FORBIDDEN)")]
    RightForbidden(RpcError),
    /// The caller may not edit this admin, for instance one promoted by
    /// someone else (`USER_ADMIN_INVALID`).
    #[error("you may not edit this admin (USER_ADMIN_INVALID)")]
    UserAdminInvalid(RpcError),
    /// The creator cannot be demoted, restricted or removed (`USER_CREATOR`).
    #[error("the chat's creator cannot be changed (USER_CREATOR)")]
    UserCreator(RpcError),
    /// Telegram refuses this method to bots: the admin log, statistics and chat
    /// photo search need a user account (`BOT_METHOD_INVALID`).
    #[error("bots may not call this method (BOT_METHOD_INVALID)")]
    BotMethodInvalid(RpcError),
    /// Nothing would change (`CHAT_NOT_MODIFIED`).
    #[error("nothing to change (CHAT_NOT_MODIFIED)")]
    ChatNotModified(RpcError),
    /// The chat is private to the caller, or the caller was banned from it
    /// (`CHANNEL_PRIVATE`, `CHAT_FORBIDDEN`).
    #[error("the chat is not accessible ({})", .0.name)]
    ChatForbidden(RpcError),
    /// The caller may not write in the chat (`CHAT_WRITE_FORBIDDEN`).
    #[error("you may not write in this chat (CHAT_WRITE_FORBIDDEN)")]
    ChatWriteForbidden(RpcError),
    /// The admin title is longer than 16 characters or has emoji
    /// (`ADMIN_RANK_INVALID`).
    #[error("the admin title is invalid (ADMIN_RANK_INVALID)")]
    AdminRankInvalid(RpcError),
    /// Statistics are not available for this chat (`CHAT_ADMIN_REQUIRED` is
    /// reported as [`Error::ChatAdminRequired`]; this is `MEGAGROUP_REQUIRED`,
    /// `BROADCAST_REQUIRED` after the fallback, or `STATS_*`).
    #[error("statistics are not available for this chat ({})", .0.name)]
    StatisticsForbidden(RpcError),
    /// The invite link was revoked, has expired or is used up
    /// (`INVITE_HASH_EXPIRED`; also for a link the chat does not have, when
    /// an admin manages its links).
    #[error("the invite link is revoked, expired or used up (INVITE_HASH_EXPIRED)")]
    InviteLinkExpired(RpcError),
    /// No chat has this invite link (`INVITE_HASH_INVALID`,
    /// `INVITE_HASH_EMPTY`).
    #[error("no such invite link ({})", .0.name)]
    InviteLinkInvalid(RpcError),
    /// The terms asked of an invite link are refused: an expiry in the past
    /// (`EXPIRE_DATE_INVALID`), a usage limit outside 1-99,999 or with
    /// approval required (`USAGE_LIMIT_INVALID`), an expiry or limit on a
    /// primary link (`CHAT_INVITE_PERMANENT`).
    #[error("invalid invite link terms ({})", .0.name)]
    InviteTermsInvalid(RpcError),
    /// Only a revoked link can be deleted (`INVITE_REVOKED_MISSING`).
    #[error("the invite link is not revoked (INVITE_REVOKED_MISSING)")]
    InviteNotRevoked(RpcError),
    /// Joining through this link needs an admin's approval: the request was
    /// filed (`INVITE_REQUEST_SENT`).
    #[error("a join request was sent; an admin must approve it (INVITE_REQUEST_SENT)")]
    JoinRequestSent(RpcError),
    /// One of the messages may not be deleted by the caller: someone
    /// else's without `delete_messages` (`MESSAGE_DELETE_FORBIDDEN`).
    #[error("you may not delete one of these messages (MESSAGE_DELETE_FORBIDDEN)")]
    MessageDeleteForbidden(RpcError),
    /// The forum topic is closed: only admins with `manage_topics` post in
    /// it (`TOPIC_CLOSED`).
    #[error("the topic is closed (TOPIC_CLOSED)")]
    TopicClosed(RpcError),
    /// No such forum topic here (`TOPIC_ID_INVALID`, `TOPIC_DELETED`).
    #[error("no such topic ({})", .0.name)]
    TopicInvalid(RpcError),
    /// The community has as many chats as it may (`COMMUNITY_PEERS_TOO_MUCH`).
    #[error("the community has as many chats as it may (COMMUNITY_PEERS_TOO_MUCH)")]
    CommunityFull(RpcError),
    /// The user has no pending join request (`HIDE_REQUESTER_MISSING`).
    #[error("no pending join request from this user (HIDE_REQUESTER_MISSING)")]
    JoinRequestMissing(RpcError),
    /// A chat's title is empty (`CHAT_TITLE_EMPTY`) or its about text over
    /// 255 characters (`CHAT_ABOUT_TOO_LONG`).
    #[error("invalid chat title or about text ({})", .0.name)]
    ChatDetailsInvalid(RpcError),
    /// The username is taken (`USERNAME_OCCUPIED`; also when a new chat's
    /// username was found taken before the chat was made) or malformed
    /// (`USERNAME_INVALID`).
    #[error("the username cannot be used ({})", .0.name)]
    UsernameUnavailable(RpcError),
    /// The 2FA password is wrong (`PASSWORD_HASH_INVALID`).
    #[error("wrong 2FA password (PASSWORD_HASH_INVALID)")]
    PasswordInvalid(RpcError),
    /// The account has no 2FA password, which this needs
    /// (`PASSWORD_MISSING`).
    #[error("this needs a 2FA password on the account (PASSWORD_MISSING)")]
    PasswordMissing(RpcError),
    /// The 2FA password or this session is too new for this
    /// (`PASSWORD_TOO_FRESH_X`, `SESSION_TOO_FRESH_X`): retry in `seconds`.
    #[error("{}: possible in {seconds} s", .error.name)]
    TooFresh {
        /// How long until it is possible.
        seconds: u32,
        /// The error itself.
        error: RpcError,
    },
    /// A FLOOD_WAIT longer than the client's `flood_sleep_threshold`.
    #[error("FLOOD_WAIT: retry in {seconds} s")]
    FloodWait {
        /// How long Telegram asks to wait.
        seconds: u32,
        /// The error itself.
        error: RpcError,
    },
    /// A name that is none of the known ones: an admin or banned right, an
    /// admin-log filter, a chat action (the message lists the valid ones).
    #[error("unknown {kind} {name:?} (one of {valid})")]
    UnknownName {
        /// What kind of name (`"admin right"`, `"admin-log filter"`, ...).
        kind: &'static str,
        /// The name given.
        name: String,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// What was asked does not exist for this kind of chat or peer (a
    /// per-member restriction in a basic group, the admin log of a user, admins
    /// of a private chat), or is hidden from the caller (a basic group's member
    /// list it is not in). The message says which.
    #[error("{0}")]
    NotPossibleHere(String),
    /// This exists only in supergroups and the chat is a basic group: turn it
    /// into one first ([`crate::Membership::migrate_chat`], or the call's
    /// explicit option such as [`crate::BannedRights::migrate_basic_group`]).
    /// The message says what needed it.
    #[error("{0}")]
    NeedsSupergroup(String),
    /// The server answered something this call cannot use (no channel in a
    /// channel's answer, a channel's full info for a basic group).
    #[error("unexpected answer: {0}")]
    UnexpectedAnswer(String),
    /// A bulk run's input (a list of users, a journal, a report) cannot be
    /// read: where and why.
    #[error("{file}:{line}:{column}: {reason}")]
    BulkInput {
        /// The file (or what the text came from).
        file: String,
        /// The line (1-based).
        line: usize,
        /// The column (1-based).
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// A bulk run's store failed (the journal's file cannot be written, ...).
    #[error("bulk store: {0}")]
    Store(String),
    /// A shared bulk store's item was taken over by another worker (this
    /// one held it too long): it is theirs now, and this worker leaves it.
    #[error("bulk store: item {0} was taken over by another worker")]
    BulkItemTaken(usize),
    /// Any other failure of the client.
    #[error(transparent)]
    Invocation(InvocationError),
}

impl From<InvocationError> for Error {
    fn from(e: InvocationError) -> Self {
        let Some(rpc) = e.rpc().cloned() else {
            return Self::Invocation(e);
        };
        match rpc.name.as_str() {
            "CHAT_ADMIN_REQUIRED" => Self::ChatAdminRequired(rpc),
            "USER_NOT_PARTICIPANT" => Self::UserNotParticipant(rpc),
            "RIGHT_FORBIDDEN" => Self::RightForbidden(rpc),
            "USER_ADMIN_INVALID" => Self::UserAdminInvalid(rpc),
            "USER_CREATOR" => Self::UserCreator(rpc),
            "BOT_METHOD_INVALID" => Self::BotMethodInvalid(rpc),
            "CHAT_NOT_MODIFIED" => Self::ChatNotModified(rpc),
            "CHANNEL_PRIVATE" | "CHAT_FORBIDDEN" => Self::ChatForbidden(rpc),
            "CHAT_WRITE_FORBIDDEN" => Self::ChatWriteForbidden(rpc),
            "ADMIN_RANK_INVALID" => Self::AdminRankInvalid(rpc),
            "MEGAGROUP_REQUIRED" | "BROADCAST_REQUIRED" => Self::StatisticsForbidden(rpc),
            "CHAT_TITLE_EMPTY" | "CHAT_ABOUT_TOO_LONG" => Self::ChatDetailsInvalid(rpc),
            "USERNAME_OCCUPIED" | "USERNAME_INVALID" => Self::UsernameUnavailable(rpc),
            "PASSWORD_HASH_INVALID" => Self::PasswordInvalid(rpc),
            "PASSWORD_MISSING" => Self::PasswordMissing(rpc),
            "PASSWORD_TOO_FRESH" | "SESSION_TOO_FRESH" => Self::TooFresh {
                seconds: rpc.value.unwrap_or(0),
                error: rpc,
            },
            "INVITE_HASH_EXPIRED" => Self::InviteLinkExpired(rpc),
            "INVITE_HASH_INVALID" | "INVITE_HASH_EMPTY" => Self::InviteLinkInvalid(rpc),
            "EXPIRE_DATE_INVALID" | "USAGE_LIMIT_INVALID" | "CHAT_INVITE_PERMANENT" => {
                Self::InviteTermsInvalid(rpc)
            }
            "INVITE_REVOKED_MISSING" => Self::InviteNotRevoked(rpc),
            "INVITE_REQUEST_SENT" => Self::JoinRequestSent(rpc),
            "HIDE_REQUESTER_MISSING" => Self::JoinRequestMissing(rpc),
            "COMMUNITY_PEERS_TOO_MUCH" => Self::CommunityFull(rpc),
            "TOPIC_CLOSED" => Self::TopicClosed(rpc),
            "TOPIC_ID_INVALID" | "TOPIC_DELETED" => Self::TopicInvalid(rpc),
            "MESSAGE_DELETE_FORBIDDEN" => Self::MessageDeleteForbidden(rpc),
            n if n.starts_with("STATS_") && !n.ends_with("_MIGRATE") => {
                Self::StatisticsForbidden(rpc)
            }
            "FLOOD_WAIT" | "FLOOD_PREMIUM_WAIT" => Self::FloodWait {
                seconds: rpc.value.unwrap_or(0),
                error: rpc,
            },
            _ => Self::Invocation(e),
        }
    }
}

impl Error {
    /// The server's error, if this came from one.
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            Self::ChatAdminRequired(e)
            | Self::UserNotParticipant(e)
            | Self::RightForbidden(e)
            | Self::UserAdminInvalid(e)
            | Self::UserCreator(e)
            | Self::BotMethodInvalid(e)
            | Self::ChatNotModified(e)
            | Self::ChatForbidden(e)
            | Self::ChatWriteForbidden(e)
            | Self::AdminRankInvalid(e)
            | Self::StatisticsForbidden(e)
            | Self::ChatDetailsInvalid(e)
            | Self::UsernameUnavailable(e)
            | Self::InviteLinkExpired(e)
            | Self::InviteLinkInvalid(e)
            | Self::InviteTermsInvalid(e)
            | Self::InviteNotRevoked(e)
            | Self::JoinRequestSent(e)
            | Self::JoinRequestMissing(e)
            | Self::CommunityFull(e)
            | Self::TopicClosed(e)
            | Self::TopicInvalid(e)
            | Self::MessageDeleteForbidden(e)
            | Self::PasswordInvalid(e)
            | Self::PasswordMissing(e)
            | Self::TooFresh { error: e, .. }
            | Self::FloodWait { error: e, .. } => Some(e),
            Self::Invocation(e) => e.rpc(),
            Self::UnknownName { .. }
            | Self::NotPossibleHere(_)
            | Self::NeedsSupergroup(_)
            | Self::BulkInput { .. }
            | Self::Store(_)
            | Self::BulkItemTaken(_)
            | Self::UnexpectedAnswer(_) => None,
        }
    }

    /// Whether the server's error name matches `pattern` (`*` matches any run
    /// of characters), as [`InvocationError::is`].
    pub fn is(&self, pattern: &str) -> bool {
        self.rpc().is_some_and(|e| e.is(pattern))
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn rpc(name: &str, value: Option<u32>) -> InvocationError {
        let message = match value {
            Some(v) => format!("{name}_{v}"),
            None => name.into(),
        };
        InvocationError::Rpc(RpcError::new(400, &message))
    }

    #[test]
    fn rpc_errors_map_to_their_variants_and_keep_the_error() {
        let e = Error::from(rpc("CHAT_ADMIN_REQUIRED", None));
        assert!(matches!(e, Error::ChatAdminRequired(_)));
        assert!(e.is("CHAT_ADMIN_REQUIRED"));
        let e = Error::from(rpc("FLOOD_WAIT", Some(420)));
        assert!(matches!(e, Error::FloodWait { seconds: 420, .. }));
        assert_eq!(e.rpc().unwrap().message, "FLOOD_WAIT_420");
        let e = Error::from(rpc("STATS_MIGRATE", Some(1)));
        assert!(
            matches!(e, Error::Invocation(_)),
            "migrations are not stats refusals"
        );
        let e = Error::from(rpc("PEER_ID_INVALID", None));
        assert!(matches!(e, Error::Invocation(_)) && e.is("PEER_ID_*"));
        let e = Error::from(InvocationError::Dropped);
        assert!(e.rpc().is_none());
    }
}
