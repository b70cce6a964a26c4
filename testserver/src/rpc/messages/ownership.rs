//! Handing a chat to another member: `messages.editChatCreator`, guarded by
//! the creator's 2FA password (SRP) and by how fresh the password and the
//! session are.

use crate::rpc::prelude::*;

/// How old the 2FA password must be before ownership can move
/// (`PASSWORD_TOO_FRESH_X` otherwise, X the seconds left): 24 hours, as the
/// method page says ("The password was modified less than 24 hours ago").
pub(crate) const PASSWORD_MIN_AGE: i32 = 86_400;

/// How old the session must be (`SESSION_TOO_FRESH_X` otherwise): 24
/// hours, as the method page says ("This session was created less than 24
/// hours ago").
pub(crate) const SESSION_MIN_AGE: i32 = 86_400;

/// `messages.editChatCreator`: the creator makes a member the creator and
/// becomes an admin with every right. Checked in this order, which TDLib
/// relies on when it asks with an empty password to learn whether a
/// transfer is possible (`canTransferOwnership`): not the creator
/// `CHAT_ADMIN_REQUIRED`; the target not a member `USER_NOT_PARTICIPANT`,
/// a bot `PARTICIPANT_ID_INVALID` (this server's choice); no 2FA password
/// `PASSWORD_MISSING`; too fresh `PASSWORD_TOO_FRESH_X` /
/// `SESSION_TOO_FRESH_X`; a wrong or empty proof `PASSWORD_HASH_INVALID`
/// (the errors are the method page's).
pub(crate) fn edit_chat_creator(
    cx: &mut Cx<'_>,
    x: functions::messages::EditChatCreator,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let now = ctx.shared.clock.unix();
    let id = chat_of_peer(w, me, &x.peer)?;
    let chat = &w.chats[&id];
    if !is_owner(chat, me) {
        return Err(bad("CHAT_ADMIN_REQUIRED"));
    }
    let user = input_user_id(me, &x.user_id)?;
    let Some(target) = chat
        .participant(user)
        .filter(|p| p.is_member() && user != me)
    else {
        return Err(bad("USER_NOT_PARTICIPANT"));
    };
    if w.accounts.get(&user).is_some_and(|a| a.bot) {
        return Err(bad("PARTICIPANT_ID_INVALID"));
    }
    let target = target.clone();
    let Some(password) = w.accounts.get(&me).and_then(|a| a.password.clone()) else {
        return Err(bad("PASSWORD_MISSING"));
    };
    let password_age = now.saturating_sub(password.set_at);
    if password_age < PASSWORD_MIN_AGE {
        return Err(bad(&format!(
            "PASSWORD_TOO_FRESH_{}",
            PASSWORD_MIN_AGE - password_age
        )));
    }
    let session_age = w
        .authorizations
        .get(&ctx.key_id)
        .map_or(0, |a| now.saturating_sub(a.date));
    if session_age < SESSION_MIN_AGE {
        return Err(bad(&format!(
            "SESSION_TOO_FRESH_{}",
            SESSION_MIN_AGE - session_age
        )));
    }
    let enums::InputCheckPasswordSRP::InputCheckPasswordSRP(proof) = x.password else {
        return Err(bad("PASSWORD_HASH_INVALID"));
    };
    let Some((owner, server)) = w.srp.remove(&proof.srp_id) else {
        return Err(bad("SRP_ID_INVALID"));
    };
    if owner != me || !server.verify(&proof.a, &proof.m1).unwrap_or(false) {
        return Err(bad("PASSWORD_HASH_INVALID"));
    }
    let c = w.chats.get_mut(&id).ok_or_else(|| internal("exists"))?;
    let my_tag = c.participant(me).and_then(|p| p.tag().map(str::to_owned));
    let (my_date, my_inviter) = c.participant(me).map_or((now, me), |p| (p.date, p.inviter));
    c.change(
        user,
        Role::Creator {
            rank: target.tag().map(str::to_owned),
        },
        target.date,
        target.inviter,
    );
    let rights = if c.kind == ChatKind::Group {
        crate::chats::group_admin_rights()
    } else {
        crate::chats::all_admin_rights()
    };
    c.change(
        me,
        Role::Admin {
            rights,
            rank: my_tag,
            promoted_by: user,
        },
        my_date,
        my_inviter,
    );
    c.creator = user;
    Ok(chat_updates(w, me, id, vec![user], now))
}
