//! Shared inputs of the benchmarks: the same bytes for every implementation;
//! and [`cpu_seconds_of`], the CPU time the client benchmarks measure.
#![deny(unsafe_code)]

/// The tokio runtime a client benchmark runs on: the current-thread one if
/// `current`, else the multi-thread one with 2 workers.
pub fn runtime(current: bool) -> tokio::runtime::Runtime {
    let mut builder = if current {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    };
    builder.enable_all().build().expect("tokio runtime")
}

/// User + system CPU seconds from getrusage, with microsecond resolution: this
/// process with `libc::RUSAGE_SELF`, its waited-for children with
/// `libc::RUSAGE_CHILDREN`. NaN if the call fails.
pub fn cpu_seconds_of(who: libc::c_int) -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` to the valid pointer it is given; the
    // all-zero bytes it starts from are a valid `rusage` too.
    #[allow(unsafe_code)]
    let usage = unsafe {
        if libc::getrusage(who, usage.as_mut_ptr()) != 0 {
            return f64::NAN;
        }
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// `channels.channelParticipants`: 200 participants and 200 users, encoded by Telethon.
pub const PARTICIPANTS: &[u8] = include_bytes!("../../cli/fixtures/channel_participants_200.bin");
/// `messages.messages`: 100 messages, encoded by Telethon.
pub const MESSAGES: &[u8] = include_bytes!("../../cli/fixtures/messages_100.bin");

use ferrogram_tl_types::{Deserializable, Serializable, enums, types};

/// The users of [`PARTICIPANTS`] and the messages of [`MESSAGES`].
fn fixture_parts() -> (Vec<enums::User>, Vec<enums::Message>, Vec<enums::Chat>) {
    let enums::channels::ChannelParticipants::ChannelParticipants(p) =
        enums::channels::ChannelParticipants::from_bytes(PARTICIPANTS).expect("fixture decodes")
    else {
        panic!("the participants fixture holds participants")
    };
    let (messages, chats) =
        match enums::messages::Messages::from_bytes(MESSAGES).expect("fixture decodes") {
            enums::messages::Messages::Messages(m) => (m.messages, m.chats),
            enums::messages::Messages::Slice(m) => (m.messages, m.chats),
            enums::messages::Messages::ChannelMessages(m) => (m.messages, m.chats),
            enums::messages::Messages::NotModified(_) => panic!("the fixture holds messages"),
        };
    (p.users, messages, chats)
}

/// `updates.difference`: the 100 messages of [`MESSAGES`] as new messages and again
/// as `updateNewChannelMessage`s, with 200 users and the chats.
pub fn updates_difference() -> Vec<u8> {
    let (users, messages, chats) = fixture_parts();
    let other_updates = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            enums::Update::from(types::UpdateNewChannelMessage {
                message: m.clone(),
                pts: 1000 + i as i32,
                pts_count: 1,
            })
        })
        .collect();
    enums::updates::Difference::from(types::updates::Difference {
        new_messages: messages,
        new_encrypted_messages: Vec::new(),
        other_updates,
        chats,
        users,
        state: types::updates::State {
            pts: 1100,
            qts: 0,
            date: 1_764_000_000,
            seq: 7,
            unread_count: 3,
        }
        .into(),
    })
    .to_bytes()
}

/// `channels.adminLogResults`: 200 events (bans, promotions, title changes, joins)
/// about the users of [`PARTICIPANTS`], with those users and the chats of [`MESSAGES`].
pub fn admin_log_results() -> Vec<u8> {
    let (users, _, chats) = fixture_parts();
    let ids: Vec<i64> = users
        .iter()
        .map(|u| match u {
            enums::User::User(u) => u.id,
            enums::User::Empty(u) => u.id,
        })
        .collect();
    let rights = types::ChatBannedRights {
        send_media: true,
        embed_links: true,
        until_date: 1_764_003_600,
        ..Default::default()
    };
    let events = ids
        .iter()
        .enumerate()
        .map(|(i, &user_id)| {
            let member = || {
                enums::ChannelParticipant::from(types::ChannelParticipant {
                    user_id,
                    date: 1_700_000_000,
                    ..Default::default()
                })
            };
            let action = match i % 4 {
                0 => enums::ChannelAdminLogEventAction::from(
                    types::ChannelAdminLogEventActionParticipantToggleBan {
                        prev_participant: member(),
                        new_participant: types::ChannelParticipantBanned {
                            kicked_by: ids[0],
                            date: 1_764_000_000,
                            ..types::ChannelParticipantBanned::new(
                                types::PeerUser { user_id }.into(),
                                rights.clone().into(),
                            )
                        }
                        .into(),
                    },
                ),
                1 => types::ChannelAdminLogEventActionParticipantToggleAdmin {
                    prev_participant: member(),
                    new_participant: types::ChannelParticipantAdmin {
                        user_id,
                        promoted_by: ids[0],
                        date: 1_764_000_000,
                        rank: Some("Moderator".into()),
                        ..types::ChannelParticipantAdmin::new(
                            types::ChatAdminRights {
                                ban_users: true,
                                delete_messages: true,
                                ..Default::default()
                            }
                            .into(),
                        )
                    }
                    .into(),
                }
                .into(),
                2 => types::ChannelAdminLogEventActionChangeTitle {
                    prev_value: "Ferrogram Lounge".into(),
                    new_value: format!("Ferrogram Lounge #{i}").into(),
                }
                .into(),
                _ => types::ChannelAdminLogEventActionParticipantJoin {}.into(),
            };
            enums::ChannelAdminLogEvent::from(types::ChannelAdminLogEvent {
                id: 10_000 + i as i64,
                date: 1_764_000_000 + i as i32,
                user_id: ids[0],
                action,
            })
        })
        .collect();
    enums::channels::AdminLogResults::from(types::channels::AdminLogResults {
        events,
        chats,
        users,
    })
    .to_bytes()
}
