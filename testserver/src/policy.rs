//! Who may do what: every rights rule of the world, one named function each,
//! with the RPC error Telegram answers when it does not hold.
//!
//! Handlers ask these and answer the error named in each function's docs; no
//! handler decides rights on its own. Sources for the rules: the method pages of
//! core.telegram.org (each lists its errors), TDLib's `ChatManager` checks and
//! Telethon's documentation of the rights flags.

use ferrogram_tl_types::types;

use crate::chats::{
    ChatKind, Participant, Role, StoredChat, Topic, admin_right_flags, all_admin_rights, expired,
};

/// The caller's admin standing: `(is_creator, rights)`, or `None` for a
/// non-admin. The creator holds every right.
pub(crate) fn caller_rights(chat: &StoredChat, me: i64) -> Option<(bool, types::ChatAdminRights)> {
    match &chat.participant(me)?.role {
        Role::Creator { .. } => Some((true, all_admin_rights())),
        Role::Admin { rights, .. } => Some((false, rights.clone())),
        _ => None,
    }
}

/// Whether the caller is the chat's creator or one of its admins, with any
/// rights. Required to read the admin log (`channels.getAdminLog`), statistics
/// (`stats.*`) and a broadcast channel's member list; otherwise
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn is_admin(chat: &StoredChat, me: i64) -> bool {
    caller_rights(chat, me).is_some()
}

/// Whether the caller owns the chat. Only the owner changes a chat's public
/// username (`channels.updateUsername`), turns a supergroup into a forum
/// (`channels.toggleForum`) and appoints basic-group admins
/// (`messages.editChatAdmin`); otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn is_owner(chat: &StoredChat, me: i64) -> bool {
    chat.creator == me
}

/// Who may change a chat's title, photo or description: admins with
/// `change_info`; in a basic group, members too unless the defaults forbid it.
/// Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_change_info(chat: &StoredChat, me: i64) -> bool {
    match caller_rights(chat, me) {
        Some((_, r)) => r.change_info,
        None => {
            chat.kind == ChatKind::Group
                && chat.participant(me).is_some_and(Participant::is_member)
                && !chat.default_banned.change_info
        }
    }
}

/// Whether an admin may grant `wanted`: the creator grants anything; other
/// admins only rights they hold themselves. Otherwise `RIGHT_FORBIDDEN`.
pub(crate) fn may_grant(
    is_creator: bool,
    mine: &types::ChatAdminRights,
    wanted: &types::ChatAdminRights,
) -> bool {
    is_creator
        || admin_right_flags(wanted)
            .iter()
            .zip(admin_right_flags(mine).iter())
            .all(|((_, want), (_, have))| !*want || *have)
}

/// Who may ban, restrict and unban members, set the chat's default rights and
/// list the kicked and restricted: admins with `ban_users`. Otherwise
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_ban(chat: &StoredChat, me: i64) -> bool {
    caller_rights(chat, me).is_some_and(|(_, r)| r.ban_users)
}

/// Who may promote and demote admins (`channels.editAdmin`): admins with
/// `add_admins`. Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_add_admins(chat: &StoredChat, me: i64) -> bool {
    caller_rights(chat, me).is_some_and(|(_, r)| r.add_admins)
}

/// Whether an admin (not the creator) may change `target`'s standing: only
/// admins they promoted themselves, never the creator. Otherwise
/// `USER_CREATOR` for the creator, `USER_ADMIN_INVALID` for another's admin.
pub(crate) fn may_edit_member(
    is_creator: bool,
    me: i64,
    target: &Role,
) -> Result<(), &'static str> {
    match target {
        Role::Creator { .. } => Err("USER_CREATOR"),
        Role::Admin { promoted_by, .. } if !is_creator && *promoted_by != me => {
            Err("USER_ADMIN_INVALID")
        }
        _ => Ok(()),
    }
}

/// Who may add users to a supergroup or basic group (`channels.inviteToChannel`,
/// `messages.addChatUser`): admins with `invite_users` (any admin of a basic
/// group), and members unless the chat's defaults forbid it; in broadcast
/// channels admins only. Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_invite(chat: &StoredChat, me: i64) -> bool {
    match caller_rights(chat, me) {
        Some((_, r)) => chat.kind == ChatKind::Group || r.invite_users,
        None => {
            chat.kind != ChatKind::Channel
                && chat.participant(me).is_some_and(Participant::is_member)
                && !chat.default_banned.invite_users
        }
    }
}

