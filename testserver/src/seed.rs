//! The default world: synthetic members with varied names, the default chats
//! in every role, their photos and admin-log history.

use ferrogram_tl_types::{enums, types};

use crate::chats::{ChatKind, Participant, Role, all_admin_rights};
use crate::world::World;

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Sophie",
    "Lukas",
    "Emma",
    "Noah",
    "Olivia",
    "Mateo",
    "Camille",
    "Hugo",
    "Giulia",
    "Marco",
    "Aiko",
    "Haruto",
    "Yuna",
    "Minjun",
    "Seo-yeon",
    "Wei",
    "Mei",
    "Arjun",
    "Priya",
    "Ananya",
    "Fatima",
    "Omar",
    "Layla",
    "Yusuf",
    "Amara",
    "Kwame",
    "Chiamaka",
    "Tendai",
    "Zanele",
    "Kofi",
    "Olga",
    "Dmitri",
    "Anastasia",
    "Ivan",
    "Katarzyna",
    "Piotr",
    "Eszter",
    "Bence",
    "Ingrid",
    "Lars",
    "Freya",
    "Björn",
    "Aoife",
    "Cian",
    "Siobhan",
    "Mariana",
    "João",
    "Lucía",
    "Diego",
    "Valentina",
    "Santiago",
    "Ximena",
    "Tomás",
    "Elif",
    "Emre",
    "Zeynep",
    "Nikos",
    "Eleni",
    "Jamal",
    "Aaliyah",
    "Darnell",
    "Keisha",
    "Zoë",
    "Chloé",
    "Åsa",
    "Søren",
    "Niamh",
    "محمد",
    "Алексей",
    "Мария",
    "李",
    "王芳",
    "さくら",
    "Thảo",
    "Nguyễn",
    "Kiri",
    "Aroha",
    "Tane",
];

const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Müller",
    "Schmidt",
    "Dubois",
    "Martin",
    "Rossi",
    "Bianchi",
    "García",
    "Fernández",
    "Silva",
    "Santos",
    "Kowalski",
    "Nowak",
    "Nagy",
    "Horváth",
    "Andersson",
    "Johansson",
    "Hansen",
    "Nielsen",
    "Murphy",
    "O'Brien",
    "Ivanova",
    "Petrov",
    "Smirnov",
    "Yılmaz",
    "Kaya",
    "Papadopoulos",
    "Tanaka",
    "Suzuki",
    "Kim",
    "Park",
    "Lee",
    "Chen",
    "Wang",
    "Zhang",
    "Patel",
    "Sharma",
    "Singh",
    "Khan",
    "Haddad",
    "Mensah",
    "Okafor",
    "Mokoena",
    "Nkosi",
    "Diallo",
    "Johnson",
    "Williams",
    "Brown",
    "Nguyen",
    "Tran",
    "Wiremu",
    "",
];

/// A realistic, varied name for synthetic member `i` of `total` (deterministic).
pub(crate) fn synthetic_name(i: usize, total: usize) -> (String, String) {
    let h = (i as u64)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .rotate_left(17);
    let first = FIRST[(h % FIRST.len() as u64) as usize];
    let last = LAST[((h >> 20) % LAST.len() as u64) as usize];
    if total <= 10_000 {
        return (first.to_owned(), last.to_owned());
    }
    // Large groups have more varied names than the lists hold: above 10,000
    // members, double-barrelled surnames, so that no full name is shared by
    // more members than a search returns, as in real groups. (A member whose
    // every name word is shared by more than the search cap, and who has no
    // username, is beyond any search, on Telegram too.)
    let second = (0..LAST.len())
        .map(|k| LAST[(((h >> 40) as usize) + k) % LAST.len()])
        .find(|s| !s.is_empty())
        .unwrap_or("Smith");
    (first.to_owned(), format!("{last}-{second}"))
}

/// The ASCII username of synthetic member `i`, for about one in three of them.
pub(crate) fn synthetic_username(i: usize, first: &str) -> Option<String> {
    if !i.is_multiple_of(3) {
        return None;
    }
    let base: String = first
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    let base = if base.len() < 3 {
        "member".to_owned()
    } else {
        base
    };
    Some(format!("{base}_{i}"))
}

