//! The peer cache and `get_input_entity`.

use ferrogram_session::{PeerInfo, PeerKind, marked_id};
use ferrogram_tl_types::{enums, functions, types};

use crate::{Client, InvocationError};

/// Something that names a peer, as Telethon accepts it.
#[derive(Clone, Debug)]
pub enum PeerRef {
    /// `"me"`, `"@username"`, `"username"`, `t.me/...` links, `tg://resolve?domain=`,
    /// joinchat links (`t.me/+HASH`, `t.me/joinchat/HASH`), a phone number
    /// (`"+1 555 0100"`), or an id written out (`"-1001234567890"`).
    Text(String),
    /// A bare user id or a marked id (basic groups negative, channels `-100…`).
    Id(i64),
    /// A peer already in hand.
    Input(enums::InputPeer),
}

/// Equal when they name a peer the same way (`"@a"` and `"a"` differ); peers in
/// hand compare by their TL encoding, which for `InputPeer` is equality of every
/// field (the TL types derive `PartialEq` only with their `partial-eq` feature).
impl PartialEq for PeerRef {
    fn eq(&self, other: &Self) -> bool {
        use ferrogram_tl_types::Serializable;
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a == b,
            (Self::Id(a), Self::Id(b)) => a == b,
            (Self::Input(a), Self::Input(b)) => a.to_bytes() == b.to_bytes(),
            _ => false,
        }
    }
}

impl From<&str> for PeerRef {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for PeerRef {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<i64> for PeerRef {
    fn from(id: i64) -> Self {
        Self::Id(id)
    }
}

impl From<enums::InputPeer> for PeerRef {
    fn from(p: enums::InputPeer) -> Self {
        Self::Input(p)
    }
}

impl From<&PeerInfo> for PeerRef {
    fn from(p: &PeerInfo) -> Self {
        Self::Input(input_peer(p))
    }
}

impl From<&String> for PeerRef {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

impl From<std::borrow::Cow<'_, str>> for PeerRef {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        Self::Text(s.into_owned())
    }
}

impl From<Box<str>> for PeerRef {
    fn from(s: Box<str>) -> Self {
        Self::Text(s.into())
    }
}

impl From<std::sync::Arc<str>> for PeerRef {
    fn from(s: std::sync::Arc<str>) -> Self {
        Self::Text(s.as_ref().to_owned())
    }
}

/// A user as an answer gave it (`userEmpty`: by id).
impl From<&enums::User> for PeerRef {
    fn from(u: &enums::User) -> Self {
        match u {
            enums::User::User(u) => Self::from(&**u),
            enums::User::Empty(u) => Self::Id(u.id),
        }
    }
}

impl From<enums::InputUser> for PeerRef {
    fn from(u: enums::InputUser) -> Self {
        Self::from(&u)
    }
}

impl From<enums::InputChannel> for PeerRef {
    fn from(c: enums::InputChannel) -> Self {
        Self::from(&c)
    }
}

impl From<&PeerRef> for PeerRef {
    fn from(p: &PeerRef) -> Self {
        p.clone()
    }
}

impl From<i32> for PeerRef {
    fn from(id: i32) -> Self {
        Self::Id(i64::from(id))
    }
}

impl From<&enums::InputPeer> for PeerRef {
    fn from(p: &enums::InputPeer) -> Self {
        Self::Input(p.clone())
    }
}

impl From<PeerInfo> for PeerRef {
    fn from(p: PeerInfo) -> Self {
        Self::from(&p)
    }
}

/// A user as an answer gave it: with its access hash when the answer had one,
/// else by id (resolved from the cache).
impl From<&types::User> for PeerRef {
    fn from(u: &types::User) -> Self {
        match (u.is_self, u.access_hash) {
            (true, _) => Self::Input(enums::InputPeer::InputPeerSelf),
            (false, Some(access_hash)) => {
                Self::Input(enums::InputPeer::from(types::InputPeerUser {
                    user_id: u.id,
                    access_hash,
                }))
            }
            (false, None) => Self::Id(u.id),
        }
    }
}

/// A supergroup or channel as an answer gave it (by marked id without an
/// access hash).
impl From<&types::Channel> for PeerRef {
    fn from(c: &types::Channel) -> Self {
        match c.access_hash {
            Some(access_hash) => Self::Input(enums::InputPeer::from(types::InputPeerChannel {
                channel_id: c.id,
                access_hash,
            })),
            None => Self::Id(marked_id(PeerKind::Channel, c.id)),
        }
    }
}

/// A basic group.
impl From<&types::Chat> for PeerRef {
    fn from(c: &types::Chat) -> Self {
        Self::Input(enums::InputPeer::from(types::InputPeerChat {
            chat_id: c.id,
        }))
    }
}

/// A `Peer` names ids only: a user by id, a group or channel by its marked id
/// (resolved from the cache).
impl From<&enums::Peer> for PeerRef {
    fn from(p: &enums::Peer) -> Self {
        Self::Id(match p {
            enums::Peer::User(u) => u.user_id,
            // Saturating: the ids come from the server.
            enums::Peer::Chat(c) => marked_id(PeerKind::Chat, c.chat_id),
            enums::Peer::Channel(c) => marked_id(PeerKind::Channel, c.channel_id),
        })
    }
}

impl From<enums::Peer> for PeerRef {
    fn from(p: enums::Peer) -> Self {
        Self::from(&p)
    }
}

impl From<&enums::InputUser> for PeerRef {
    fn from(u: &enums::InputUser) -> Self {
        match u {
            enums::InputUser::InputUser(u) => {
                Self::Input(enums::InputPeer::from(types::InputPeerUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                }))
            }
            enums::InputUser::InputUserSelf => Self::Input(enums::InputPeer::InputPeerSelf),
            enums::InputUser::FromMessage(u) => {
                Self::Input(enums::InputPeer::from(types::InputPeerUserFromMessage {
                    peer: u.peer.clone(),
                    msg_id: u.msg_id,
                    user_id: u.user_id,
                }))
            }
            enums::InputUser::Empty => Self::Input(enums::InputPeer::Empty),
        }
    }
}

