//! `ferrogram demo`: each step prints what it did and fails loudly if the result is
//! not what it should be.

use ferrogram_tl_types::{Deserializable, Serializable, enums, types};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// `channels.channelParticipants` with 200 participants, encoded by Telethon 1.45.0
/// (`peers/make_fixtures.py`): a stand-in for a capture.
pub const PARTICIPANTS: &[u8] = include_bytes!("../fixtures/channel_participants_200.bin");
/// `messages.messages` with 100 messages, encoded by Telethon 1.45.0.
pub const MESSAGES: &[u8] = include_bytes!("../fixtures/messages_100.bin");

pub fn run() -> Result<(), String> {
    let started = Instant::now();
    println!(
        "Ferrogram demo: Telegram API layer {}\n",
        ferrogram_tl_types::LAYER
    );
    let members = participants()?;
    let messages = history()?;
    let handshake = crate::handshake::run()?;
    println!(
        "\nok: {members} participants and {messages} messages decoded and re-encoded byte for byte; \
         embedded test server: connected over TCP in {handshake:.1?}, bot and 2FA user signed in, a message passed; all in {:.1?}",
        started.elapsed()
    );
    Ok(())
}

/// Decodes `bytes` as `T` `rounds` times and reports the mean time per decode.
fn time_decode<T: Deserializable>(bytes: &[u8], rounds: u32) -> Result<(T, Duration), String> {
    let start = Instant::now();
    for _ in 1..rounds {
        T::from_bytes(bytes).map_err(|e| e.to_string())?;
    }
    let value = T::from_bytes(bytes).map_err(|e| e.to_string())?;
    Ok((value, start.elapsed() / rounds))
}

fn check_reencode<T: Serializable>(value: &T, original: &[u8]) -> Result<(), String> {
    let again = value.to_bytes();
    if again != original {
        let at = again
            .iter()
            .zip(original)
            .position(|(a, b)| a != b)
            .unwrap_or(again.len().min(original.len()));
        return Err(format!("re-encoding differs from the capture at byte {at}"));
    }
    println!(
        "  re-encoded: {} bytes, identical to the capture",
        again.len()
    );
    Ok(())
}

fn participants() -> Result<usize, String> {
    println!(
        "== channels.channelParticipants ({} bytes, encoded by Telethon 1.45.0)",
        PARTICIPANTS.len()
    );
    let (decoded, took) = time_decode::<enums::channels::ChannelParticipants>(PARTICIPANTS, 200)?;
    let enums::channels::ChannelParticipants::ChannelParticipants(list) = decoded else {
        return Err(
            "expected channels.channelParticipants, got channels.channelParticipantsNotModified"
                .into(),
        );
    };
    println!(
        "  decoded in {took:.1?}: {} participants (of {} in the group), {} users",
        list.participants.len(),
        list.count,
        list.users.len()
    );
    let users: std::collections::HashMap<i64, &types::User> = list
        .users
        .iter()
        .filter_map(|u| match u {
            enums::User::User(u) => Some((u.id, u.as_ref())),
            enums::User::Empty(_) => None,
        })
        .collect();
    let mut table = String::new();
    let _ = writeln!(
        table,
        "  {:<10} {:>12}  {:<24} {:<22} rank / restriction",
        "role", "user id", "name", "username"
    );
    let mut counts = [0usize; 5];
    let mut shown = 0;
    for p in &list.participants {
        let (role, id, extra) = describe(p);
        counts[role as usize] += 1;
        if shown >= 12 && !matches!(role, Role::Creator) {
            continue;
        }
        shown += 1;
        let user = id.and_then(|id| users.get(&id));
        let name = user
            .map(|u| {
                let mut n = u.first_name.clone().unwrap_or_default();
                if let Some(l) = &u.last_name {
                    n.push(' ');
                    n.push_str(l);
                }
                n
            })
            .unwrap_or_else(|| "?".into());
        let username = user
            .and_then(|u| u.username.as_deref())
            .map(|u| format!("@{u}"))
            .unwrap_or_default();
        let _ = writeln!(
            table,
            "  {:<10} {:>12}  {:<24} {:<22} {}",
            role.name(),
            id.map(|i| i.to_string()).unwrap_or_default(),
            truncate(&name, 24),
            truncate(&username, 22),
            extra
        );
    }
    print!("{table}");
    println!("  ... showing {shown} of {}", list.participants.len());
    println!(
        "  by role: {} creator, {} admins, {} members, {} restricted, {} banned",
        counts[0], counts[1], counts[2], counts[3], counts[4]
    );
    let missing = list
        .participants
        .iter()
        .filter_map(|p| describe(p).1)
        .filter(|id| !users.contains_key(id))
        .count();
    if missing > 0 {
        return Err(format!(
            "{missing} participants have no user in the response"
        ));
    }
    check_reencode(
        &enums::channels::ChannelParticipants::from(list.clone()),
        PARTICIPANTS,
    )?;
    Ok(list.participants.len())
}