/// Who may create invite links (`messages.exportChatInvite`): in a basic group
/// any admin, elsewhere admins with `invite_users`. Otherwise
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_export_invite(chat: &StoredChat, me: i64) -> bool {
    match chat.kind {
        ChatKind::Group => chat.participant(me).is_some_and(Participant::is_admin),
        _ => caller_rights(chat, me).is_some_and(|(_, r)| r.invite_users),
    }
}

/// Who may see, edit, revoke or delete a link made by `link_admin`, or list
/// who joined through it: its maker if they may still make links
/// ([`may_export_invite`]), and the creator every admin's (TDLib's
/// `editChatInviteLink`, `revokeChatInviteLink`, `getChatInviteLinks`: "can_invite_users
/// right in the chat for own links and owner privileges for other links").
/// Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_manage_invite(chat: &StoredChat, me: i64, link_admin: i64) -> bool {
    if matches!(
        chat.participant(me).map(|p| &p.role),
        Some(Role::Creator { .. })
    ) {
        return true;
    }
    link_admin == me && may_export_invite(chat, me)
}

/// Who may list every admin's link counts (`messages.getAdminsWithInvites`):
/// the creator (TDLib's `getChatInviteLinkCounts`: "Requires owner
/// privileges"). Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_count_invites(chat: &StoredChat, me: i64) -> bool {
    matches!(
        chat.participant(me).map(|p| &p.role),
        Some(Role::Creator { .. })
    )
}

/// What a basic group turned into a supergroup answers to every call that
/// would change it or write to it (it stays readable: full chat, history).
/// Telegram's error is documented nowhere; clients observed `PEER_ID_INVALID`
/// when sending to a migrated group (vysheng/tg#971), and TDLib refuses such
/// calls itself ("Chat is deactivated", tdlib/td#819), so the test server
/// answers `PEER_ID_INVALID` to all of them.
pub(crate) const MIGRATED_GROUP: &str = "PEER_ID_INVALID";

/// The most members of a basic group (`config.chat_size_max`).
pub(crate) const CHAT_SIZE_MAX: i32 = 200;

/// The most members of a supergroup (`config.megagroup_size_max`).
pub(crate) const MEGAGROUP_SIZE_MAX: i32 = 200_000;

/// The most supergroups and channels one user is in (Telegram's
/// `channels_limit_default`, 500).
pub(crate) const CHANNELS_PER_USER_MAX: usize = 500;

/// Why `user` may not be added to `chat` by `me` (checked per user before
/// anyone is added, so one refusal fails the whole call, as Telegram
/// answers `channels.inviteToChannel` and `messages.addChatUser`):
/// banned `USER_KICKED`; left by themselves and not `me`'s mutual contact
/// `USER_NOT_MUTUAL_CONTACT` (TDLib's maintainer, tdlib/td#821: "returned
/// for users left the group themselves. After that only mutual contact can
/// invite them back"); in [`CHANNELS_PER_USER_MAX`] channels already
/// `USER_CHANNELS_TOO_MUCH` (supergroups and channels only); a bot that
/// may not join groups (`nochats`), into a basic group or supergroup,
/// `BOT_GROUPS_BLOCKED` (the Bot API's "can_join_groups"; channels take it).
pub(crate) fn may_be_added(
    chat: &StoredChat,
    me: i64,
    user: i64,
    mutual: bool,
    nochats: bool,
    channels_of_user: impl FnOnce() -> usize,
) -> Result<(), &'static str> {
    if matches!(
        chat.participant(user).map(|p| &p.role),
        Some(Role::Banned { .. })
    ) {
        return Err("USER_KICKED");
    }
    if nochats && chat.kind != ChatKind::Channel {
        return Err("BOT_GROUPS_BLOCKED");
    }
    if user != me && chat.left_by_themselves.contains(&user) && !mutual {
        return Err("USER_NOT_MUTUAL_CONTACT");
    }
    if chat.kind != ChatKind::Group && channels_of_user() >= CHANNELS_PER_USER_MAX {
        return Err("USER_CHANNELS_TOO_MUCH");
    }
    Ok(())
}

/// Whether `more` members fit in `chat` (`USERS_TOO_MUCH` otherwise):
/// [`CHAT_SIZE_MAX`] in a basic group, [`MEGAGROUP_SIZE_MAX`] elsewhere.
pub(crate) fn room_for(chat: &StoredChat, more: usize) -> bool {
    let max = if chat.kind == ChatKind::Group {
        CHAT_SIZE_MAX
    } else {
        MEGAGROUP_SIZE_MAX
    };
    usize::try_from(chat.count_members()).unwrap_or(0) + more <= usize::try_from(max).unwrap_or(0)
}

