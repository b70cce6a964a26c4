//! Managing made invite links: editing, revoking, deleting, listing them,
//! counting them by admin, and who joined through one. Who may: the link's
//! maker while they may make links, the creator every link
//! ([`may_manage_invite`]).

use crate::chats::{Invite, StoredChat};
use crate::rpc::messages::invites::{invite_hash, new_invite};
use crate::rpc::prelude::*;

/// Links per page at most.
const PAGE_MAX: usize = 100;

/// The index of the link `link` names in `chat`, if the caller may manage
/// it. An unknown link is `INVITE_HASH_EXPIRED` (the error the method pages
/// list for a link that is not there; `INVITE_HASH_INVALID` is not among
/// them).
fn managed(chat: &StoredChat, me: i64, link: &str) -> Result<usize, RpcErr> {
    let hash = invite_hash(link);
    let i = chat
        .invites
        .iter()
        .position(|i| i.hash == hash)
        .ok_or_else(|| bad("INVITE_HASH_EXPIRED"))?;
    if !may_manage_invite(chat, me, chat.invites[i].admin) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    Ok(i)
}

/// Writes an admin-log event (supergroups and channels have a log).
fn log(w: &mut World, chat: i64, me: i64, now: i32, action: enums::ChannelAdminLogEventAction) {
    if let Some(c) = w.chats.get_mut(&chat)
        && c.kind != ChatKind::Group
    {
        c.log(now, me, None, action);
    }
}

/// `messages.editExportedChatInvite`: new terms, or (`revoked`) the link
/// revoked; revoking a primary link makes a new primary link
/// (`exportedChatInviteReplaced`). A revoked link cannot be edited
/// (`INVITE_HASH_EXPIRED`), a primary link cannot expire or be limited
/// (`CHAT_INVITE_PERMANENT`).
pub(crate) fn edit_exported_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::EditExportedChatInvite,
) -> Result<enums::messages::ExportedChatInvite, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let i = managed(&w.chats[&id], me, &x.link)?;
    let before = w.chats[&id].invites[i].clone();
    if x.revoked {
        return revoke(w, id, i, me, now);
    }
    if before.revoked {
        return Err(bad("INVITE_HASH_EXPIRED"));
    }
    let mut after = before.clone();
    if let Some(d) = x.expire_date {
        after.expire_date = (d != 0).then_some(d);
    }
    if let Some(l) = x.usage_limit {
        after.usage_limit = (l != 0).then_some(l);
    }
    if let Some(r) = x.request_needed {
        after.request_needed = r;
        if r {
            after.usage_limit = None;
        }
    }
    if let Some(t) = x.title {
        after.title = (!t.is_empty()).then_some(t.to_string());
    }
    if before.permanent && (after.expire_date.is_some() || after.usage_limit.is_some()) {
        return Err(bad("CHAT_INVITE_PERMANENT"));
    }
    let expiry_changed = after.expire_date != before.expire_date;
    invite_terms(
        after.expire_date.filter(|_| expiry_changed),
        after.usage_limit,
        after.request_needed,
        now,
    )
    .map_err(bad)?;
    after.start_date = Some(now);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.invites[i] = after;
    let (prev, new) = (c.invite_view(&before), c.invite_view(&c.invites[i]));
    log(
        w,
        id,
        me,
        now,
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionExportedInviteEdit {
                prev_invite: prev,
                new_invite: new.clone(),
            },
        ),
    );
    Ok(enums::messages::ExportedChatInvite::from(
        types::messages::ExportedChatInvite {
            invite: new,
            users: users_of(w, me, vec![before.admin]),
        },
    ))
}

/// Revokes link `i` of chat `id` (once: a revoked link stays as it is).
fn revoke(
    w: &mut World,
    id: i64,
    i: usize,
    me: i64,
    now: i32,
) -> Result<enums::messages::ExportedChatInvite, RpcErr> {
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let was_revoked = c.invites[i].revoked;
    c.invites[i].revoked = true;
    let revoked = c.invites[i].clone();
    let view = c.invite_view(&revoked);
    let users = users_of(w, me, vec![revoked.admin]);
    if was_revoked {
        return Ok(enums::messages::ExportedChatInvite::from(
            types::messages::ExportedChatInvite {
                invite: view,
                users,
            },
        ));
    }
    log(
        w,
        id,
        me,
        now,
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionExportedInviteRevoke {
                invite: view.clone(),
            },
        ),
    );
    if !revoked.permanent {
        return Ok(enums::messages::ExportedChatInvite::from(
            types::messages::ExportedChatInvite {
                invite: view,
                users,
            },
        ));
    }
    // A primary link revoked: its admin gets a new one at once.
    let mut fresh = Invite::new(String::new(), revoked.admin, now);
    fresh.hash = crate::rpc::messages::invites::fresh_hash(w, id);
    fresh.permanent = true;
    let n = new_invite(w, id, fresh)?;
    let c = &w.chats[&id];
    Ok(enums::messages::ExportedChatInvite::from(
        types::messages::ExportedChatInviteReplaced {
            invite: view,
            new_invite: c.invite_view(&c.invites[n]),
            users,
        },
    ))
}

