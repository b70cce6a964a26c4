//! A chat's switches ([`crate::Moderation::set_chat_setting`],
//! [`crate::Moderation::chat_settings`]): slow mode, protected content,
//! join to send, hidden history, hidden members, aggressive anti-spam,
//! signatures, auto-delete, reactions, boosts that lift restrictions,
//! sponsored messages.

use std::time::Duration;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::target::{Target, channel_object};
use crate::{Error, Result};

/// One switch of a chat, with its new value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatSetting {
    /// Members wait this long between messages (zero: off; Telegram takes
    /// 10 s, 30 s, 1, 5 or 15 min and 1 h). Supergroups; `ban_users`.
    SlowMode(Duration),
    /// No forwarding or saving of the chat's messages. The owner.
    ProtectedContent(bool),
    /// Only members may write (a discussion group). Supergroups;
    /// `ban_users`.
    JoinToSend(bool),
    /// New members do not see the history from before they joined.
    /// Supergroups; `change_info`.
    HistoryHidden(bool),
    /// The member list is hidden from members (from
    /// [`crate::ChatLimits::hidden_members_group_size_min`] members on).
    /// Supergroups; `ban_users`.
    HiddenMembers(bool),
    /// Telegram's aggressive anti-spam (from
    /// [`crate::ChatLimits::antispam_group_size_min`] members on).
    /// Supergroups; `delete_messages`.
    AggressiveAntiSpam(bool),
    /// A broadcast channel's posts are signed. `change_info`.
    Signatures(bool),
    /// New messages delete themselves this long after they are sent
    /// (zero: off; whole days up to a year). `change_info`; basic groups
    /// too.
    AutoDelete(Duration),
    /// The reactions members may use, and at most how many different ones
    /// a message gets (1-11). `change_info`; basic groups too.
    Reactions(Reactions, Option<u32>),
    /// Members who boost the supergroup this many times (1-8; 0: off) skip
    /// slow mode and the default restrictions. Supergroups; `ban_users`.
    BoostsToUnrestrict(u32),
    /// Sponsored messages switched off (true) or on. Broadcast channels;
    /// `change_info`.
    SponsoredMessagesOff(bool),
}

/// The reactions a chat allows ([`ChatSetting::Reactions`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reactions {
    /// Every reaction (custom emoji too when `true`).
    All(bool),
    /// None.
    None,
    /// These emoji.
    Some(Vec<String>),
}

impl Reactions {
    fn to_tl(&self) -> enums::ChatReactions {
        match self {
            Self::All(custom) => enums::ChatReactions::from(types::ChatReactionsAll {
                allow_custom: *custom,
            }),
            Self::None => enums::ChatReactions::None,
            Self::Some(emoji) => enums::ChatReactions::from(types::ChatReactionsSome {
                reactions: emoji
                    .iter()
                    .map(|e| {
                        enums::Reaction::from(types::ReactionEmoji {
                            emoticon: e.as_str().into(),
                        })
                    })
                    .collect(),
            }),
        }
    }

