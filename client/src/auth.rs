//! Signing in and out: bots by token, users by phone, login code and 2FA
//! password (SRP), and who is signed in.

use ferrogram_mtproto::srp::{SrpParams, client_proof};
use ferrogram_tl_types::{enums, functions, types};
use rand_core::OsRng;

use crate::{Client, InvocationError, SignInError};

/// The login state between [`Client::request_login_code`] and [`Client::sign_in`].
#[derive(Clone, Debug)]
pub struct LoginToken {
    phone: String,
    phone_code_hash: String,
}

impl Client {
    /// Signs in as a bot.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_bot(&self, token: &str) -> Result<types::User, InvocationError> {
        let auth = self
            .invoke(&functions::auth::ImportBotAuthorization {
                flags: 0,
                api_id: self.inner.config.api_id,
                api_hash: self.inner.config.api_hash.as_str().into(),
                bot_auth_token: token.into(),
            })
            .await?;
        let user = authorized_user(auth)?;
        self.remember_self(&user);
        Ok(user)
    }

    /// Asks for a login code for `phone` (moving to the account's DC if told to).
    #[tracing::instrument(skip_all)]
    pub async fn request_login_code(&self, phone: &str) -> Result<LoginToken, InvocationError> {
        let sent = self
            .invoke(&functions::auth::SendCode {
                phone_number: phone.into(),
                api_id: self.inner.config.api_id,
                api_hash: self.inner.config.api_hash.as_str().into(),
                settings: enums::CodeSettings::from(types::CodeSettings::default()),
            })
            .await?;
        match sent {
            enums::auth::SentCode::SentCode(s) => Ok(LoginToken {
                phone: phone.to_owned(),
                phone_code_hash: s.phone_code_hash.to_string(),
            }),
            _ => Err(InvocationError::UnexpectedAnswer {
                method: "auth.sendCode",
                what: "auth.sentCodeSuccess instead of auth.sentCode",
            }),
        }
    }

    /// Signs in with the code. For an account with 2FA this answers
    /// [`SignInError::PasswordRequired`] (Telegram's `SESSION_PASSWORD_NEEDED`):
    /// then call [`Client::check_password`]. A wrong or expired code is
    /// [`SignInError::InvalidCode`] / [`SignInError::CodeExpired`]; a number
    /// without an account, [`SignInError::SignUpRequired`].
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(
        &self,
        token: &LoginToken,
        code: &str,
    ) -> Result<types::User, InvocationError> {
        let auth = self
            .invoke(&functions::auth::SignIn {
                phone_number: token.phone.as_str().into(),
                phone_code_hash: token.phone_code_hash.as_str().into(),
                phone_code: Some(code.into()),
                email_verification: None,
            })
            .await
            .map_err(SignInError::from_rpc)?;
        let user = authorized_user(auth)?;
        self.remember_self(&user);
        Ok(user)
    }

    /// Completes a 2FA sign-in: SRP with the password (it never leaves this
    /// process).
    #[tracing::instrument(skip_all)]
    pub async fn check_password(&self, password: &str) -> Result<types::User, InvocationError> {
        let proof = self.password_proof(password).await?;
        let auth = self
            .invoke(&functions::auth::CheckPassword { password: proof })
            .await
            .map_err(SignInError::from_rpc)?;
        let user = authorized_user(auth)?;
        self.remember_self(&user);
        Ok(user)
    }

    /// The SRP proof of the account's 2FA password (`account.getPassword`,
    /// then the proof computed here: the password never leaves this
    /// process), for the calls that ask for it: `auth.checkPassword`,
    /// `messages.editChatCreator`, ... Each proof is good for one call.
    /// An account with no password: [`SignInError::NoPassword`].
    pub async fn password_proof(
        &self,
        password: &str,
    ) -> Result<enums::InputCheckPasswordSRP, InvocationError> {
        let enums::account::Password::Password(p) =
            self.invoke(&functions::account::GetPassword {}).await?;
        let Some(enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(algo)) =
            p.current_algo
        else {
            return Err(InvocationError::SignIn(SignInError::NoPassword));
        };
        let (Some(srp_b), Some(srp_id)) = (p.srp_b, p.srp_id) else {
            return Err(InvocationError::UnexpectedAnswer {
                method: "account.getPassword",
                what: "a password without srp_B or srp_id",
            });
        };
        let params = SrpParams {
            salt1: algo.salt1.clone(),
            salt2: algo.salt2.clone(),
            g: algo.g,
            p: algo.p.clone(),
        };
        let (a, m1) = client_proof(&params, password.as_bytes(), &srp_b, &mut OsRng)
            .map_err(|e| InvocationError::SignIn(SignInError::Srp(e)))?;
        Ok(enums::InputCheckPasswordSRP::from(
            types::InputCheckPasswordSRP {
                srp_id,
                a: a.to_vec(),
                m1: m1.to_vec(),
            },
        ))
    }

    /// The signed-in user.
    pub async fn get_me(&self) -> Result<types::User, InvocationError> {
        let users = self
            .invoke(&functions::users::GetUsers {
                id: vec![enums::InputUser::InputUserSelf],
            })
            .await?;
        match users.into_iter().next() {
            Some(enums::User::User(u)) => {
                self.remember_self(&u);
                Ok(*u)
            }
            _ => Err(InvocationError::UnexpectedAnswer {
                method: "users.getUsers",
                what: "no user for inputUserSelf",
            }),
        }
    }

    /// Whether the session is signed in.
    pub async fn is_authorized(&self) -> Result<bool, InvocationError> {
        match self.get_me().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.is("AUTH_KEY_UNREGISTERED")
                    || e.is("SESSION_REVOKED")
                    || e.is("USER_DEACTIVATED*") =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Signs out (the auth key stays, unauthorized).
    pub async fn sign_out(&self) -> Result<(), InvocationError> {
        self.invoke(&functions::auth::LogOut {}).await?;
        *self.inner.self_id.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }
}

fn authorized_user(auth: enums::auth::Authorization) -> Result<types::User, InvocationError> {
    match auth {
        enums::auth::Authorization::Authorization(a) => match a.user {
            enums::User::User(u) => Ok(*u),
            enums::User::Empty(_) => Err(InvocationError::UnexpectedAnswer {
                method: "auth.signIn",
                what: "an authorization for an empty user",
            }),
        },
        enums::auth::Authorization::SignUpRequired(_) => {
            Err(InvocationError::SignIn(SignInError::SignUpRequired))
        }
    }
}