/// `messages.deleteExportedChatInvite`: only a revoked link can be deleted;
/// another is `INVITE_REVOKED_MISSING` ("the specified invite link was
/// already revoked or is invalid", from the method page).
pub(crate) fn delete_exported_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteExportedChatInvite,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let i = managed(&w.chats[&id], me, &x.link)?;
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    if !c.invites[i].revoked {
        return Err(bad("INVITE_REVOKED_MISSING"));
    }
    let gone = c.invites.remove(i);
    let view = c.invite_view(&gone);
    log(
        w,
        id,
        me,
        now,
        enums::ChannelAdminLogEventAction::from(
            types::ChannelAdminLogEventActionExportedInviteDelete { invite: view },
        ),
    );
    Ok(true)
}

/// `messages.deleteRevokedExportedChatInvites`: every revoked link of one
/// admin.
pub(crate) fn delete_revoked_exported_chat_invites(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteRevokedExportedChatInvites,
) -> Result<bool, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let admin = input_user_id(me, &x.admin_id)?;
    if !may_manage_invite(&w.chats[&id], me, admin) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let (gone, kept): (Vec<Invite>, Vec<Invite>) = std::mem::take(&mut c.invites)
        .into_iter()
        .partition(|i| i.admin == admin && i.revoked);
    c.invites = kept;
    let views: Vec<_> = gone.iter().map(|i| c.invite_view(i)).collect();
    for invite in views {
        log(
            w,
            id,
            me,
            now,
            enums::ChannelAdminLogEventAction::from(
                types::ChannelAdminLogEventActionExportedInviteDelete { invite },
            ),
        );
    }
    Ok(true)
}

/// `messages.getExportedChatInvite`.
pub(crate) fn get_exported_chat_invite(
    cx: &mut Cx<'_>,
    x: functions::messages::GetExportedChatInvite,
) -> Result<enums::messages::ExportedChatInvite, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = chat_of_peer(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let i = managed(c, me, &x.link)?;
    Ok(enums::messages::ExportedChatInvite::from(
        types::messages::ExportedChatInvite {
            invite: c.invite_view(&c.invites[i]),
            users: users_of(w, me, vec![c.invites[i].admin]),
        },
    ))
}

/// `messages.getExportedChatInvites`: one admin's links, revoked or not,
/// newest first, paged by (date, link) of the last one seen.
pub(crate) fn get_exported_chat_invites(
    cx: &mut Cx<'_>,
    x: functions::messages::GetExportedChatInvites,
) -> Result<enums::messages::ExportedChatInvites, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = chat_of_peer(w, me, &x.peer)?;
    let admin = match input_user_id(me, &x.admin_id) {
        Ok(a) => a,
        Err(_) => return Err(bad("ADMIN_ID_INVALID")),
    };
    let c = &w.chats[&id];
    if !may_manage_invite(c, me, admin) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let mut links: Vec<&Invite> = c
        .invites
        .iter()
        .filter(|i| i.admin == admin && i.revoked == x.revoked)
        .collect();
    links.sort_by_key(|i| std::cmp::Reverse((i.date, i.link())));
    let count = links.len();
    let after = x
        .offset_date
        .map(|d| (d, x.offset_link.as_deref().unwrap_or_default().to_owned()));
    let limit = usize::try_from(x.limit).unwrap_or(0).clamp(1, PAGE_MAX);
    let page: Vec<_> = links
        .into_iter()
        .filter(|i| after.as_ref().is_none_or(|a| (i.date, i.link()) < *a))
        .take(limit)
        .map(|i| c.invite_view(i))
        .collect();
    Ok(enums::messages::ExportedChatInvites::from(
        types::messages::ExportedChatInvites {
            count: i32::try_from(count).unwrap_or(i32::MAX),
            invites: page,
            users: users_of(w, me, vec![admin]),
        },
    ))
}

