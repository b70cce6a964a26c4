//! What a running server tells its users: where it listens, its key, the
//! accounts to sign in with and the chats it holds ([`ServerInfo`], printed as
//! one JSON line by the binary), and a participant's standing ([`Role`]).

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use crate::chats::ChatKind;
use crate::shared::DcAddr;

/// Everything a client needs to use a running server. The binary prints it as
/// one JSON line when ready (fields in alphabetical order, as here).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServerInfo {
    /// The accounts of the fixture, with their login codes and bot tokens.
    pub accounts: Vec<AccountInfo>,
    /// The home DC's address.
    pub addr: SocketAddr,
    /// The default bot account's token, if the world has one.
    pub bot_token: Option<String>,
    /// Every group, supergroup and channel.
    pub chats: Vec<ChatInfo>,
    /// The home DC's id.
    pub dc_id: i32,
    /// Every DC the server runs.
    pub dcs: Vec<DcAddr>,
    /// The server's RSA public key, PKCS#1 PEM.
    pub rsa_public_key_pem: String,
    /// The default user account's sign-in data, if the world has one.
    pub user: Option<UserCredentials>,
}

impl ServerInfo {
    /// The chat with this username, if any.
    pub fn chat(&self, username: &str) -> Option<&ChatInfo> {
        self.chats
            .iter()
            .find(|c| c.username.as_deref() == Some(username))
    }

    /// The first chat of this kind (the default world's basic group is the
    /// first [`crate::chats::ChatKind::Group`]).
    pub fn first_of(&self, kind: crate::chats::ChatKind) -> Option<&ChatInfo> {
        self.chats.iter().find(|c| c.kind == kind)
    }

    /// The chat with this title, if any.
    pub fn titled(&self, title: &str) -> Option<&ChatInfo> {
        self.chats.iter().find(|c| c.title == title)
    }
}

/// Sign-in data of the default user account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCredentials {
    /// The login code the server expects (see [`crate::world::login_code`]).
    pub code: String,
    /// Its id.
    pub id: i64,
    /// Its 2FA password.
    pub password: String,
    /// Its phone number (digits only).
    pub phone: String,
}

/// An account of the fixture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountInfo {
    /// A bot account.
    pub bot: bool,
    /// A bot's token.
    pub bot_token: Option<String>,
    /// The login code for its phone, if it has one.
    pub code: Option<String>,
    /// Its home DC.
    pub dc: i32,
    /// Its id.
    pub id: i64,
    /// Its phone number (digits only), if any.
    pub phone: Option<String>,
    /// Its username, if any.
    pub username: Option<String>,
}

/// A group, supergroup or channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatInfo {
    /// Its id (without the Bot API's marks).
    pub id: i64,
    /// Basic group, supergroup or broadcast channel.
    pub kind: ChatKind,
    /// The Bot API's marked id (`-id` for groups, `-100…id` for channels).
    pub marked_id: i64,
    /// How many members it has.
    pub members: i32,
    /// Its title.
    pub title: String,
    /// Its public username, if any.
    pub username: Option<String>,
}

/// A participant's standing in a chat, as [`crate::TestServer::participant_role`]
/// reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// The owner.
    Creator,
    /// An admin, with any rights.
    Admin,
    /// A member without restrictions.
    Member,
    /// A member with rights taken away.
    Restricted,
    /// Kicked: may not rejoin until unbanned.
    Banned,
    /// Was a member; left or was removed.
    Left,
}

impl Role {
    /// Its lower-case name (`creator`, `admin`, `member`, `restricted`,
    /// `banned`, `left`), as in the JSON line and the CLI's listings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Creator => "creator",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Restricted => "restricted",
            Self::Banned => "banned",
            Self::Left => "left",
        }
    }
}