impl From<&enums::InputChannel> for PeerRef {
    fn from(c: &enums::InputChannel) -> Self {
        match c {
            enums::InputChannel::InputChannel(c) => {
                Self::Input(enums::InputPeer::from(types::InputPeerChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }))
            }
            enums::InputChannel::FromMessage(c) => {
                Self::Input(enums::InputPeer::from(types::InputPeerChannelFromMessage {
                    peer: c.peer.clone(),
                    msg_id: c.msg_id,
                    channel_id: c.channel_id,
                }))
            }
            enums::InputChannel::Empty => Self::Input(enums::InputPeer::Empty),
        }
    }
}

/// The `InputPeer` of a cached peer.
pub fn input_peer(p: &PeerInfo) -> enums::InputPeer {
    match p.kind {
        PeerKind::User | PeerKind::Bot => enums::InputPeer::from(types::InputPeerUser {
            user_id: p.id,
            access_hash: p.access_hash.unwrap_or(0),
        }),
        PeerKind::Chat => enums::InputPeer::from(types::InputPeerChat { chat_id: p.id }),
        PeerKind::Channel | PeerKind::Megagroup | PeerKind::Community => {
            enums::InputPeer::from(types::InputPeerChannel {
                channel_id: p.id,
                access_hash: p.access_hash.unwrap_or(0),
            })
        }
    }
}

