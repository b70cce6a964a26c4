//! Forum topics.

use crate::rpc::messages::send::service_updates;
use crate::rpc::prelude::*;

/// `messages.createForumTopic`.
pub(crate) fn create_forum_topic(
    cx: &mut Cx<'_>,
    x: functions::messages::CreateForumTopic,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    w.expire_restrictions(now);
    let id = forum_of(w, me, &x.peer)?;
    if !may_manage_topics(&w.chats[&id], me, None) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let title = x.title.trim();
    if title.is_empty() && !x.title_missing {
        return Err(bad("TOPIC_TITLE_EMPTY"));
    }
    let icon_color = x.icon_color.unwrap_or(0x6F_B9F0);
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionTopicCreate {
            title_missing: x.title_missing,
            title: title.into(),
            icon_color,
            icon_emoji_id: x.icon_emoji_id,
        }),
    );
    let topic = crate::chats::Topic {
        id: m.id,
        date: now,
        creator: me,
        title: title.to_owned(),
        icon_color,
        closed: false,
        pinned: false,
        icon_emoji_id: x.icon_emoji_id,
        hidden: false,
    };
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionCreateTopic {
            topic: topic.view(c.peer(), me),
        }),
    );
    c.topics.push(topic);
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}

/// The General topic of a forum: not a stored topic, two switches of the
/// chat (<https://core.telegram.org/api/forum#the-general-topic>: id 1,
/// it may be hidden from the list and closed, not deleted).
pub(crate) const GENERAL_TOPIC: i32 = 1;

/// The General topic as a [`crate::chats::Topic`], for its views: made
/// with the forum, by its creator, titled "General" until edited.
pub(crate) fn general_topic(c: &crate::chats::StoredChat) -> crate::chats::Topic {
    crate::chats::Topic {
        id: GENERAL_TOPIC,
        date: c.date,
        creator: c.creator,
        title: c
            .settings
            .general_title
            .clone()
            .unwrap_or_else(|| "General".into()),
        icon_color: 0,
        closed: c.settings.general_closed,
        pinned: false,
        icon_emoji_id: None,
        hidden: c.settings.general_hidden,
    }
}

/// Logs a topic's edit (`channelAdminLogEventActionEditTopic`).
fn log_edit(
    c: &mut crate::chats::StoredChat,
    now: i32,
    me: i64,
    before: &crate::chats::Topic,
    after: &crate::chats::Topic,
) {
    let peer = c.peer();
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionEditTopic {
            prev_topic: before.view(peer.clone(), me),
            new_topic: after.view(peer, me),
        }),
    );
}

/// `messages.editForumTopic`'s rule for every topic (the method page):
/// `closed` goes alone (`TOPIC_CLOSE_SEPARATELY`), `hidden` too
/// (`TOPIC_HIDE_SEPARATELY`).
fn one_change_at_a_time(x: &functions::messages::EditForumTopic) -> Result<(), RpcErr> {
    let others = x.title.is_some() || x.icon_emoji_id.is_some();
    if x.closed.is_some() && (others || x.hidden.is_some()) {
        return Err(bad("TOPIC_CLOSE_SEPARATELY"));
    }
    if x.hidden.is_some() && others {
        return Err(bad("TOPIC_HIDE_SEPARATELY"));
    }
    Ok(())
}