/// The fewest members a supergroup needs for aggressive anti-spam
/// (`telegram_antispam_group_size_min` of `help.getAppConfig`; TDLib's
/// production default for `aggressive_anti_spam_supergroup_member_count_min`).
pub(crate) const ANTISPAM_GROUP_SIZE_MIN: i32 = 200;

/// The most supergroups and channels in one community (TDLib's option
/// `community_chat_count_max`, served as that key of `help.getAppConfig`;
/// Telegram's value is not published, this one is ours). Past it:
/// `COMMUNITY_PEERS_TOO_MUCH` (TDLib's `addCommunityChat`).
pub(crate) const COMMUNITY_CHATS_MAX: usize = 20;

/// The fewest members a supergroup needs to hide its member list
/// (`hidden_members_group_size_min` of `help.getAppConfig`; Telegram's
/// value as its apps receive it).
pub(crate) const HIDDEN_MEMBERS_GROUP_SIZE_MIN: i32 = 100;

/// The most pinned forum topics (`topics_pinned_limit`; TDLib's production
/// default for `pinned_forum_topic_count_max`).
pub(crate) const TOPICS_PINNED_LIMIT: i32 = 5;

/// The Telegram anti-spam account whose actions the admin log shows
/// (`telegram_antispam_user_id`; TDLib's `get_anti_spam_bot_user_id`).
pub(crate) const ANTISPAM_USER_ID: i64 = 5_434_988_373;

/// How long a supergroup or channel waits for an owner who left to come
/// back before [`future_creator`] becomes the owner: 7 days (TDLib's
/// `getChatOwnerAfterLeaving`: "after 7 days if the current user does not
/// return to the supergroup or channel during that period or immediately
/// for basic groups").
pub(crate) const OWNER_LEAVE_GRACE: i32 = 7 * 86_400;

/// Who becomes the owner when the owner leaves
/// (`messages.getFutureChatCreatorAfterLeave`): the longest-standing admin
/// that is a user account (not a bot), by the date they joined or were
/// promoted; with none, the longest-standing member that is a user; with
/// none, nobody (`userEmpty`). Telegram documents no rule (TDLib only says
/// who "will become the owner"): this is the test server's choice.
pub(crate) fn future_creator(
    chat: &StoredChat,
    owner: i64,
    is_bot: impl Fn(i64) -> bool,
) -> Option<i64> {
    let candidates = || {
        chat.participants
            .iter()
            .filter(|p| p.user != owner && p.is_member() && !is_bot(p.user))
    };
    let admin = candidates()
        .filter(|p| p.is_admin())
        .min_by_key(|p| (p.date, p.user));
    admin
        .or_else(|| candidates().min_by_key(|p| (p.date, p.user)))
        .map(|p| p.user)
}

/// Who may link a discussion group to a broadcast channel, or unlink it
/// (`channels.setDiscussionGroup`), on the channel's side: admins with
/// `change_info`; on the group's side: admins with `pin_messages` (TDLib's
/// `setChatDiscussionGroup` checks both). Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_link_discussion(
    channel: Option<&StoredChat>,
    group: Option<&StoredChat>,
    me: i64,
) -> bool {
    let admin_with = |c: &StoredChat, right: fn(&types::ChatAdminRights) -> bool| {
        caller_rights(c, me).is_some_and(|(creator, r)| creator || right(&r))
    };
    channel.is_none_or(|c| admin_with(c, |r| r.change_info))
        && group.is_none_or(|g| admin_with(g, |r| r.pin_messages))
}

/// Who may turn a basic group into a supergroup (`messages.migrateChat`): its
/// creator (TDLib's `upgradeBasicGroupChatToSupergroupChat`: "Requires owner
/// privileges"). Otherwise `CHAT_ADMIN_REQUIRED` (the method page).
pub(crate) fn may_migrate(chat: &StoredChat, me: i64) -> bool {
    chat.kind == ChatKind::Group && chat.creator == me
}

/// The most users a link may admit (TDLib's `createChatInviteLink`:
/// `member_limit` 0-99999, 0 meaning no limit).
pub(crate) const INVITE_USAGE_LIMIT_MAX: i32 = 99_999;

