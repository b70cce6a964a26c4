//! Turning a basic group into a supergroup: `messages.migrateChat`.

use crate::chats::{StoredChat, group_admin_rights};
use crate::rpc::messages::send::service_updates;
use crate::rpc::prelude::*;

/// `messages.migrateChat`: the creator turns a basic group into a supergroup
/// (`CHAT_ADMIN_REQUIRED` for anyone else, see [`may_migrate`]). The new
/// supergroup keeps the title, about, photo and default rights; every member
/// is carried over with the date and inviter they joined with, the creator
/// as creator, admins as admins with a basic-group admin's rights, tags
/// kept. The group's invite links and pending join requests move with it
/// (the test server's choice: Telegram keeps a migrated group's links
/// working, and nothing documents where). The group gets a
/// `messageActionChatMigrateTo` and is deactivated (`chat.deactivated`,
/// `chat.migrated_to`); the supergroup opens with a
/// `messageActionChannelMigrateFrom` and shows the group's last message id
/// in `channelFull.migrated_from_max_id`. Every member's connected sessions
/// hear of both messages. A group already migrated answers as any write to
/// it does ([`MIGRATED_GROUP`]).
pub(crate) fn migrate_chat(
    cx: &mut Cx<'_>,
    x: functions::messages::MigrateChat,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = group_id(w, me, x.chat_id)?;
    if !may_migrate(&w.chats[&id], me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let new_id = w.next_chat_id();
    let (keep, keep_events) = (w.retention, w.event_retention);
    let old = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let mut sg = StoredChat::new(new_id, ChatKind::Supergroup, &old.title, old.creator, now);
    sg.keep = keep;
    sg.keep_events = keep_events;
    sg.about = old.about.clone();
    sg.photo = old.photo;
    sg.default_banned = old.default_banned.clone();
    for p in old.participants.iter().filter(|p| p.is_member()) {
        let role = match &p.role {
            Role::Creator { rank } => Role::Creator { rank: rank.clone() },
            Role::Admin {
                rank, promoted_by, ..
            } => Role::Admin {
                rights: group_admin_rights(),
                rank: rank.clone(),
                promoted_by: *promoted_by,
            },
            _ => Role::Member,
        };
        sg.add(p.user, role, p.date, p.inviter);
        if let Some(&i) = sg.index.get(&p.user) {
            sg.participants[i].rank = p.rank.clone();
            sg.participants[i].via_request = p.via_request;
        }
    }
    sg.invites = std::mem::take(&mut old.invites);
    sg.join_requests = std::mem::take(&mut old.join_requests);
    let moved = old.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChatMigrateTo { channel_id: new_id }),
    );
    old.migrated_to = Some(new_id);
    sg.migrated_from = Some((id, moved.id));
    let opened = sg.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionChannelMigrateFrom {
            title: sg.title.as_str().into(),
            chat_id: id,
        }),
    );
    w.chats.insert(new_id, sg);
    let first = service_updates(ctx, w, me, id, &moved, Vec::new());
    let second = service_updates(ctx, w, me, new_id, &opened, Vec::new());
    Ok(merge(first, second))
}

/// Two `updates` as one (the group's and the supergroup's halves of the
/// answer).
fn merge(a: enums::Updates, b: enums::Updates) -> enums::Updates {
    match (a, b) {
        (enums::Updates::Updates(mut a), enums::Updates::Updates(b)) => {
            a.updates.extend(b.updates);
            for u in b.users {
                if !a.users.contains(&u) {
                    a.users.push(u);
                }
            }
            a.chats.extend(b.chats);
            enums::Updates::Updates(a)
        }
        (a, _) => a,
    }
}