/// Placeholder photo bytes: a JPEG's start and end markers around `len`
/// deterministic bytes (a test file, not a decodable picture).
pub(crate) fn placeholder_photo(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    out.extend((0..len).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    out.extend([0xFF, 0xD9]);
    out
}

/// Gives `chat` a photo set by `by` at `date`, as `editPhoto` does: the current
/// photo, a service message and (not in basic groups) an admin-log event.
pub(crate) fn seed_chat_photo(world: &mut World, chat: i64, by: i64, date: i32, seed: u64) {
    seed_photo(world, chat, by, date, seed, true);
}

/// [`seed_chat_photo`], with or without the service message. Without: the
/// photo is current (in the full chat) but no `messages.search` with the
/// chat-photos filter finds it, as Telegram answers for some broadcast
/// channels (Telethon's `_ProfilePhotoIter` fetches the full channel for that
/// reason, telethon/client/chats.py).
fn seed_photo(world: &mut World, chat: i64, by: i64, date: i32, seed: u64, message: bool) {
    let dc = world.home_dc;
    let id = world.add_photo(chat, date, dc, placeholder_photo(seed, 6_000));
    let Some(photo) = world.photo_view(id) else {
        return;
    };
    let Some(c) = world.chats.get_mut(&chat) else {
        return;
    };
    c.photo = Some(id);
    if c.kind != ChatKind::Group {
        c.log(
            date,
            by,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangePhoto {
                prev_photo: enums::Photo::Empty(types::PhotoEmpty { id: 0 }),
                new_photo: photo.clone(),
            }),
        );
    }
    if message {
        c.add_service(
            date,
            by,
            enums::MessageAction::from(types::MessageActionChatEditPhoto { photo }),
        );
    }
}

/// Fills the default chat world: a supergroup `@ferrogram_lounge` with `members`
/// synthetic members in every role (admins with varied rights and ranks,
/// restricted, kicked, left, bots), a broadcast channel `@ferrogram_news` and a
/// basic group, all created by `owner`, with `bot` an admin with every right.
pub(crate) fn seed_default_chats(
    world: &mut World,
    owner: i64,
    bot: i64,
    now: i32,
    members: usize,
) {
    let lounge = world.create_chat(
        ChatKind::Supergroup,
        "Ferrogram Lounge",
        owner,
        now - 400 * 86_400,
    );
    let news = world.create_chat(
        ChatKind::Channel,
        "Ferrogram News",
        owner,
        now - 300 * 86_400,
    );
    let team = world.create_chat(ChatKind::Group, "Ferrogram Team", owner, now - 200 * 86_400);
    let synthetic = synthetic_accounts(world, members);
    if let Some(c) = world.chats.get_mut(&lounge) {
        c.username = Some("ferrogram_lounge".into());
        c.about = "Where Ferrogram's users meet.".into();
        c.add(
            bot,
            bot_admin(owner, Some("bot")),
            now - 399 * 86_400,
            owner,
        );
        let n = synthetic.len().max(1) as i32;
        for (i, &user) in synthetic.iter().enumerate() {
            // Joined over the last year, in order.
            let date = now - 365 * 86_400 + (i as i32) * (365 * 86_400 / n);
            c.add(user, lounge_role(i, owner, now), date, owner);
        }
    }
    world.seed_admin_log(lounge);
    seed_chat_photo(world, lounge, owner, now - 40 * 86_400, 1);
    if let Some(c) = world.chats.get_mut(&lounge) {
        c.log(
            now - 30 * 86_400,
            owner,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionChangeAbout {
                prev_value: Default::default(),
                new_value: c.about.as_str().into(),
            }),
        );
    }
    if let Some(c) = world.chats.get_mut(&news) {
        c.username = Some("ferrogram_news".into());
        c.about = "Releases and notes.".into();
        for i in 1..=20 {
            c.add_message(
                now - 280 * 86_400 + i * 14 * 86_400,
                owner,
                format!("Ferrogram release notes #{i}"),
                None,
            );
        }
        c.add(bot, bot_admin(owner, None), now - 299 * 86_400, owner);
        for (i, &user) in synthetic.iter().take(members / 5).enumerate() {
            let date = now - 290 * 86_400 + i as i32 * 600;
            c.add(user, Role::Member, date, user);
        }
    }
    if let Some(c) = world.chats.get_mut(&team) {
        c.add(bot, bot_admin(owner, None), now - 199 * 86_400, owner);
        for (i, &user) in synthetic.iter().take(10).enumerate() {
            let date = now - 190 * 86_400 + i as i32 * 3600;
            c.add(user, Role::Member, date, owner);
        }
    }
    // Every default chat has a photo. The news channel's was set after its
    // posts and, as on some broadcast channels of Telegram, without a service
    // message for it: only the full channel shows it.
    seed_photo(world, news, owner, now - 60, 2, false);
    seed_chat_photo(world, team, owner, now - 150 * 86_400, 3);
}

/// `n` synthetic accounts with varied names (every 50th a bot), by id.
fn synthetic_accounts(world: &mut World, n: usize) -> Vec<i64> {
    let home = world.home_dc;
    (0..n)
        .map(|i| {
            let (first, last) = synthetic_name(i, n);
            let is_bot = i % 50 == 1;
            let id = world.create_account(&first, &last, None, is_bot, home);
            let username = if is_bot {
                Some(format!("helper{i}_bot"))
            } else {
                synthetic_username(i, &first)
            };
            if let Some(a) = world.accounts.get_mut(&id) {
                a.username = username;
            }
            id
        })
        .collect()
}

