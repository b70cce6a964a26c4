//! `account.*`: the two-step password parameters.

use super::prelude::*;
use ferrogram_mtproto::srp::SrpServer;
use rand_core::RngCore;

/// `account.getPassword`.
pub(crate) fn get_password(
    cx: &mut Cx<'_>,
    _: functions::account::GetPassword,
) -> Result<enums::account::Password, RpcErr> {
    let Cx { ctx, w } = cx;
    let user = w
        .pending_password
        .get(&ctx.key_id)
        .copied()
        .or_else(|| w.authorizations.get(&ctx.key_id).map(|a| a.user));
    let password = user.and_then(|u| w.accounts[&u].password.clone());
    let mut rng = lock(&ctx.shared.rng);
    let mut secure = vec![0u8; 32];
    rng.fill_bytes(&mut secure);
    let mut salt = vec![0u8; 8];
    rng.fill_bytes(&mut salt);
    let new_params = ferrogram_mtproto::srp::SrpParams {
        salt1: salt.clone(),
        salt2: salt.clone(),
        g: 3,
        p: ferrogram_mtproto::telegram_dh_prime().to_bytes_be(),
    };
    let mut out = types::account::Password {
        has_recovery: false,
        has_secure_values: false,
        has_password: false,
        current_algo: None,
        srp_b: None,
        srp_id: None,
        hint: None,
        email_unconfirmed_pattern: None,
        new_algo: srp_algo(&new_params),
        new_secure_algo: enums::SecurePasswordKdfAlgo::from(
            types::SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000 { salt },
        ),
        secure_random: secure,
        pending_reset_date: None,
        login_email_pattern: None,
    };
    if let (Some(user), Some(pw)) = (user, password) {
        let server = SrpServer::new(pw.params.clone(), &pw.verifier, &mut *rng)
            .map_err(|_| err(500, "SRP_FAILED"))?;
        let srp_id = (rng.next_u64() >> 1) as i64;
        out.has_password = true;
        out.current_algo = Some(srp_algo(&pw.params));
        out.srp_b = Some(server.srp_b().to_vec());
        out.srp_id = Some(srp_id);
        out.hint = (!pw.hint.is_empty())
            .then(|| pw.hint.clone())
            .map(Into::into);
        // Only the latest SRP session of a user is valid, as on Telegram.
        w.srp.retain(|_, (u, _)| *u != user);
        w.srp.insert(srp_id, (user, server));
    }
    Ok(enums::account::Password::from(out))
}

pub(crate) fn srp_algo(params: &ferrogram_mtproto::srp::SrpParams) -> enums::PasswordKdfAlgo {
    enums::PasswordKdfAlgo::from(
        types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
            salt1: params.salt1.clone(),
            salt2: params.salt2.clone(),
            g: params.g,
            p: params.p.clone(),
        },
    )
}
