//! A chat's switches ([`crate::Moderation::set_chat_setting`],
//! [`crate::Moderation::chat_settings`]): slow mode, protected content,
//! join to send, hidden history, hidden members, aggressive anti-spam,
//! signatures.

use std::time::Duration;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions};

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
    })
}