/// What a textual peer reference names, read without asking the server:
/// how [`Client::get_input_entity`](crate::Client::get_input_entity) reads a
/// string before resolving it.
///
/// ```
/// use ferrogram_client::PeerText;
/// assert_eq!(PeerText::parse("@Ada_Admin"), Some(PeerText::Username("ada_admin".into())));
/// assert_eq!(PeerText::parse("https://t.me/+AbCd"), Some(PeerText::Invite("AbCd".into())));
/// assert_eq!(PeerText::parse("+1 555 0100"), Some(PeerText::Phone("15550100".into())));
/// assert_eq!(PeerText::parse("not a name!"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerText {
    /// `me` or `self`: the signed-in account.
    Me,
    /// A username (`@name`, `name`, `t.me/name`, `tg://resolve?domain=name`),
    /// lowercased; 4 to 32 ASCII letters, digits and underscores, starting
    /// with a letter.
    Username(String),
    /// The hash of an invite link (`t.me/+hash`, `t.me/joinchat/hash`).
    Invite(String),
    /// A phone number (starting with `+`), as its digits.
    Phone(String),
    /// A marked id (`-100…` for a channel, negative for a group).
    Id(i64),
}

impl PeerText {
    /// Reads `text` (surrounding whitespace ignored); `None` when it is none
    /// of the forms above.
    pub fn parse(text: &str) -> Option<PeerText> {
        parse(text)
    }
}