/// `messages.getAdminsWithInvites`: each admin who made links, with how
/// many are live and how many revoked; the creator only.
pub(crate) fn get_admins_with_invites(
    cx: &mut Cx<'_>,
    x: functions::messages::GetAdminsWithInvites,
) -> Result<enums::messages::ChatAdminsWithInvites, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = chat_of_peer(w, me, &x.peer)?;
    let c = &w.chats[&id];
    if !may_count_invites(c, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let mut counts: std::collections::BTreeMap<i64, (i32, i32)> = Default::default();
    for i in &c.invites {
        let e = counts.entry(i.admin).or_default();
        if i.revoked {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
    }
    let admins = counts
        .iter()
        .map(|(admin, (live, revoked))| {
            enums::ChatAdminWithInvites::from(types::ChatAdminWithInvites {
                admin_id: *admin,
                invites_count: *live,
                revoked_invites_count: *revoked,
            })
        })
        .collect();
    Ok(enums::messages::ChatAdminsWithInvites::from(
        types::messages::ChatAdminsWithInvites {
            admins,
            users: users_of(w, me, counts.keys().copied().collect()),
        },
    ))
}

/// One row of `getChatInviteImporters`: who, when, whether still a request.
struct Row {
    user: i64,
    date: i32,
    requested: bool,
}

/// `messages.getChatInviteImporters`: who joined through a link, or
/// (`requested`) who is waiting for approval, through one link or any;
/// newest first, paged by (date, user) of the last one seen, searchable by
/// name (`q`, requests only, as on Telegram).
pub(crate) fn get_chat_invite_importers(
    cx: &mut Cx<'_>,
    x: functions::messages::GetChatInviteImporters,
) -> Result<enums::messages::ChatInviteImporters, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = chat_of_peer(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let mut rows: Vec<Row> = match (&x.link, x.requested) {
        (Some(link), requested) => {
            let i = managed(c, me, link)?;
            let hash = &c.invites[i].hash;
            if requested {
                requests(c, Some(hash))
            } else {
                c.invites[i]
                    .importers
                    .iter()
                    .map(|(user, date)| Row {
                        user: *user,
                        date: *date,
                        requested: false,
                    })
                    .collect()
            }
        }
        (None, true) => {
            if !may_export_invite(c, me) {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            requests(c, None)
        }
        (None, false) => {
            // Everyone who joined through a link the caller may manage.
            if !may_export_invite(c, me) {
                return Err(bad("CHAT_ADMIN_REQUIRED"));
            }
            c.invites
                .iter()
                .filter(|i| may_manage_invite(c, me, i.admin))
                .flat_map(|i| &i.importers)
                .map(|(user, date)| Row {
                    user: *user,
                    date: *date,
                    requested: false,
                })
                .collect()
        }
    };
    if let Some(q) = x.q.as_deref().filter(|q| !q.trim().is_empty()) {
        rows.retain(|r| {
            w.accounts.get(&r.user).is_some_and(|a| {
                crate::chats::name_matches(&a.first_name, &a.last_name, a.username.as_deref(), q)
            })
        });
    }
    rows.sort_by_key(|r| std::cmp::Reverse((r.date, r.user)));
    let count = rows.len();
    let offset_user = input_user_id(me, &x.offset_user).unwrap_or(0);
    let after = (x.offset_date != 0 || offset_user != 0).then_some((x.offset_date, offset_user));
    let limit = usize::try_from(x.limit).unwrap_or(0).clamp(1, PAGE_MAX);
    let page: Vec<&Row> = rows
        .iter()
        .filter(|r| after.is_none_or(|a| (r.date, r.user) < a))
        .take(limit)
        .collect();
    let importers = page
        .iter()
        .map(|r| {
            enums::ChatInviteImporter::from(types::ChatInviteImporter {
                requested: r.requested,
                user_id: r.user,
                date: r.date,
                ..Default::default()
            })
        })
        .collect();
    Ok(enums::messages::ChatInviteImporters::from(
        types::messages::ChatInviteImporters {
            count: i32::try_from(count).unwrap_or(i32::MAX),
            importers,
            users: users_of(w, me, page.iter().map(|r| r.user).collect()),
        },
    ))
}

/// The pending requests of `chat`, through link `hash` or any.
fn requests(c: &StoredChat, hash: Option<&String>) -> Vec<Row> {
    c.join_requests
        .iter()
        .filter(|r| hash.is_none_or(|h| *h == r.hash))
        .map(|r| Row {
            user: r.user,
            date: r.date,
            requested: true,
        })
        .collect()
}
