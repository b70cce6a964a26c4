//! Privacy settings: `account.setPrivacy` / `account.getPrivacy` for every
//! key, and who may add whom to a chat (`inputPrivacyKeyChatInvite`), the
//! one key this world enforces (<https://core.telegram.org/api/privacy>).

use super::prelude::*;
use ferrogram_tl_types::Serializable;

/// A key's identity (its constructor's bytes: the keys have no fields).
fn key_of(key: &enums::InputPrivacyKey) -> Vec<u8> {
    key.to_bytes()
}

/// The stored form of an input rule; `Err` for users this caller cannot
/// name.
fn stored_rule(me: i64, rule: &enums::InputPrivacyRule) -> Result<enums::PrivacyRule, RpcErr> {
    use enums::InputPrivacyRule as I;
    use enums::PrivacyRule as P;
    let ids = |users: &[enums::InputUser]| {
        users
            .iter()
            .map(|u| input_user_id(me, u))
            .collect::<Result<Vec<i64>, RpcErr>>()
    };
    Ok(match rule {
        I::InputPrivacyValueAllowContacts => P::PrivacyValueAllowContacts,
        I::InputPrivacyValueAllowAll => P::PrivacyValueAllowAll,
        I::InputPrivacyValueDisallowContacts => P::PrivacyValueDisallowContacts,
        I::InputPrivacyValueDisallowAll => P::PrivacyValueDisallowAll,
        I::InputPrivacyValueAllowUsers(u) => P::from(types::PrivacyValueAllowUsers {
            users: ids(&u.users)?,
        }),
        I::InputPrivacyValueDisallowUsers(u) => P::from(types::PrivacyValueDisallowUsers {
            users: ids(&u.users)?,
        }),
        // Rules about chats, close friends, premium and bots are kept
        // as given and decide nothing here.
        I::InputPrivacyValueAllowChatParticipants(c) => {
            P::from(types::PrivacyValueAllowChatParticipants {
                chats: c.chats.clone(),
            })
        }
        I::InputPrivacyValueDisallowChatParticipants(c) => {
            P::from(types::PrivacyValueDisallowChatParticipants {
                chats: c.chats.clone(),
            })
        }
        I::InputPrivacyValueAllowCloseFriends => P::PrivacyValueAllowCloseFriends,
        I::InputPrivacyValueAllowPremium => P::PrivacyValueAllowPremium,
        I::InputPrivacyValueAllowBots => P::PrivacyValueAllowBots,
        I::InputPrivacyValueDisallowBots => P::PrivacyValueDisallowBots,
    })
}

fn answer(w: &World, me: i64, rules: Vec<enums::PrivacyRule>) -> enums::account::PrivacyRules {
    let mut users = Vec::new();
    for r in &rules {
        match r {
            enums::PrivacyRule::PrivacyValueAllowUsers(u) => users.extend(&u.users),
            enums::PrivacyRule::PrivacyValueDisallowUsers(u) => users.extend(&u.users),
            _ => {}
        }
    }
    enums::account::PrivacyRules::from(types::account::PrivacyRules {
        rules,
        chats: Vec::new(),
        users: users_of(w, me, users),
    })
}

/// `account.setPrivacy`: the caller's rules for `key`, as given (the
/// users named by id), answered as stored. Users only (`BOT_METHOD_INVALID`).
pub(crate) fn set_privacy(
    cx: &mut Cx<'_>,
    x: functions::account::SetPrivacy,
) -> Result<enums::account::PrivacyRules, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    if w.accounts.get(&me).is_some_and(|a| a.bot) {
        return Err(bad("BOT_METHOD_INVALID"));
    }
    let rules = x
        .rules
        .iter()
        .map(|r| stored_rule(me, r))
        .collect::<Result<Vec<_>, _>>()?;
    w.privacy.insert((me, key_of(&x.key)), rules.clone());
    Ok(answer(w, me, rules))
}

/// `account.getPrivacy`: the caller's rules for `key`; never set, everybody
/// (`privacyValueAllowAll`), Telegram's default for most keys.
pub(crate) fn get_privacy(
    cx: &mut Cx<'_>,
    x: functions::account::GetPrivacy,
) -> Result<enums::account::PrivacyRules, RpcErr> {
    let Cx { ctx, w } = cx;
    let me = me(ctx, w)?;
    let rules = w
        .privacy
        .get(&(me, key_of(&x.key)))
        .cloned()
        .unwrap_or_else(|| vec![enums::PrivacyRule::PrivacyValueAllowAll]);
    Ok(answer(w, me, rules))
}

/// Whether `user`'s chat-invite privacy lets `adder` add them to a group or
/// channel. Exceptions first (a user disallowed, then allowed, by id), then
/// the contacts rules (`adder` in `user`'s contacts), then everybody or
/// nobody; no rule that applies, or never set: allowed (Telegram's default,
/// "Everybody").
pub(crate) fn may_invite_user(w: &World, adder: i64, user: i64) -> bool {
    use enums::PrivacyRule as P;
    let key = key_of(&enums::InputPrivacyKey::ChatInvite);
    let Some(rules) = w.privacy.get(&(user, key)) else {
        return true;
    };
    let has = |f: &dyn Fn(&P) -> bool| rules.iter().any(f);
    if has(&|r| matches!(r, P::PrivacyValueDisallowUsers(u) if u.users.contains(&adder))) {
        return false;
    }
    if has(&|r| matches!(r, P::PrivacyValueAllowUsers(u) if u.users.contains(&adder))) {
        return true;
    }
    if w.is_contact(user, adder) {
        if has(&|r| matches!(r, P::PrivacyValueDisallowContacts)) {
            return false;
        }
        if has(&|r| matches!(r, P::PrivacyValueAllowContacts)) {
            return true;
        }
    }
    !has(&|r| matches!(r, P::PrivacyValueDisallowAll | P::PrivacyValueAllowContacts))
}

/// A `missingInvitee` for a user whose privacy kept them out (no premium
/// in this world: neither premium flag is set).
pub(crate) fn missing(user: i64) -> enums::MissingInvitee {
    enums::MissingInvitee::from(types::MissingInvitee {
        premium_would_allow_invite: false,
        premium_required_for_pm: false,
        user_id: user,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions_then_contacts_then_everybody() {
        use enums::PrivacyRule as P;
        let mut w = World::new([1; 32], 2);
        let key = key_of(&enums::InputPrivacyKey::ChatInvite);
        let (user, friend, stranger, pest) = (1, 2, 3, 4);
        w.contacts.entry(user).or_default().insert(friend);
        w.contacts.entry(user).or_default().insert(pest);
        assert!(may_invite_user(&w, stranger, user), "never set: everybody");
        w.privacy.insert(
            (user, key.clone()),
            vec![
                P::PrivacyValueAllowContacts,
                P::from(types::PrivacyValueDisallowUsers { users: vec![pest] }),
                P::from(types::PrivacyValueAllowUsers {
                    users: vec![stranger],
                }),
            ],
        );
        assert!(may_invite_user(&w, friend, user));
        assert!(!may_invite_user(&w, pest, user), "a contact, but excepted");
        assert!(may_invite_user(&w, stranger, user), "allowed by id");
        assert!(!may_invite_user(&w, 5, user), "contacts only");
        w.privacy.insert(
            (user, key),
            vec![P::PrivacyValueAllowAll, P::PrivacyValueDisallowContacts],
        );
        assert!(!may_invite_user(&w, friend, user));
        assert!(may_invite_user(&w, 5, user));
    }
}