/// `messages.editForumTopic` of the General topic (`manage_topics`
/// needed): its title (logged as `editTopic`), `closed` and `hidden`; its
/// icon cannot change (`GENERAL_MODIFY_ICON_FORBIDDEN`, the method page;
/// TDLib: "Icon of the General topic can't be edited").
fn edit_general(
    cx: &mut Cx<'_>,
    id: i64,
    x: &functions::messages::EditForumTopic,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let chat = &w.chats[&id];
    if caller_rights(chat, me).is_none_or(|(_, r)| !r.manage_topics) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    if x.icon_emoji_id.is_some() {
        return Err(bad("GENERAL_MODIFY_ICON_FORBIDDEN"));
    }
    let title = match x.title.as_deref().map(str::trim) {
        Some("") => return Err(bad("TOPIC_TITLE_EMPTY")),
        Some(t) => Some(t.to_owned()),
        None => None,
    };
    let before = general_topic(chat);
    let s = &chat.settings;
    let closed = x.closed.unwrap_or(s.general_closed);
    let hidden = x.hidden.unwrap_or(s.general_hidden);
    if closed == s.general_closed
        && hidden == s.general_hidden
        && title.as_ref().is_none_or(|t| *t == before.title)
    {
        return Err(bad("TOPIC_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.settings.general_closed = closed;
    c.settings.general_hidden = hidden;
    if let Some(t) = &title {
        c.settings.general_title = Some(t.clone());
        let after = general_topic(c);
        log_edit(c, now, me, &before, &after);
    }
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionTopicEdit {
            title: title.map(Into::into),
            icon_emoji_id: None,
            closed: x.closed,
            hidden: x.hidden,
        }),
    );
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}

/// `messages.editForumTopic`: title, icon, closed (the topic's creator or
/// `manage_topics`); `hidden` is for the General topic only
/// (`TOPIC_ID_INVALID` elsewhere, the method page's flag description).
/// Logged as `channelAdminLogEventActionEditTopic`.
pub(crate) fn edit_forum_topic(
    cx: &mut Cx<'_>,
    x: functions::messages::EditForumTopic,
) -> Result<enums::Updates, RpcErr> {
    let me = me(&cx.ctx, cx.w)?;
    let now = cx.ctx.shared.clock.unix();
    let id = forum_of(cx.w, me, &x.peer)?;
    one_change_at_a_time(&x)?;
    if x.topic_id == GENERAL_TOPIC {
        return edit_general(cx, id, &x);
    }
    let Cx { ctx, w } = cx;
    let chat = &w.chats[&id];
    let Some(i) = chat.topics.iter().position(|t| t.id == x.topic_id) else {
        return Err(bad("TOPIC_ID_INVALID"));
    };
    if x.hidden.is_some() {
        return Err(bad("TOPIC_ID_INVALID"));
    }
    if !may_manage_topics(chat, me, Some(&chat.topics[i])) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let before = chat.topics[i].clone();
    let mut after = before.clone();
    if let Some(t) = &x.title {
        if t.trim().is_empty() {
            return Err(bad("TOPIC_TITLE_EMPTY"));
        }
        after.title = t.trim().to_owned();
    }
    if let Some(closed) = x.closed {
        after.closed = closed;
    }
    if let Some(icon) = x.icon_emoji_id {
        after.icon_emoji_id = (icon != 0).then_some(icon);
    }
    if after.title == before.title
        && after.closed == before.closed
        && after.icon_emoji_id == before.icon_emoji_id
    {
        return Err(bad("TOPIC_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.topics[i] = after.clone();
    log_edit(c, now, me, &before, &after);
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionTopicEdit {
            title: x
                .title
                .as_ref()
                .map(|_| after.title.clone())
                .map(Into::into),
            icon_emoji_id: x.icon_emoji_id,
            closed: x.closed,
            hidden: None,
        }),
    );
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
}

/// `messages.updatePinnedForumTopic`: pins (to the end of the pinned
/// ones) or unpins a topic. `manage_topics` needed (`CHAT_ADMIN_REQUIRED`);
/// past `topics_pinned_limit` (help.getAppConfig) `PINNED_TOO_MUCH`; no
/// change `TOPIC_NOT_MODIFIED`. Logged as `channelAdminLogEventActionPinTopic`.
pub(crate) fn update_pinned_forum_topic(
    cx: &mut Cx<'_>,
    x: functions::messages::UpdatePinnedForumTopic,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = forum_of(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if caller_rights(chat, me).is_none_or(|(_, r)| !r.manage_topics) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let Some(i) = chat.topics.iter().position(|t| t.id == x.topic_id) else {
        return Err(bad("TOPIC_ID_INVALID"));
    };
    if chat.topics[i].pinned == x.pinned {
        return Err(bad("TOPIC_NOT_MODIFIED"));
    }
    if x.pinned && chat.pinned_topics.len() >= TOPICS_PINNED_LIMIT as usize {
        return Err(bad("PINNED_TOO_MUCH"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let before = c.topics[i].clone();
    c.topics[i].pinned = x.pinned;
    if x.pinned {
        c.pinned_topics.push(x.topic_id);
    } else {
        c.pinned_topics.retain(|&t| t != x.topic_id);
    }
    let peer = c.peer();
    let after = c.topics[i].view(peer.clone(), me);
    c.log(
        now,
        me,
        None,
        enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionPinTopic {
            prev_topic: Some(before.view(peer, me)),
            new_topic: Some(after),
        }),
    );
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// `messages.reorderPinnedForumTopics`: the pinned topics in `order`
/// (`force`: topics named that are not pinned get pinned; otherwise every
/// pinned topic must be named, `TOPIC_ID_INVALID`). `manage_topics` needed.
pub(crate) fn reorder_pinned_forum_topics(
    cx: &mut Cx<'_>,
    x: functions::messages::ReorderPinnedForumTopics,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = forum_of(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if caller_rights(chat, me).is_none_or(|(_, r)| !r.manage_topics) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let mut order: Vec<i32> = Vec::new();
    for &t in &x.order {
        if !chat.topics.iter().any(|s| s.id == t) || order.contains(&t) {
            return Err(bad("TOPIC_ID_INVALID"));
        }
        order.push(t);
    }
    let same_set = {
        let (mut a, mut b) = (order.clone(), chat.pinned_topics.clone());
        a.sort_unstable();
        b.sort_unstable();
        a == b
    };
    if !x.force && !same_set {
        return Err(bad("TOPIC_ID_INVALID"));
    }
    if order.len() > TOPICS_PINNED_LIMIT as usize {
        return Err(bad("PINNED_TOO_MUCH"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    for t in &mut c.topics {
        t.pinned = order.contains(&t.id);
    }
    c.pinned_topics = order;
    Ok(chat_updates(w, me, id, Vec::new(), now))
}

/// How many messages one `messages.deleteTopicHistory` call deletes
/// (Telegram deletes in rounds; the answer's `offset` says more remain).
pub(crate) const TOPIC_DELETE_BATCH: usize = 100;

/// `messages.deleteTopicHistory`: deletes a topic's messages in rounds of
/// [`TOPIC_DELETE_BATCH`], and with the last round the topic itself
/// (logged `channelAdminLogEventActionDeleteTopic`). `delete_messages`
/// needed, or the topic's own creator (TDLib's `deleteForumTopic`: "requires
/// can_delete_messages right ... unless the user is creator of the topic");
/// the General topic cannot be deleted (`TOPIC_ID_INVALID`).
pub(crate) fn delete_topic_history(
    cx: &mut Cx<'_>,
    x: functions::messages::DeleteTopicHistory,
) -> Result<enums::messages::AffectedHistory, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = forum_of(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    let Some(topic) = chat.topics.iter().find(|t| t.id == x.top_msg_id).cloned() else {
        return Err(bad("TOPIC_ID_INVALID"));
    };
    let may =
        caller_rights(chat, me).is_some_and(|(_, r)| r.delete_messages) || topic.creator == me;
    if !may {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let ids: Vec<i32> = c
        .messages
        .iter()
        .filter(|m| m.topic == Some(topic.id))
        .map(|m| m.id)
        .take(TOPIC_DELETE_BATCH)
        .collect();
    let more = c
        .messages
        .iter()
        .filter(|m| m.topic == Some(topic.id))
        .count()
        > ids.len();
    c.messages.retain(|m| !ids.contains(&m.id));
    c.pts += 1;
    let pts = c.pts;
    if !more {
        c.messages.retain(|m| m.id != topic.id);
        c.topics.retain(|t| t.id != topic.id);
        c.pinned_topics.retain(|&t| t != topic.id);
        let peer = c.peer();
        c.log(
            now,
            me,
            None,
            enums::ChannelAdminLogEventAction::from(types::ChannelAdminLogEventActionDeleteTopic {
                topic: topic.view(peer, me),
            }),
        );
    }
    Ok(enums::messages::AffectedHistory::from(
        types::messages::AffectedHistory {
            pts,
            pts_count: ids.len() as i32,
            offset: if more { 1 } else { 0 },
        },
    ))
}

/// `messages.getForumTopicsByID`: the topics named (unknown ids left out).
pub(crate) fn get_forum_topics_by_id(
    cx: &mut Cx<'_>,
    x: functions::messages::GetForumTopicsByID,
) -> Result<enums::messages::ForumTopics, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = forum_of(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let general = general_topic(c);
    let page: Vec<&crate::chats::Topic> = x
        .topics
        .iter()
        .filter_map(|t| {
            if *t == GENERAL_TOPIC {
                return Some(&general);
            }
            c.topics.iter().find(|s| s.id == *t)
        })
        .collect();
    Ok(topics_answer(w, me, id, &page, page.len()))
}

/// A `messages.forumTopics` of `page`, `count` in all.
fn topics_answer(
    w: &World,
    me: i64,
    id: i64,
    page: &[&crate::chats::Topic],
    count: usize,
) -> enums::messages::ForumTopics {
    let c = &w.chats[&id];
    let messages: Vec<enums::Message> = page
        .iter()
        .filter_map(|t| c.message(t.id))
        .map(|m| w.chat_message_view(c, m, me))
        .collect();
    let mut authors: Vec<i64> = page.iter().map(|t| t.creator).collect();
    authors.sort_unstable();
    authors.dedup();
    enums::messages::ForumTopics::from(types::messages::ForumTopics {
        order_by_create_date: true,
        count: count as i32,
        topics: page.iter().map(|t| t.view(c.peer(), me)).collect(),
        messages,
        chats: w.chat_view(me, id).into_iter().collect(),
        users: users_of(w, me, authors),
        pts: c.pts,
    })
}

/// `messages.getForumTopics`.
pub(crate) fn get_forum_topics(
    cx: &mut Cx<'_>,
    x: functions::messages::GetForumTopics,
) -> Result<enums::messages::ForumTopics, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = forum_of(w, me, &x.peer)?;
    let c = &w.chats[&id];
    let q = x.q.as_deref().unwrap_or("").to_lowercase();
    let pinned = c
        .pinned_topics
        .iter()
        .filter_map(|p| c.topics.iter().find(|t| t.id == *p));
    let rest = c.topics.iter().rev().filter(|t| !t.pinned);
    let matching: Vec<&crate::chats::Topic> = pinned
        .chain(rest)
        .filter(|t| q.is_empty() || t.title.to_lowercase().contains(&q))
        .collect();
    let limit = if x.limit <= 0 { 20 } else { x.limit.min(100) } as usize;
    let page: Vec<&crate::chats::Topic> = matching
        .iter()
        // Pinned topics open the first page only.
        .filter(|t| x.offset_topic <= 0 || (!t.pinned && t.id < x.offset_topic))
        .take(limit)
        .copied()
        .collect();
    Ok(topics_answer(w, me, id, &page, matching.len()))
}