fn valid_username(s: &str) -> bool {
    (4..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse(text: &str) -> Option<PeerText> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("me") || t.eq_ignore_ascii_case("self") {
        return Some(PeerText::Me);
    }
    // Before ids: `+15550100123` is a phone number, although Rust's integer
    // parser takes a leading `+`.
    if !t.starts_with('+')
        && let Ok(id) = t.parse::<i64>()
    {
        return Some(PeerText::Id(id));
    }
    if let Some(q) = t.strip_prefix("tg://resolve?") {
        return q
            .split('&')
            .find_map(|kv| kv.strip_prefix("domain="))
            .filter(|u| valid_username(u))
            .map(|u| PeerText::Username(u.to_ascii_lowercase()));
    }
    let link = t
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    for host in ["t.me/", "telegram.me/", "telegram.dog/"] {
        if let Some(path) = link.strip_prefix(host) {
            let path = path
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .trim_end_matches('/');
            if let Some(hash) = path
                .strip_prefix("joinchat/")
                .or_else(|| path.strip_prefix('+'))
            {
                return (!hash.is_empty()).then(|| PeerText::Invite(hash.to_owned()));
            }
            // t.me/username or t.me/username/123 (a message link).
            let name = path.split('/').next().unwrap_or("");
            return valid_username(name).then(|| PeerText::Username(name.to_ascii_lowercase()));
        }
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if t.starts_with('+')
        && digits.len() >= 5
        && t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
    {
        return Some(PeerText::Phone(digits));
    }
    let name = t.strip_prefix('@').unwrap_or(t);
    valid_username(name).then(|| PeerText::Username(name.to_ascii_lowercase()))
}

/// The cache entry for a user.
pub(crate) fn user_peer(u: &enums::User) -> Option<PeerInfo> {
    let enums::User::User(u) = u else { return None };
    let name = [u.first_name.as_deref(), u.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Some(PeerInfo {
        id: u.id,
        kind: if u.bot { PeerKind::Bot } else { PeerKind::User },
        access_hash: u.access_hash,
        username: u.username.as_deref().map(str::to_owned),
        phone: u.phone.as_deref().map(str::to_owned),
        name: (!name.is_empty()).then_some(name),
        min: u.min,
        migrated_to: None,
    })
}

/// The cache entry of the supergroup a basic group became, from the group's
/// `migrated_to` (which carries the supergroup's access hash).
pub(crate) fn migrated_peer(c: &enums::Chat) -> Option<PeerInfo> {
    let enums::Chat::Chat(c) = c else {
        return None;
    };
    let Some(enums::InputChannel::InputChannel(to)) = &c.migrated_to else {
        return None;
    };
    Some(PeerInfo {
        id: to.channel_id,
        kind: PeerKind::Megagroup,
        access_hash: Some(to.access_hash),
        username: None,
        phone: None,
        name: None,
        min: false,
        migrated_to: None,
    })
}

/// The cache entry for a chat or channel.
pub(crate) fn chat_peer(c: &enums::Chat) -> Option<PeerInfo> {
    match c {
        enums::Chat::Chat(c) => Some(PeerInfo {
            id: c.id,
            kind: PeerKind::Chat,
            access_hash: None,
            username: None,
            phone: None,
            name: Some(c.title.to_string()),
            min: false,
            migrated_to: match &c.migrated_to {
                Some(enums::InputChannel::InputChannel(to)) => Some(to.channel_id),
                _ => None,
            },
        }),
        enums::Chat::Channel(c) => Some(PeerInfo {
            id: c.id,
            kind: if c.megagroup {
                PeerKind::Megagroup
            } else {
                PeerKind::Channel
            },
            access_hash: c.access_hash,
            username: c.username.as_deref().map(str::to_owned),
            phone: None,
            name: Some(c.title.to_string()),
            min: c.min,
            migrated_to: None,
        }),
        enums::Chat::Community(c) => Some(PeerInfo {
            id: c.id,
            kind: PeerKind::Community,
            access_hash: c.access_hash,
            username: None,
            phone: None,
            name: Some(c.title.to_string()),
            min: c.min,
            migrated_to: None,
        }),
        _ => None,
    }
}

impl Client {
    /// Resolves anything Telethon's `get_input_entity` accepts into an
    /// `InputPeer`. The peer cache answers first; the network is asked only when
    /// it has nothing (`contacts.resolveUsername`, `contacts.resolvePhone`,
    /// `messages.checkChatInvite`). Bare ids must already be cached (an access
    /// hash cannot be guessed), as in Telethon.
    pub async fn get_input_entity(
        &self,
        peer: impl Into<PeerRef>,
    ) -> Result<enums::InputPeer, InvocationError> {
        let text = match peer.into() {
            PeerRef::Input(p) => return Ok(p),
            PeerRef::Id(id) => return self.cached_id(id),
            PeerRef::Text(t) => t,
        };
        let unresolved = |why: &str| InvocationError::Unresolved(format!("{text:?}: {why}"));
        match parse(&text).ok_or_else(|| unresolved("not a username, link, phone number or id"))? {
            PeerText::Me => Ok(enums::InputPeer::InputPeerSelf),
            PeerText::Id(id) => self.cached_id(id),
            PeerText::Username(name) => {
                if let Some(p) = self.session().peer_by_username(&name)
                    && !p.min
                {
                    return Ok(input_peer(&p));
                }
                let enums::contacts::ResolvedPeer::ResolvedPeer(r) = self
                    .invoke(&functions::contacts::ResolveUsername {
                        username: name.as_str().into(),
                        referer: None,
                    })
                    .await
                    .map_err(|e| {
                        if e.is("USERNAME_NOT_OCCUPIED") || e.is("USERNAME_INVALID") {
                            unresolved("no such username")
                        } else {
                            e
                        }
                    })?;
                self.peer_of(&r.peer)
                    .ok_or_else(|| unresolved("the answer did not include the peer"))
            }
            PeerText::Phone(phone) => {
                if let Some(p) = self.session().peer_by_phone(&phone) {
                    return Ok(input_peer(&p));
                }
                let enums::contacts::ResolvedPeer::ResolvedPeer(r) = self
                    .invoke(&functions::contacts::ResolvePhone {
                        phone: phone.into(),
                    })
                    .await
                    .map_err(|e| {
                        if e.is("PHONE_NOT_OCCUPIED") {
                            unresolved("no account with this phone")
                        } else {
                            e
                        }
                    })?;
                self.peer_of(&r.peer)
                    .ok_or_else(|| unresolved("the answer did not include the peer"))
            }
            PeerText::Invite(hash) => {
                let invite = self
                    .invoke(&functions::messages::CheckChatInvite { hash: hash.into() })
                    .await?;
                match invite {
                    enums::ChatInvite::Already(a) => {
                        let p = chat_peer(&a.chat)
                            .ok_or_else(|| unresolved("the chat is not accessible"))?;
                        self.session().save_peers(std::slice::from_ref(&p))?;
                        Ok(input_peer(&p))
                    }
                    enums::ChatInvite::Peek(p) => {
                        let info = chat_peer(&p.chat)
                            .ok_or_else(|| unresolved("the chat is not accessible"))?;
                        Ok(input_peer(&info))
                    }
                    _ => Err(unresolved(
                        "an invite to a chat we are not in (join it first with Client::accept_invite)",
                    )),
                }
            }
        }
    }

    /// Joins the chat an invite link opens (`t.me/+HASH`, `t.me/joinchat/HASH`
    /// or the bare hash) with `messages.importChatInvite`, and returns it. Already
    /// being a member is not an error: the chat is returned all the same.
    pub async fn accept_invite(&self, link: &str) -> Result<enums::InputPeer, InvocationError> {
        let hash = match parse(link) {
            Some(PeerText::Invite(hash)) => hash,
            _ if !link.is_empty() && !link.contains(['/', '.', '@', ' ']) => link.to_owned(),
            _ => {
                return Err(InvocationError::Unresolved(format!(
                    "{link:?}: not an invite link"
                )));
            }
        };
        let joined = self
            .invoke(&functions::messages::ImportChatInvite {
                hash: hash.as_str().into(),
            })
            .await;
        let updates = match joined {
            Ok(enums::messages::ChatInviteJoinResult::Ok(ok)) => ok.updates,
            Ok(_) => {
                return Err(InvocationError::Unsupported(
                    "invites that open a bot web view",
                ));
            }
            Err(e) if e.is("USER_ALREADY_PARTICIPANT") => {
                return self.get_input_entity(format!("https://t.me/+{hash}")).await;
            }
            Err(e) => return Err(e),
        };
        let chats = match &updates {
            enums::Updates::Updates(u) => &u.chats,
            enums::Updates::Combined(u) => &u.chats,
            _ => {
                return Err(InvocationError::UnexpectedAnswer {
                    method: "messages.importChatInvite",
                    what: "updates that name no chat",
                });
            }
        };
        let peer = chats
            .iter()
            .find_map(chat_peer)
            .ok_or(InvocationError::UnexpectedAnswer {
                method: "messages.importChatInvite",
                what: "updates that name no chat",
            })?;
        self.session().save_peers(std::slice::from_ref(&peer))?;
        Ok(input_peer(&peer))
    }

    fn cached_id(&self, id: i64) -> Result<enums::InputPeer, InvocationError> {
        if let Some(p) = self.session().peer(id) {
            return Ok(input_peer(&p));
        }
        if (-(ferrogram_session::CHANNEL_MARK - 1)..0).contains(&id) {
            // A basic group's marked id: basic groups have no access hash.
            return Ok(enums::InputPeer::from(types::InputPeerChat {
                // In (-10^12, 0): the negation cannot overflow.
                chat_id: id.saturating_neg(),
            }));
        }
        Err(InvocationError::Unresolved(format!(
            "{id}: not in the peer cache (an id alone carries no access hash; \
             resolve the username, or fetch a message or participant list that includes it)"
        )))
    }

    /// The cached input peer for a `Peer` just returned by the server.
    fn peer_of(&self, peer: &enums::Peer) -> Option<enums::InputPeer> {
        let marked = match peer {
            enums::Peer::User(u) => u.user_id,
            enums::Peer::Chat(c) => marked_id(PeerKind::Chat, c.chat_id),
            enums::Peer::Channel(c) => marked_id(PeerKind::Channel, c.channel_id),
        };
        self.session().peer(marked).map(|p| input_peer(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_peer_ids_do_not_overflow() {
        // Each of these overflowed (a debug-build panic) before saturating.
        for id in [i64::MAX, i64::MIN, i64::MAX - 999_999_999_999] {
            let _ = PeerRef::from(&enums::Peer::Channel(types::PeerChannel { channel_id: id }));
            let _ = PeerRef::from(&enums::Peer::Chat(types::PeerChat { chat_id: id }));
        }
        let c = PeerRef::from(&enums::Peer::Chat(types::PeerChat { chat_id: i64::MIN }));
        assert!(matches!(c, PeerRef::Id(i64::MAX)));
    }

    #[test]
    fn every_textual_form_parses() {
        let u = |s: &str| Some(PeerText::Username(s.into()));
        assert_eq!(parse("me"), Some(PeerText::Me));
        assert_eq!(parse("@Ada_Admin"), u("ada_admin"));
        assert_eq!(parse("ada_admin"), u("ada_admin"));
        assert_eq!(parse("https://t.me/ada_admin"), u("ada_admin"));
        assert_eq!(parse("t.me/ada_admin/123"), u("ada_admin"));
        assert_eq!(parse("telegram.me/ada_admin?start=x"), u("ada_admin"));
        assert_eq!(
            parse("tg://resolve?domain=ada_admin&post=1"),
            u("ada_admin")
        );
        assert_eq!(
            parse("https://t.me/+AbCd_123"),
            Some(PeerText::Invite("AbCd_123".into()))
        );
        assert_eq!(
            parse("t.me/joinchat/XYZ"),
            Some(PeerText::Invite("XYZ".into()))
        );
        assert_eq!(
            parse("+1 (555) 010-0123"),
            Some(PeerText::Phone("15550100123".into()))
        );
        assert_eq!(
            parse("-1001234567890"),
            Some(PeerText::Id(-1_001_234_567_890))
        );
        assert_eq!(parse("42"), Some(PeerText::Id(42)));
        // A phone number without spaces is not an id.
        assert_eq!(
            parse("+15550100123"),
            Some(PeerText::Phone("15550100123".into()))
        );
        assert_eq!(parse("+1234"), None, "too short for a phone");
        assert_eq!(parse("ab"), None);
        assert_eq!(parse("t.me/"), None);
        assert_eq!(parse("not a peer!"), None);
    }

    #[test]
    fn every_peer_type_and_string_converts() {
        let owned = String::from("@ada_admin");
        assert_eq!(PeerRef::from(&owned), PeerRef::Text(owned.clone()));
        assert_eq!(PeerRef::from(7i32), PeerRef::Id(7));
        let peer = |p: enums::Peer| PeerRef::from(&p);
        assert_eq!(
            peer(enums::Peer::from(types::PeerChat { chat_id: 5 })),
            PeerRef::Id(-5)
        );
        assert_eq!(
            peer(enums::Peer::from(types::PeerChannel { channel_id: 9 })),
            PeerRef::Id(-1_000_000_000_009)
        );
        let user = types::User {
            id: 42,
            access_hash: Some(99),
            ..types::User::default()
        };
        let input = PeerRef::Input(enums::InputPeer::from(types::InputPeerUser {
            user_id: 42,
            access_hash: 99,
        }));
        assert_eq!(PeerRef::from(&user), input);
        assert_eq!(
            PeerRef::from(&enums::InputUser::from(types::InputUser {
                user_id: 42,
                access_hash: 99,
            })),
            input
        );
        let min = types::User {
            id: 42,
            access_hash: None,
            ..types::User::default()
        };
        assert_eq!(PeerRef::from(&min), PeerRef::Id(42));
        let channel = enums::InputChannel::from(types::InputChannel {
            channel_id: 9,
            access_hash: 3,
        });
        assert_eq!(
            PeerRef::from(&channel),
            PeerRef::Input(enums::InputPeer::from(types::InputPeerChannel {
                channel_id: 9,
                access_hash: 3,
            }))
        );
        assert_eq!(PeerRef::from(&input), input);
        assert_eq!(PeerRef::from(channel.clone()), PeerRef::from(&channel));
        assert_eq!(PeerRef::from(&enums::User::from(user)), input);
        let text = PeerRef::Text("@ada".into());
        assert_eq!(PeerRef::from(std::borrow::Cow::Borrowed("@ada")), text);
        assert_eq!(PeerRef::from(Box::<str>::from("@ada")), text);
        assert_eq!(PeerRef::from(std::sync::Arc::<str>::from("@ada")), text);
    }
}
