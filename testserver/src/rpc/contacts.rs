//! `contacts.*`: the contact list and resolving usernames and phones.

use super::prelude::*;

/// `contacts.resolveUsername`.
pub(crate) fn resolve_username(
    cx: &mut Cx<'_>,
    x: functions::contacts::ResolveUsername,
) -> Result<enums::contacts::ResolvedPeer, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let name = x.username.trim_start_matches('@').to_ascii_lowercase();
    if name.len() < 4
        || name.len() > 32
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(bad("USERNAME_INVALID"));
    }
    if let Some(chat) = w
        .chats
        .values()
        .find(|c| c.username.as_deref().map(str::to_ascii_lowercase) == Some(name.clone()))
    {
        let id = chat.id;
        return Ok(enums::contacts::ResolvedPeer::from(
            types::contacts::ResolvedPeer {
                peer: enums::Peer::from(types::PeerChannel { channel_id: id }),
                chats: w.chat_view(me, id).into_iter().collect(),
                users: Vec::new(),
            },
        ));
    }
    let Some(id) = w
        .accounts
        .values()
        .find(|a| a.username.as_deref().map(str::to_ascii_lowercase) == Some(name.clone()))
        .map(|a| a.id)
    else {
        return Err(bad("USERNAME_NOT_OCCUPIED"));
    };
    Ok(enums::contacts::ResolvedPeer::from(
        types::contacts::ResolvedPeer {
            peer: enums::Peer::from(types::PeerUser { user_id: id }),
            chats: Vec::new(),
            users: w.user_view(me, id).into_iter().collect(),
        },
    ))
}

/// `contacts.importContacts`.
pub(crate) fn import_contacts(
    cx: &mut Cx<'_>,
    x: functions::contacts::ImportContacts,
) -> Result<enums::contacts::ImportedContacts, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let mut imported = Vec::new();
    let mut ids = Vec::new();
    for c in &x.contacts {
        let enums::InputContact::InputPhoneContact(c) = c;
        let phone = world::normalize_phone(&c.phone);
        if let Some(&id) = w.phones.get(&phone)
            && id != me
        {
            w.contacts.entry(me).or_default().insert(id);
            imported.push(enums::ImportedContact::from(types::ImportedContact {
                user_id: id,
                client_id: c.client_id,
            }));
            ids.push(id);
        }
    }
    Ok(enums::contacts::ImportedContacts::from(
        types::contacts::ImportedContacts {
            imported,
            popular_invites: Vec::new(),
            retry_contacts: Vec::new(),
            users: users_of(w, me, ids),
        },
    ))
}

/// `contacts.getContacts`.
pub(crate) fn get_contacts(
    cx: &mut Cx<'_>,
    _: functions::contacts::GetContacts,
) -> Result<enums::contacts::Contacts, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let ids: Vec<i64> = w
        .contacts
        .get(&me)
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    Ok(enums::contacts::Contacts::from(types::contacts::Contacts {
        contacts: ids
            .iter()
            .map(|&id| {
                enums::Contact::from(types::Contact {
                    user_id: id,
                    mutual: w.is_contact(id, me),
                })
            })
            .collect(),
        saved_count: ids.len() as i32,
        users: users_of(w, me, ids),
    }))
}

/// `contacts.deleteContacts`.
pub(crate) fn delete_contacts(
    cx: &mut Cx<'_>,
    x: functions::contacts::DeleteContacts,
) -> Result<enums::Updates, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = me(ctx, w)?;
    if w.accounts[&me].bot {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let mut ids = Vec::new();
    for u in &x.id {
        let id = input_user_id(me, u)?;
        if w.contacts.get_mut(&me).is_some_and(|c| c.remove(&id)) {
            ids.push(id);
        }
    }
    Ok(enums::Updates::from(types::Updates {
        updates: Vec::new(),
        users: users_of(w, me, ids),
        chats: Vec::new(),
        date: shared.clock.unix(),
        seq: 0,
    }))
}

/// `contacts.resolvePhone`.
pub(crate) fn resolve_phone(
    cx: &mut Cx<'_>,
    x: functions::contacts::ResolvePhone,
) -> Result<enums::contacts::ResolvedPeer, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let phone = world::normalize_phone(&x.phone);
    let Some(&id) = w.phones.get(&phone) else {
        return Err(bad("PHONE_NOT_OCCUPIED"));
    };
    Ok(enums::contacts::ResolvedPeer::from(
        types::contacts::ResolvedPeer {
            peer: enums::Peer::from(types::PeerUser { user_id: id }),
            chats: Vec::new(),
            users: w.user_view(me, id).into_iter().collect(),
        },
    ))
}
