//! `ferrogram watch`: membership events as they happen, as lines or JSON
//! (chat-mgmt's [`Membership::membership_events`]).

use std::time::Duration;

use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::client::session::{PeerKind, marked_id};
use ferrogram_chat_mgmt::client::tl::enums;
use ferrogram_chat_mgmt::{
    BannedRights, JoinMethod, Membership, MembershipEvent, MembershipEventKind as K,
};

use crate::error::CliError;
use crate::output::{parse_duration, rfc3339};

/// How `ferrogram watch` prints events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WatchFormat {
    /// One line per event for people.
    Lines,
    /// One JSON object per line.
    Json,
}

/// `ferrogram watch`'s arguments.
#[derive(clap::Args)]
pub struct Watch {
    /// Only this chat's events.
    #[arg(long, allow_negative_numbers = true)]
    chat: Option<String>,
    /// Stop after this many events.
    #[arg(long)]
    limit: Option<usize>,
    /// Stop after this long (30s, 10m, 1h, ...).
    #[arg(long = "for", value_name = "DURATION")]
    for_: Option<String>,
    #[arg(long, value_enum, default_value = "lines")]
    format: WatchFormat,
}

/// The event's name and its details as (key, value) pairs.
fn describe(kind: &K) -> (&'static str, Vec<(&'static str, String)>) {
    match kind {
        K::Joined(how) => (
            "joined",
            vec![(
                "method",
                match how {
                    JoinMethod::Link => "link",
                    JoinMethod::Request => "request",
                    JoinMethod::Invited => "invited",
                    JoinMethod::Directly => "directly",
                    _ => "other",
                }
                .into(),
            )],
        ),
        K::Left => ("left", Vec::new()),
        K::Removed => ("removed", Vec::new()),
        K::Banned { until } => (
            "banned",
            vec![("until", until.map_or_else(|| "forever".into(), rfc3339))],
        ),
        K::Unbanned => ("unbanned", Vec::new()),
        K::Restricted { rights } => {
            let denied: Vec<&str> = BannedRights::from(rights)
                .denied()
                .map(|r| r.name())
                .collect();
            ("restricted", vec![("denied", denied.join(","))])
        }
        K::Unrestricted => ("unrestricted", Vec::new()),
        K::Promoted { rank, .. } => ("promoted", vec![("rank", rank.clone().unwrap_or_default())]),
        K::Demoted => ("demoted", Vec::new()),
        K::Edited => ("edited", Vec::new()),
        K::JoinRequested { about } => ("join_request", vec![("about", about.clone())]),
        K::PendingRequests { count, recent } => (
            "pending",
            vec![
                ("count", count.to_string()),
                (
                    "recent",
                    recent
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
            ],
        ),
        _ => ("other", Vec::new()),
    }
}

/// One event as a line of `format`.
pub fn render(e: &MembershipEvent, format: WatchFormat) -> String {
    let (name, details) = describe(&e.kind);
    let invite = e.invite.as_ref().map(|i| i.link.clone());
    match format {
        WatchFormat::Lines => {
            let mut line = format!(
                "{} {} {name} user {} by {}",
                rfc3339(e.date),
                e.chat_id,
                e.user_id,
                e.actor_id
            );
            for (k, v) in details.iter().filter(|(_, v)| !v.is_empty()) {
                line.push_str(&format!(" {k}={v}"));
            }
            if let Some(link) = invite {
                line.push_str(&format!(" via {link}"));
            }
            line
        }
        WatchFormat::Json => {
            let mut o = serde_json::json!({
                "date": rfc3339(e.date),
                "chat_id": e.chat_id,
                "user_id": e.user_id,
                "actor_id": e.actor_id,
                "event": name,
                "invite": invite,
            });
            for (k, v) in details {
                o[k] = serde_json::Value::String(v);
            }
            o.to_string()
        }
    }
}

/// Runs `ferrogram watch` until the limit, the time, or Ctrl-C.
pub async fn watch(client: &Client, w: Watch) -> Result<(), CliError> {
    let only = match &w.chat {
        Some(chat) => Some(
            match client
                .get_input_entity(chat.as_str())
                .await
                .map_err(CliError::from_invocation)?
            {
                enums::InputPeer::Channel(c) => marked_id(PeerKind::Channel, c.channel_id),
                enums::InputPeer::Chat(c) => marked_id(PeerKind::Chat, c.chat_id),
                _ => return Err(CliError::usage(format!("{chat} is not a group or channel"))),
            },
        ),
        None => None,
    };
    let deadline = match &w.for_ {
        Some(d) => Some(tokio::time::Instant::now() + parse_duration(d)?),
        None => None,
    };
    let mut events = client.membership_events();
    events
        .start()
        .await
        .map_err(|e| CliError::from_chat(e, None))?;
    let mut seen = 0;
    while w.limit.is_none_or(|l| seen < l) {
        let wait = deadline.map_or(Duration::MAX, |d| {
            d.saturating_duration_since(tokio::time::Instant::now())
        });
        let next = tokio::select! {
            e = events.next() => e,
            _ = tokio::time::sleep(wait) => return Ok(()),
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(event) = next else {
            return Ok(());
        };
        let event = event.map_err(|e| CliError::from_chat(e, None))?;
        if only.is_some_and(|c| c != event.chat_id) {
            continue;
        }
        println!("{}", render(&event, w.format));
        // Printed is handled: a later `watch` starts after it.
        events.commit().map_err(|e| CliError::from_chat(e, None))?;
        seen += 1;
    }
    Ok(())
}