/// The terms of a link being made or edited, checked against `now`: an
/// expiry in the past is `EXPIRE_DATE_INVALID`, a usage limit outside
/// 1..=99999 `USAGE_LIMIT_INVALID` (both from the method pages of
/// `messages.exportChatInvite` / `editExportedChatInvite`). A link that asks
/// for approval cannot have a usage limit (TDLib: "member_limit must be 0"
/// with `creates_join_request`); Telegram's error for asking both is not
/// documented: `USAGE_LIMIT_INVALID` is this server's choice.
pub(crate) fn invite_terms(
    expire_date: Option<i32>,
    usage_limit: Option<i32>,
    request_needed: bool,
    now: i32,
) -> Result<(), &'static str> {
    if expire_date.is_some_and(|d| d <= now) {
        return Err("EXPIRE_DATE_INVALID");
    }
    if usage_limit.is_some_and(|l| !(1..=INVITE_USAGE_LIMIT_MAX).contains(&l)) {
        return Err("USAGE_LIMIT_INVALID");
    }
    if request_needed && usage_limit.is_some() {
        return Err("USAGE_LIMIT_INVALID");
    }
    Ok(())
}

/// Who may remove `target` from a basic group (`messages.deleteChatUser`):
/// anyone themselves; the creator anyone; an admin only the non-admins they
/// invited. Otherwise `USER_CREATOR` for the creator, else
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_remove_from_group(
    chat: &StoredChat,
    me: i64,
    target: &Participant,
) -> Result<(), &'static str> {
    if target.user == me {
        return Ok(());
    }
    if matches!(target.role, Role::Creator { .. }) {
        return Err("USER_CREATOR");
    }
    let allowed = match chat.participant(me).map(|p| &p.role) {
        Some(Role::Creator { .. }) => true,
        Some(Role::Admin { .. }) => !target.is_admin() && target.inviter == me,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err("CHAT_ADMIN_REQUIRED")
    }
}

/// Who may post (`messages.sendMessage`): in broadcast channels the creator
/// and admins with `post_messages`; elsewhere admins, and members unless
/// restricted (personally, until the restriction expires, or by the chat's
/// defaults). Otherwise `CHAT_WRITE_FORBIDDEN`.
pub(crate) fn may_post(chat: &StoredChat, me: &Participant, now: i32) -> bool {
    match (&me.role, chat.kind) {
        (Role::Creator { .. }, _) => true,
        (Role::Admin { rights, .. }, ChatKind::Channel) => rights.post_messages,
        (_, ChatKind::Channel) => false,
        (Role::Admin { .. }, _) => true,
        (Role::Restricted { rights, .. }, _) if !expired(rights, now) && rights.send_messages => {
            false
        }
        _ => !chat.default_banned.send_messages,
    }
}

/// Who may delete `author`'s message in a supergroup or channel
/// (`channels.deleteMessages`): its author (in a broadcast channel, an
/// admin who may post), and admins with `delete_messages` anyone's.
/// Otherwise `MESSAGE_DELETE_FORBIDDEN` (the method page).
pub(crate) fn may_delete_message(chat: &StoredChat, me: i64, author: i64) -> bool {
    let admin = caller_rights(chat, me);
    if admin
        .as_ref()
        .is_some_and(|(creator, r)| *creator || r.delete_messages)
    {
        return true;
    }
    author == me
        && match chat.kind {
            ChatKind::Channel => admin.is_some_and(|(_, r)| r.post_messages),
            _ => chat.participant(me).is_some_and(Participant::is_member),
        }
}

/// Who may delete all of a member's messages and report them as spam
/// (`channels.deleteParticipantHistory`, `channels.reportSpam`): admins
/// with `delete_messages` (TDLib's `deleteChatMessagesBySender` and
/// `reportSupergroupSpam`: "requires can_delete_messages administrator
/// right"). Otherwise `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_delete_others(chat: &StoredChat, me: i64) -> bool {
    caller_rights(chat, me).is_some_and(|(creator, r)| creator || r.delete_messages)
}

/// Who may pin and unpin messages (`messages.updatePinnedMessage`): admins
/// with `pin_messages` (in a broadcast channel, `edit_messages`, as TDLib's
/// `can_pin_messages` for channels); in groups and supergroups members too
/// unless the chat's defaults or their restriction forbid it. Otherwise
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_pin(chat: &StoredChat, me: i64, now: i32) -> bool {
    if let Some((creator, r)) = caller_rights(chat, me) {
        return creator
            || if chat.kind == ChatKind::Channel {
                r.edit_messages
            } else {
                r.pin_messages
            };
    }
    let Some(p) = chat.participant(me).filter(|p| p.is_member()) else {
        return false;
    };
    chat.kind != ChatKind::Channel
        && !chat.default_banned.pin_messages
        && !matches!(&p.role, Role::Restricted { rights, .. }
            if !expired(rights, now) && rights.pin_messages)
}