    fn of(r: &enums::ChatReactions) -> Self {
        match r {
            enums::ChatReactions::All(a) => Self::All(a.allow_custom),
            enums::ChatReactions::Some(s) => Self::Some(
                s.reactions
                    .iter()
                    .filter_map(|r| match r {
                        enums::Reaction::Emoji(e) => Some(e.emoticon.to_string()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => Self::None,
        }
    }
}

/// A chat's switches as they are ([`crate::Moderation::chat_settings`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChatSettings {
    /// The slow-mode delay (zero: off).
    pub slow_mode: Duration,
    /// Protected content.
    pub protected_content: bool,
    /// Only members may write.
    pub join_to_send: bool,
    /// New members do not see older history.
    pub history_hidden: bool,
    /// The member list is hidden from members.
    pub hidden_members: bool,
    /// Aggressive anti-spam.
    pub aggressive_anti_spam: bool,
    /// Signed posts.
    pub signatures: bool,
    /// How long messages live (zero: for ever).
    pub auto_delete: Duration,
    /// The reactions allowed (`None`: Telegram's default, all).
    pub reactions: Option<Reactions>,
    /// At most this many different reactions on a message.
    pub reactions_limit: Option<u32>,
    /// Boosts that lift restrictions (0: off).
    pub boosts_to_unrestrict: u32,
    /// Sponsored messages are off.
    pub sponsored_messages_off: bool,
}

/// The group or channel a setting for both names.
fn group_or_channel(target: &Target, what: &str) -> Result<enums::InputPeer> {
    match target {
        Target::Channel { peer, .. } | Target::Chat { peer, .. } => Ok(peer.clone()),
        Target::User { .. } => Err(Error::NotPossibleHere(format!(
            "{what} here is for groups and channels"
        ))),
    }
}

/// The supergroup or channel (the switches exist there, protected content
/// aside).
fn channel_of(target: &Target, what: &str) -> Result<enums::InputChannel> {
    match target {
        Target::Channel { channel, .. } => Ok(channel.clone()),
        Target::Chat { .. } => Err(Error::NeedsSupergroup(format!(
            "{what} exists only in supergroups and channels"
        ))),
        Target::User { .. } => Err(Error::NotPossibleHere(format!(
            "{what} exists in groups and channels"
        ))),
    }
}

pub(crate) async fn set(client: &Client, chat: PeerRef, setting: ChatSetting) -> Result<()> {
    let target = Target::resolve(client, chat).await?;
    use functions::channels as ch;
    match setting {
        ChatSetting::ProtectedContent(enabled) => {
            let peer = match &target {
                Target::Channel { peer, .. } | Target::Chat { peer, .. } => peer.clone(),
                Target::User { .. } => {
                    return Err(Error::NotPossibleHere(
                        "protected content here is for groups and channels".into(),
                    ));
                }
            };
            client
                .invoke(&functions::messages::ToggleNoForwards {
                    peer,
                    enabled,
                    request_msg_id: None,
                })
                .await?;
        }
        ChatSetting::SlowMode(delay) => {
            let channel = channel_of(&target, "slow mode")?;
            let seconds = i32::try_from(delay.as_secs()).unwrap_or(i32::MAX);
            client
                .invoke(&ch::ToggleSlowMode { channel, seconds })
                .await?;
        }
        ChatSetting::JoinToSend(enabled) => {
            let channel = channel_of(&target, "join to send")?;
            client
                .invoke(&ch::ToggleJoinToSend { channel, enabled })
                .await?;
        }
        ChatSetting::HistoryHidden(enabled) => {
            let channel = channel_of(&target, "hidden history")?;
            client
                .invoke(&ch::TogglePreHistoryHidden { channel, enabled })
                .await?;
        }
        ChatSetting::HiddenMembers(enabled) => {
            let channel = channel_of(&target, "a hidden member list")?;
            client
                .invoke(&ch::ToggleParticipantsHidden { channel, enabled })
                .await?;
        }
        ChatSetting::AggressiveAntiSpam(enabled) => {
            let channel = channel_of(&target, "aggressive anti-spam")?;
            client
                .invoke(&ch::ToggleAntiSpam { channel, enabled })
                .await?;
        }
        ChatSetting::AutoDelete(period) => {
            let peer = group_or_channel(&target, "auto-delete")?;
            let period = i32::try_from(period.as_secs()).unwrap_or(i32::MAX);
            client
                .invoke(&functions::messages::SetHistoryTTL { peer, period })
                .await?;
        }
        ChatSetting::Reactions(allowed, limit) => {
            let peer = group_or_channel(&target, "reactions")?;
            client
                .invoke(&functions::messages::SetChatAvailableReactions {
                    available_reactions: allowed.to_tl(),
                    reactions_limit: limit.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
                    ..functions::messages::SetChatAvailableReactions::new(
                        peer,
                        enums::ChatReactions::None,
                    )
                })
                .await?;
        }
        ChatSetting::BoostsToUnrestrict(boosts) => {
            let channel = channel_of(&target, "boosts that lift restrictions")?;
            let boosts = i32::try_from(boosts).unwrap_or(i32::MAX);
            client
                .invoke(&ch::SetBoostsToUnblockRestrictions { channel, boosts })
                .await?;
        }
        ChatSetting::SponsoredMessagesOff(restricted) => {
            let channel = channel_of(&target, "sponsored messages")?;
            client
                .invoke(&ch::RestrictSponsoredMessages {
                    channel,
                    restricted,
                })
                .await?;
        }
        ChatSetting::Signatures(enabled) => {
            let channel = channel_of(&target, "signatures")?;
            client
                .invoke(&ch::ToggleSignatures {
                    signatures_enabled: enabled,
                    profiles_enabled: false,
                    channel,
                })
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn get(client: &Client, chat: PeerRef) -> Result<ChatSettings> {
    let target = Target::resolve(client, chat).await?;
    let channel = channel_of(&target, "these settings")?;
    let object = channel_object(client, &channel).await?;
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::channels::GetFullChannel { channel })
        .await?;
    let enums::ChatFull::ChannelFull(f) = full.full_chat else {
        return Err(Error::UnexpectedAnswer(
            "a basic group's full info for a channel".into(),
        ));
    };
    Ok(ChatSettings {
        slow_mode: Duration::from_secs(
            f.slowmode_seconds
                .and_then(|s| u64::try_from(s).ok())
                .unwrap_or(0),
        ),
        protected_content: object.noforwards,
        join_to_send: object.join_to_send,
        history_hidden: f.hidden_prehistory,
        hidden_members: f.participants_hidden,
        aggressive_anti_spam: f.antispam,
        signatures: object.signatures,
        auto_delete: Duration::from_secs(f.ttl_period.map_or(0, |t| t.max(0) as u64)),
        reactions: f.available_reactions.as_ref().map(Reactions::of),
        reactions_limit: f.reactions_limit.map(|n| n.max(0) as u32),
        boosts_to_unrestrict: f.boosts_unrestrict.map_or(0, |n| n.max(0) as u32),
        sponsored_messages_off: f.restricted_sponsored,
    })
}