fn history() -> Result<usize, String> {
    println!(
        "\n== messages.messages ({} bytes, encoded by Telethon 1.45.0)",
        MESSAGES.len()
    );
    let (decoded, took) = time_decode::<enums::messages::Messages>(MESSAGES, 200)?;
    let enums::messages::Messages::Messages(history) = &decoded else {
        return Err("expected messages.messages".into());
    };
    let texts: Vec<&types::Message> = history
        .messages
        .iter()
        .filter_map(|m| match m {
            enums::Message::Message(m) => Some(&**m),
            _ => None,
        })
        .collect();
    let replies = texts.iter().filter(|m| m.reply_to.is_some()).count();
    let with_entities = texts
        .iter()
        .filter(|m| m.entities.as_ref().is_some_and(|e| !e.is_empty()))
        .count();
    println!(
        "  decoded in {took:.1?}: {} messages ({replies} replies, {with_entities} with formatting), {} users, {} chats",
        history.messages.len(),
        history.users.len(),
        history.chats.len()
    );
    if let Some(first) = texts.first() {
        println!(
            "  first: #{} \"{}\"",
            first.id,
            truncate(&first.message, 60)
        );
    }
    check_reencode(&decoded, MESSAGES)?;
    Ok(history.messages.len())
}

#[derive(Clone, Copy)]
enum Role {
    Creator = 0,
    Admin = 1,
    Member = 2,
    Restricted = 3,
    Banned = 4,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Creator => "creator",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Restricted => "restricted",
            Role::Banned => "banned",
        }
    }
}

fn describe(p: &enums::ChannelParticipant) -> (Role, Option<i64>, String) {
    use enums::ChannelParticipant as P;
    match p {
        P::Creator(c) => (
            Role::Creator,
            Some(c.user_id),
            c.rank.clone().unwrap_or_default(),
        ),
        P::Admin(a) => (
            Role::Admin,
            Some(a.user_id),
            a.rank.clone().unwrap_or_default(),
        ),
        P::ChannelParticipant(m) => (Role::Member, Some(m.user_id), String::new()),
        P::ChannelParticipantSelf(m) => (Role::Member, Some(m.user_id), "(you)".into()),
        P::Banned(b) => {
            let id = match &b.peer {
                enums::Peer::User(u) => Some(u.user_id),
                _ => None,
            };
            let enums::ChatBannedRights::ChatBannedRights(r) = &b.banned_rights;
            if r.view_messages {
                (Role::Banned, id, "banned".into())
            } else {
                (Role::Restricted, id, format!("until {}", r.until_date))
            }
        }
        P::Left(l) => (
            Role::Member,
            match &l.peer {
                enums::Peer::User(u) => Some(u.user_id),
                _ => None,
            },
            "left".into(),
        ),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
