//! `users.*`: users and full users.

use super::prelude::*;

/// `users.getUsers`.
pub(crate) fn get_users(
    cx: &mut Cx<'_>,
    x: functions::users::GetUsers,
) -> Result<Vec<enums::User>, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let users: Vec<enums::User> =
        x.id.iter()
            .filter_map(|u| match u {
                enums::InputUser::InputUserSelf => Some(me),
                enums::InputUser::InputUser(u) => (w.accounts.contains_key(&u.user_id)
                    && w.access_hash(me, u.user_id) == u.access_hash)
                    .then_some(u.user_id),
                _ => None,
            })
            .filter_map(|id| w.user_view(me, id))
            .collect();
    Ok(users)
}

/// `users.getFullUser`.
pub(crate) fn get_full_user(
    cx: &mut Cx<'_>,
    x: functions::users::GetFullUser,
) -> Result<enums::users::UserFull, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let id = input_user_id(me, &x.id)?;
    if !w.accounts.contains_key(&id) {
        return Err(bad("USER_ID_INVALID"));
    }
    let full = w
        .user_full_view(me, id)
        .ok_or_else(|| internal("account exists"))?;
    Ok(enums::users::UserFull::from(types::users::UserFull {
        full_user: enums::UserFull::from(full),
        chats: Vec::new(),
        users: users_of(w, me, vec![id]),
    }))
}
