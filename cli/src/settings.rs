//! `ferrogram settings`: a chat's switches, shown or flipped (chat-mgmt's
//! [`Moderation::set_chat_setting`]).

use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::{ChatSetting, Moderation, Reactions};

use crate::error::CliError;
use crate::output::{cell, parse_duration};

/// On or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    /// Turned on.
    On,
    /// Turned off.
    Off,
}

impl Switch {
    fn on(self) -> bool {
        self == Self::On
    }
}

/// `ferrogram settings`'s arguments; with no switch given, the current
/// settings are shown.
#[derive(clap::Args)]
pub struct Settings {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    /// Members wait this long between messages (0 to turn off; 10s, 30s,
    /// 1m, 5m, 15m or 1h).
    #[arg(long, value_name = "DURATION")]
    slowmode: Option<String>,
    /// Protected content: no forwarding or saving (the owner only).
    #[arg(long, value_enum)]
    protect: Option<Switch>,
    /// Only members may write.
    #[arg(long, value_enum)]
    join_to_send: Option<Switch>,
    /// New members do not see older history.
    #[arg(long, value_enum)]
    hide_history: Option<Switch>,
    /// Hide the member list from members.
    #[arg(long, value_enum)]
    hide_members: Option<Switch>,
    /// Telegram's aggressive anti-spam.
    #[arg(long, value_enum)]
    antispam: Option<Switch>,
    /// Sign a channel's posts.
    #[arg(long, value_enum)]
    signatures: Option<Switch>,
    /// Messages delete themselves this long after they are sent (0 to turn
    /// off; whole days: 1d, 7d, 31d, ... up to a year).
    #[arg(long, value_name = "DURATION")]
    auto_delete: Option<String>,
    /// The reactions members may use: `all`, `none`, or emoji separated by
    /// commas.
    #[arg(long, value_name = "all|none|EMOJI,...")]
    reactions: Option<String>,
    /// With --reactions: at most this many different reactions a message.
    #[arg(long, requires = "reactions")]
    reactions_limit: Option<u32>,
    /// Members who boost this many times (1-8; 0: off) skip slow mode and
    /// the default restrictions.
    #[arg(long, value_name = "BOOSTS")]
    boosts_to_unrestrict: Option<u32>,
    /// A channel's sponsored messages.
    #[arg(long, value_enum)]
    sponsored: Option<Switch>,
}

fn reactions(text: &str) -> Reactions {
    match text {
        "all" => Reactions::All(false),
        "none" => Reactions::None,
        list => Reactions::Some(
            list.split(',')
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect(),
        ),
    }
}

/// The switches asked for, in the order they are applied.
fn asked(s: &Settings) -> Result<Vec<(&'static str, ChatSetting)>, CliError> {
    let mut out = Vec::new();
    if let Some(d) = &s.slowmode {
        let delay = if d == "0" {
            std::time::Duration::ZERO
        } else {
            parse_duration(d)?
        };
        out.push(("slowmode", ChatSetting::SlowMode(delay)));
    }
    let flags = [
        (
            "protect",
            s.protect,
            ChatSetting::ProtectedContent as fn(bool) -> ChatSetting,
        ),
        ("join-to-send", s.join_to_send, ChatSetting::JoinToSend),
        ("hide-history", s.hide_history, ChatSetting::HistoryHidden),
        ("hide-members", s.hide_members, ChatSetting::HiddenMembers),
        ("antispam", s.antispam, ChatSetting::AggressiveAntiSpam),
        ("signatures", s.signatures, ChatSetting::Signatures),
    ];
    for (name, value, make) in flags {
        if let Some(v) = value {
            out.push((name, make(v.on())));
        }
    }
    if let Some(d) = &s.auto_delete {
        let period = if d == "0" {
            std::time::Duration::ZERO
        } else {
            parse_duration(d)?
        };
        out.push(("auto-delete", ChatSetting::AutoDelete(period)));
    }
    if let Some(r) = &s.reactions {
        out.push((
            "reactions",
            ChatSetting::Reactions(reactions(r), s.reactions_limit),
        ));
    }
    if let Some(n) = s.boosts_to_unrestrict {
        out.push(("boosts-to-unrestrict", ChatSetting::BoostsToUnrestrict(n)));
    }
    if let Some(v) = s.sponsored {
        out.push(("sponsored", ChatSetting::SponsoredMessagesOff(!v.on())));
    }
    Ok(out)
}

/// Runs `ferrogram settings`.
pub async fn settings(client: &Client, s: Settings) -> Result<(), CliError> {
    let changes = asked(&s)?;
    for (name, setting) in &changes {
        client
            .set_chat_setting(s.chat.as_str(), setting.clone())
            .await
            .map_err(|e| CliError::from_chat(e, None))?;
        println!("{name} set in {}", s.chat);
    }
    if !changes.is_empty() {
        return Ok(());
    }
    let now = client
        .chat_settings(s.chat.as_str())
        .await
        .map_err(|e| CliError::from_chat(e, None))?;
    let yes = |b: bool| if b { "on" } else { "off" };
    for (k, v) in [
        ("slowmode", format!("{}s", now.slow_mode.as_secs())),
        ("protect", yes(now.protected_content).into()),
        ("join-to-send", yes(now.join_to_send).into()),
        ("hide-history", yes(now.history_hidden).into()),
        ("hide-members", yes(now.hidden_members).into()),
        ("antispam", yes(now.aggressive_anti_spam).into()),
        ("signatures", yes(now.signatures).into()),
        ("auto-delete", format!("{}s", now.auto_delete.as_secs())),
        (
            "reactions",
            match &now.reactions {
                None | Some(Reactions::All(_)) => "all".into(),
                Some(Reactions::Some(e)) => e.join(","),
                Some(_) => "none".into(),
            },
        ),
        (
            "max-reactions",
            now.reactions_limit.map_or("-".into(), |n| n.to_string()),
        ),
        ("boosts", now.boosts_to_unrestrict.to_string()),
        ("sponsored", yes(!now.sponsored_messages_off).into()),
    ] {
        println!("{} {v}", cell(k, 14));
    }
    Ok(())
}
