//! `auth.*`: login codes, sign-in and sign-up, two-step passwords, bot tokens, moving an authorization between DCs.

use super::prelude::*;
use crate::world::{Authorization, PendingCode};
use rand_core::RngCore;

/// How long a login code stays valid.
const CODE_TTL_SECS: i32 = 300;

/// `auth.sendCode`.
pub(crate) fn send_code(
    cx: &mut Cx<'_>,
    x: functions::auth::SendCode,
) -> Result<enums::auth::SentCode, RpcErr> {
    let Cx { ctx, w } = cx;
    let phone = world::normalize_phone(&x.phone_number);
    if phone.len() < 5 || phone.len() > 15 {
        return Err(bad("PHONE_NUMBER_INVALID"));
    }
    let dc = phone_home(ctx, w, &phone);
    if dc != ctx.dc {
        return Err(err(303, format!("PHONE_MIGRATE_{dc}")));
    }
    let mut nonce = [0u8; 8];
    lock(&ctx.shared.rng).fill_bytes(&mut nonce);
    let hash: String = w.keyed(&[b"code", phone.as_bytes(), &nonce])[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    w.codes.insert(
        hash.clone(),
        PendingCode {
            phone: phone.clone(),
            code: world::login_code(&phone),
            expires: ctx.shared.clock.unix().saturating_add(CODE_TTL_SECS),
        },
    );
    Ok(enums::auth::SentCode::from(types::auth::SentCode {
        r#type: enums::auth::SentCodeType::from(types::auth::SentCodeTypeApp { length: 5 }),
        phone_code_hash: hash.into(),
        next_type: None,
        timeout: None,
    }))
}

/// `auth.signIn`.
pub(crate) fn sign_in(
    cx: &mut Cx<'_>,
    x: functions::auth::SignIn,
) -> Result<enums::auth::Authorization, RpcErr> {
    let Cx { ctx, w } = cx;
    let p = pending_code(ctx, w, &x.phone_number, &x.phone_code_hash)?;
    let dc = phone_home(ctx, w, &p.phone);
    if dc != ctx.dc {
        return Err(err(303, format!("PHONE_MIGRATE_{dc}")));
    }
    match x.phone_code.as_deref() {
        None | Some("") => return Err(bad("PHONE_CODE_EMPTY")),
        Some(c) if c != p.code => return Err(bad("PHONE_CODE_INVALID")),
        Some(_) => {}
    }
    let Some(&user) = w.phones.get(&p.phone) else {
        return Ok(enums::auth::Authorization::from(
            types::auth::AuthorizationSignUpRequired {
                terms_of_service: None,
            },
        ));
    };
    w.codes.remove(x.phone_code_hash.as_str());
    if w.accounts[&user].password.is_some() {
        w.pending_password.insert(ctx.key_id, user);
        return Err(err(401, "SESSION_PASSWORD_NEEDED"));
    }
    authorize(ctx, w, user, false)
}

/// `auth.signUp`.
pub(crate) fn sign_up(
    cx: &mut Cx<'_>,
    x: functions::auth::SignUp,
) -> Result<enums::auth::Authorization, RpcErr> {
    let Cx { ctx, w } = cx;
    let p = pending_code(ctx, w, &x.phone_number, &x.phone_code_hash)?;
    if w.phones.contains_key(&p.phone) {
        return Err(bad("PHONE_NUMBER_OCCUPIED"));
    }
    let first = x.first_name.trim();
    if first.is_empty() || first.chars().count() > 64 {
        return Err(bad("FIRST_NAME_INVALID"));
    }
    if x.last_name.chars().count() > 64 {
        return Err(bad("LASTNAME_INVALID"));
    }
    w.codes.remove(x.phone_code_hash.as_str());
    let user = w.create_account(first, x.last_name.trim(), Some(&p.phone), false, ctx.dc);
    authorize(ctx, w, user, false)
}

/// `auth.importBotAuthorization`.
pub(crate) fn import_bot_authorization(
    cx: &mut Cx<'_>,
    x: functions::auth::ImportBotAuthorization,
) -> Result<enums::auth::Authorization, RpcErr> {
    let Cx { ctx, w } = cx;
    let Some(&bot) = w.bot_tokens.get(x.bot_auth_token.as_str()) else {
        return Err(bad("ACCESS_TOKEN_INVALID"));
    };
    let home = w.accounts[&bot].home_dc;
    if home != ctx.dc {
        return Err(err(303, format!("USER_MIGRATE_{home}")));
    }
    authorize(ctx, w, bot, false)
}

/// `auth.checkPassword`.
pub(crate) fn check_password(
    cx: &mut Cx<'_>,
    x: functions::auth::CheckPassword,
) -> Result<enums::auth::Authorization, RpcErr> {
    let Cx { ctx, w } = cx;
    let input = x.password;
    let enums::InputCheckPasswordSRP::InputCheckPasswordSRP(p) = input else {
        return Err(bad("PASSWORD_HASH_INVALID"));
    };
    let Some((user, server)) = w.srp.remove(&p.srp_id) else {
        return Err(bad("SRP_ID_INVALID"));
    };
    let allowed = w.pending_password.get(&ctx.key_id) == Some(&user)
        || w.authorizations.get(&ctx.key_id).map(|a| a.user) == Some(user);
    if !allowed {
        return Err(bad("SRP_ID_INVALID"));
    }
    match server.verify(&p.a, &p.m1) {
        Ok(true) => authorize(ctx, w, user, false),
        Ok(false) => Err(bad("PASSWORD_HASH_INVALID")),
        Err(_) => Err(bad("SRP_A_INVALID")),
    }
}

/// `auth.logOut`.
pub(crate) fn log_out(
    cx: &mut Cx<'_>,
    _: functions::auth::LogOut,
) -> Result<enums::auth::LoggedOut, RpcErr> {
    let Cx { ctx, w } = cx;
    if w.authorizations.remove(&ctx.key_id).is_none() {
        return Err(err(401, "AUTH_KEY_UNREGISTERED"));
    }
    Ok(enums::auth::LoggedOut::from(types::auth::LoggedOut {
        future_auth_token: None,
    }))
}

/// `auth.exportAuthorization`.
pub(crate) fn export_authorization(
    cx: &mut Cx<'_>,
    x: functions::auth::ExportAuthorization,
) -> Result<enums::auth::ExportedAuthorization, RpcErr> {
    let Cx { ctx, w } = cx;
    let shared = ctx.shared;
    let me = signed_in(ctx, w)?;
    if x.dc_id == ctx.dc || shared.dc_addr(x.dc_id).is_none() {
        return Err(bad("DC_ID_INVALID"));
    }
    let (id, bytes) = w.export_authorization(me, x.dc_id);
    Ok(enums::auth::ExportedAuthorization::from(
        types::auth::ExportedAuthorization { id, bytes },
    ))
}

/// `auth.importAuthorization`.
pub(crate) fn import_authorization(
    cx: &mut Cx<'_>,
    x: functions::auth::ImportAuthorization,
) -> Result<enums::auth::Authorization, RpcErr> {
    let Cx { ctx, w } = cx;
    match w.exported.get(&x.id) {
        Some((user, bytes, dc)) if *bytes == x.bytes && *dc == ctx.dc => {
            let user = *user;
            w.exported.remove(&x.id);
            authorize(ctx, w, user, true)
        }
        _ => Err(bad("AUTH_BYTES_INVALID")),
    }
}

/// Signs the caller's auth key in as `user` (`imported`: moved here from
/// another DC) and answers the authorization.
pub(crate) fn authorize(
    ctx: &Ctx<'_>,
    w: &mut World,
    user: i64,
    imported: bool,
) -> Result<enums::auth::Authorization, RpcErr> {
    w.authorizations.insert(
        ctx.key_id,
        Authorization {
            user,
            imported,
            date: ctx.shared.clock.unix(),
        },
    );
    w.pending_password.remove(&ctx.key_id);
    let view = w
        .user_view(user, user)
        .ok_or_else(|| internal("account exists"))?;
    Ok(enums::auth::Authorization::from(
        types::auth::Authorization {
            setup_password_required: false,
            otherwise_relogin_days: None,
            tmp_sessions: None,
            future_auth_token: None,
            user: view,
        },
    ))
}

/// The DC whose accounts include `phone` (an existing account's home DC, else the
/// DC the number names, else the home DC).
pub(crate) fn phone_home(ctx: &Ctx<'_>, w: &World, phone: &str) -> i32 {
    if let Some(id) = w.phones.get(phone) {
        return w.accounts[id].home_dc;
    }
    world::phone_dc(phone)
        .filter(|d| ctx.shared.dc_addr(*d).is_some())
        .unwrap_or(w.home_dc)
}

/// Checks a phone code hash; the pending code.
pub(crate) fn pending_code(
    ctx: &Ctx<'_>,
    w: &World,
    phone: &str,
    hash: &str,
) -> Result<PendingCode, RpcErr> {
    if hash.is_empty() {
        return Err(bad("PHONE_CODE_HASH_EMPTY"));
    }
    let Some(p) = w.codes.get(hash) else {
        return Err(bad("PHONE_CODE_EXPIRED"));
    };
    if p.phone != world::normalize_phone(phone) {
        return Err(bad("PHONE_NUMBER_INVALID"));
    }
    if ctx.shared.clock.unix() > p.expires {
        return Err(bad("PHONE_CODE_EXPIRED"));
    }
    Ok(p.clone())
}
