//! Who may do what: every rights rule of the world, one named function each,
//! with the RPC error Telegram answers when it does not hold.

use ferrogram_tl_types::types;

use crate::chats::StoredChat;

/// Who may create topics (`topic` None) or edit one: admins with
/// `manage_topics`; members when the chat's defaults and their own
/// restrictions allow it; a topic's creator for their own topic.
pub(crate) fn may_manage_topics(
    chat: &StoredChat,
    me: i64,
    topic: Option<&crate::chats::Topic>,
) -> bool {
    use crate::chats::Role;
    match caller_rights(chat, me) {
        Some((_, r)) => r.manage_topics,
        None => {
            if topic.is_some_and(|t| t.creator == me) {
                return true;
            }
            topic.is_none()
                && !chat.default_banned.manage_topics
                && match chat.participant(me).map(|p| &p.role) {
                    Some(Role::Member) => true,
                    Some(Role::Restricted { rights, .. }) => !rights.manage_topics,
                    _ => false,
                }
        }
    }
}

/// Who may change a chat's title, photo or description: admins with
/// `change_info`; in a basic group, members too unless the defaults forbid it.
pub(crate) fn may_change_info(chat: &StoredChat, me: i64) -> bool {
    match caller_rights(chat, me) {
        Some((_, r)) => r.change_info,
        None => {
            chat.kind == crate::chats::ChatKind::Group
                && chat.participant(me).is_some_and(|p| p.is_member())
                && !chat.default_banned.change_info
        }
    }
}

pub(crate) fn caller_rights(chat: &StoredChat, me: i64) -> Option<(bool, types::ChatAdminRights)> {
    use crate::chats::Role;
    match &chat.participant(me)?.role {
        Role::Creator { .. } => Some((true, crate::chats::all_admin_rights())),
        Role::Admin { rights, .. } => Some((false, rights.clone())),
        _ => None,
    }
}