/// The default bot's standing in the default chats: every right.
fn bot_admin(owner: i64, rank: Option<&str>) -> Role {
    Role::Admin {
        rights: all_admin_rights(),
        rank: rank.map(str::to_owned),
        promoted_by: owner,
    }
}

/// The role of synthetic member `i` of the lounge: eight admins with four
/// kinds of rights, then every so often a restricted, a kicked and a departed
/// member; the rest plain members.
fn lounge_role(i: usize, owner: i64, now: i32) -> Role {
    let rights = |f: &dyn Fn(&mut types::ChatAdminRights)| {
        let mut r = types::ChatAdminRights::default();
        f(&mut r);
        r
    };
    if i < 8 {
        let (rights, rank) = match i % 4 {
            0 => (
                rights(&|r| {
                    r.delete_messages = true;
                    r.ban_users = true;
                    r.pin_messages = true;
                }),
                Some("Moderator"),
            ),
            1 => (
                rights(&|r| {
                    r.change_info = true;
                    r.invite_users = true;
                }),
                None,
            ),
            2 => (
                rights(&|r| {
                    r.delete_messages = true;
                    r.ban_users = true;
                    r.invite_users = true;
                    r.pin_messages = true;
                    r.add_admins = true;
                    r.manage_call = true;
                }),
                Some("Co-owner"),
            ),
            _ => (rights(&|r| r.invite_users = true), Some("Greeter")),
        };
        Role::Admin {
            rights,
            rank: rank.map(str::to_owned),
            promoted_by: owner,
        }
    } else if i % 97 == 5 {
        Role::Restricted {
            rights: types::ChatBannedRights {
                send_media: true,
                send_photos: true,
                send_videos: true,
                embed_links: true,
                until_date: if i.is_multiple_of(2) { 0 } else { now + 86_400 },
                ..types::ChatBannedRights::default()
            },
            kicked_by: owner,
        }
    } else if i % 89 == 7 {
        Role::Banned {
            rights: types::ChatBannedRights {
                view_messages: true,
                until_date: 0,
                ..types::ChatBannedRights::default()
            },
            kicked_by: owner,
        }
    } else if i % 83 == 11 {
        Role::Left
    } else {
        Role::Member
    }
}

impl World {
    /// Seeds admin-log history for the default chats: each admin's promotion and
    /// each restriction and ban, at the participant's date.
    pub(crate) fn seed_admin_log(&mut self, chat: i64) {
        let Some(c) = self.chats.get(&chat) else {
            return;
        };
        let mut events = Vec::new();
        for p in &c.participants {
            let member = self.participant_view(
                &Participant {
                    role: Role::Member,
                    ..p.clone()
                },
                0,
            );
            let now_view = self.participant_view(p, 0);
            match &p.role {
                Role::Admin { promoted_by, .. } => events.push((
                    p.date + 60,
                    *promoted_by,
                    p.user,
                    enums::ChannelAdminLogEventAction::from(
                        types::ChannelAdminLogEventActionParticipantToggleAdmin {
                            prev_participant: member,
                            new_participant: now_view,
                        },
                    ),
                )),
                Role::Restricted { kicked_by, .. } | Role::Banned { kicked_by, .. } => {
                    events.push((
                        p.date + 120,
                        *kicked_by,
                        p.user,
                        enums::ChannelAdminLogEventAction::from(
                            types::ChannelAdminLogEventActionParticipantToggleBan {
                                prev_participant: member,
                                new_participant: now_view,
                            },
                        ),
                    ))
                }
                _ => {}
            }
        }
        events.sort_by_key(|e| e.0);
        let c = self.chats.get_mut(&chat).expect("exists");
        for (date, actor, target, action) in events {
            c.log(date, actor, Some(target), action);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chats::name_matches;

    #[test]
    fn the_word_index_finds_exactly_what_a_scan_finds() {
        let mut w = World::new([7; 32], 2);
        let owner = w.create_account("Ada", "Admin", None, false, 2);
        let bot = w.create_account("Bot", "", None, true, 2);
        seed_default_chats(&mut w, owner, bot, 1_800_000_000, 3000);
        let lounge = *w
            .chats
            .iter()
            .find(|(_, c)| c.username.as_deref() == Some("ferrogram_lounge"))
            .unwrap()
            .0;
        let chat = &w.chats[&lounge];
        for q in [
            "a", "Ma", "MAR", "мар", "ü", "helper1", "zz", "ada_", " li ",
        ] {
            let scan: Vec<i64> = chat
                .participants
                .iter()
                .rev()
                .filter(|p| p.is_member())
                .filter(|p| {
                    let a = &w.accounts[&p.user];
                    name_matches(&a.first_name, &a.last_name, a.username.as_deref(), q)
                })
                .map(|p| p.user)
                .collect();
            let indexed: Vec<i64> = w.search_members(chat, q).iter().map(|p| p.user).collect();
            assert_eq!(indexed, scan, "query {q:?}");
        }
    }
}