/// Who may show a typing action in a chat (`messages.setTyping`): members;
/// in broadcast channels admins only. Otherwise `CHAT_WRITE_FORBIDDEN`.
pub(crate) fn may_show_typing(chat: &StoredChat, me: &Participant) -> bool {
    chat.kind != ChatKind::Channel || me.is_admin()
}

/// Who may list a chat's members (`channels.getParticipants`): anyone who can
/// read a supergroup; admins only in a broadcast channel. Otherwise
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_list_members(chat: &StoredChat, me: i64) -> bool {
    chat.kind != ChatKind::Channel || chat.participant(me).is_some_and(Participant::is_admin)
}

/// Who may create topics (`topic` None) or edit one: admins with
/// `manage_topics`; members when the chat's defaults and their own
/// restrictions allow it; a topic's creator for their own topic. Otherwise
/// `CHAT_ADMIN_REQUIRED`.
pub(crate) fn may_manage_topics(chat: &StoredChat, me: i64, topic: Option<&Topic>) -> bool {
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

/// Who may set `target`'s tag (`messages.editChatParticipantRank`, layer
/// 223, <https://core.telegram.org/api/rank>): the creator anyone's; oneself
/// one's own unless the `edit_rank` banned right forbids it (the chat's
/// defaults or one's own restriction; admins are never restricted); admins
/// with `manage_ranks` (any admin of a basic group) the tags of non-admins
/// and of the admins they promoted. The method page lists no error for a
/// refusal: `CHAT_ADMIN_REQUIRED` for a missing right and
/// `USER_ADMIN_INVALID` for another's admin (as `channels.editAdmin`) are
/// this server's choice.
pub(crate) fn may_edit_rank(
    chat: &StoredChat,
    me: i64,
    target: &Participant,
) -> Result<(), &'static str> {
    let Some(caller) = chat.participant(me).filter(|p| p.is_member()) else {
        return Err("CHAT_ADMIN_REQUIRED");
    };
    if matches!(caller.role, Role::Creator { .. }) {
        return Ok(());
    }
    if target.user == me {
        let restricted = match &caller.role {
            Role::Admin { .. } => false,
            Role::Restricted { rights, .. } => rights.edit_rank || chat.default_banned.edit_rank,
            _ => chat.default_banned.edit_rank,
        };
        return if restricted {
            Err("CHAT_ADMIN_REQUIRED")
        } else {
            Ok(())
        };
    }
    let manages = match &caller.role {
        Role::Admin { rights, .. } => chat.kind == ChatKind::Group || rights.manage_ranks,
        _ => false,
    };
    if !manages {
        return Err("CHAT_ADMIN_REQUIRED");
    }
    match &target.role {
        Role::Creator { .. } => Err("USER_ADMIN_INVALID"),
        Role::Admin { promoted_by, .. } if *promoted_by != me => Err("USER_ADMIN_INVALID"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_be_added_and_how_many_fit() {
        let mut chat = StoredChat::new(1, ChatKind::Supergroup, "t", 10, 0);
        chat.add(20, Role::Left, 0, 20);
        chat.left_by_themselves.insert(20);
        let ok = |c: &StoredChat, user, mutual, channels| {
            may_be_added(c, 10, user, mutual, false, || channels)
        };
        assert_eq!(ok(&chat, 20, false, 0), Err("USER_NOT_MUTUAL_CONTACT"));
        assert_eq!(ok(&chat, 20, true, 0), Ok(()));
        assert_eq!(ok(&chat, 30, false, 499), Ok(()));
        assert_eq!(ok(&chat, 30, false, 500), Err("USER_CHANNELS_TOO_MUCH"));
        chat.add(
            40,
            Role::Banned {
                rights: types::ChatBannedRights::default(),
                kicked_by: 10,
            },
            0,
            10,
        );
        assert_eq!(ok(&chat, 40, true, 0), Err("USER_KICKED"));
        // A basic group counts no channels.
        let group = StoredChat::new(2, ChatKind::Group, "g", 10, 0);
        assert_eq!(ok(&group, 30, false, 10_000), Ok(()));
        assert!(
            room_for(&group, 199) && !room_for(&group, 200),
            "the creator counts"
        );
        assert!(room_for(&chat, 1000));
        assert_eq!(
            may_be_added(&group, 10, 50, false, true, || 0),
            Err("BOT_GROUPS_BLOCKED")
        );
        let channel = StoredChat::new(3, ChatKind::Channel, "c", 10, 0);
        assert_eq!(may_be_added(&channel, 10, 50, false, true, || 0), Ok(()));
    }
}
