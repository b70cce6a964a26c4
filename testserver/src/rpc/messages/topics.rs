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
            title: title.to_owned(),
            icon_color,
            icon_emoji_id: None,
        }),
    );
    let topic = crate::chats::Topic {
        id: m.id,
        date: now,
        creator: me,
        title: title.to_owned(),
        icon_color,
        closed: false,
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

/// `messages.editForumTopic`.
pub(crate) fn edit_forum_topic(
    cx: &mut Cx<'_>,
    x: functions::messages::EditForumTopic,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    let now = shared.clock.unix();
    let id = forum_of(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    let Some(i) = chat.topics.iter().position(|t| t.id == x.topic_id) else {
        return Err(bad("TOPIC_ID_INVALID"));
    };
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
    if after.title == before.title && after.closed == before.closed {
        return Err(bad("TOPIC_NOT_MODIFIED"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    c.topics[i] = after.clone();
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
    let m = c.add_service(
        now,
        me,
        enums::MessageAction::from(types::MessageActionTopicEdit {
            title: x.title.as_ref().map(|_| after.title.clone()),
            icon_emoji_id: None,
            closed: x.closed,
            hidden: None,
        }),
    );
    Ok(service_updates(ctx, w, me, id, &m, vec![me]))
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
    let matching: Vec<&crate::chats::Topic> = c
        .topics
        .iter()
        .rev()
        .filter(|t| q.is_empty() || t.title.to_lowercase().contains(&q))
        .collect();
    let limit = if x.limit <= 0 { 20 } else { x.limit.min(100) } as usize;
    let page: Vec<&crate::chats::Topic> = matching
        .iter()
        .filter(|t| x.offset_topic <= 0 || t.id < x.offset_topic)
        .take(limit)
        .copied()
        .collect();
    let messages: Vec<enums::Message> = page
        .iter()
        .filter_map(|t| c.message(t.id))
        .map(|m| w.chat_message_view(c, m, me))
        .collect();
    let mut authors: Vec<i64> = page.iter().map(|t| t.creator).collect();
    authors.sort_unstable();
    authors.dedup();
    Ok(enums::messages::ForumTopics::from(
        types::messages::ForumTopics {
            order_by_create_date: true,
            count: matching.len() as i32,
            topics: page.iter().map(|t| t.view(c.peer(), me)).collect(),
            messages,
            chats: w.chat_view(me, id).into_iter().collect(),
            users: users_of(w, me, authors),
            pts: c.pts,
        },
    ))
}
