//! The authorization across DCs: imported into borrowed connections (files,
//! statistics), and carried along when the home DC moves because the server
//! says the account lives elsewhere
//! (`USER_MIGRATE_X`, `PHONE_MIGRATE_X`, `NETWORK_MIGRATE_X`).
//!
//! Before sign-in (the usual case: a phone number registered on another DC)
//! the client just moves: the new DC gets its own auth key and the login goes
//! on there. A signed-in account that is moved carries its authorization along
//! first, as core.telegram.org/api/datacenter describes for other DCs:
//! `auth.exportAuthorization` on the old home, `auth.importAuthorization` on
//! the new one. (Telethon instead drops the auth key on a move, in
//! `_switch_dc`, which signs the user out.)

use crate::client::Client;
use crate::error::InvocationError;
use ferrogram_tl_types::{Deserializable, Serializable, enums, functions};
use tracing::info;

impl Client {
    /// Moves the home DC from `from` to `to` (persisted in the session), with
    /// the authorization when `carry` asks for it and there is one. Requests
    /// that met the move at the same time wait for the first to finish it and
    /// then only retry.
    ///
    /// The move runs in a task of its own: a caller that gives up (a timeout
    /// around `UpdateStream::next`, a dropped future) does not cut it off
    /// between the export and the switch, where every retry would start it
    /// again and a caller with a short timeout would never see it finish.
    pub(crate) async fn move_home(
        &self,
        from: i32,
        to: i32,
        carry: bool,
    ) -> Result<(), InvocationError> {
        let this = self.clone();
        tokio::spawn(async move { this.move_home_now(from, to, carry).await })
            .await
            .map_err(|_| InvocationError::Dropped)?
    }

    async fn move_home_now(&self, from: i32, to: i32, carry: bool) -> Result<(), InvocationError> {
        let _one_at_a_time = self.inner.migration.lock().await;
        if self.home_dc() != from || from == to {
            return Ok(());
        }
        if carry {
            match self.transfer_authorization(from, to).await {
                Ok(()) => info!(from, to, "authorization moved to the new home DC"),
                // Not signed in (yet): a login that starts on another DC.
                Err(e) if e.rpc().is_some_and(|r| r.code == 401) => {}
                Err(e) => return Err(e),
            }
        }
        self.set_home(from, to).await
    }

    /// Exports the authorization from DC `from` and imports it on DC `to`.
    async fn transfer_authorization(&self, from: i32, to: i32) -> Result<(), InvocationError> {
        let exported = self
            .invoke_on(
                from,
                functions::auth::ExportAuthorization { dc_id: to }.try_to_bytes()?,
            )
            .await?;
        let enums::auth::ExportedAuthorization::ExportedAuthorization(x) =
            enums::auth::ExportedAuthorization::from_bytes(&exported)?;
        let import = functions::auth::ImportAuthorization {
            id: x.id,
            bytes: x.bytes,
        };
        self.invoke_on(to, import.try_to_bytes()?).await?;
        Ok(())
    }

    /// Makes `to` the home DC in place of `from`: its connection is opened
    /// again as the home one (a borrowed connection would close when idle),
    /// the old home's closes once its requests in flight end, and the session
    /// remembers the new home.
    async fn set_home(&self, from: i32, to: i32) -> Result<(), InvocationError> {
        {
            let mut senders = self.inner.senders.lock().await;
            senders.remove(&to);
            senders.remove(&from);
        }
        self.inner.authorized.lock().await.remove(&to);
        self.inner
            .home_dc
            .store(to, std::sync::atomic::Ordering::SeqCst);
        self.inner.config.session.set_home_dc(to)?;
        Ok(())
    }

    /// Makes sure DC `dc` (not home) is signed in as we are, by exporting the
    /// authorization from the home DC and importing it there.
    #[tracing::instrument(level = "debug", skip_all, fields(dc))]
    ///
    /// Cancel-safe and one at a time: the transfer runs in a task of its own
    /// (a caller that gives up does not cut it off between the export and
    /// the import), and callers that meet it wait for it under the same lock
    /// as a move of the home DC, then find the DC authorized: one import
    /// however many downloads start at once.
    pub(crate) async fn authorize_dc(&self, dc: i32) -> Result<(), InvocationError> {
        if self.inner.authorized.lock().await.contains(&dc) {
            return Ok(());
        }
        let this = self.clone();
        tokio::spawn(async move { this.authorize_dc_now(dc).await })
            .await
            .map_err(|_| InvocationError::Dropped)?
    }

    async fn authorize_dc_now(&self, dc: i32) -> Result<(), InvocationError> {
        let _one_at_a_time = self.inner.migration.lock().await;
        if self.inner.authorized.lock().await.contains(&dc) {
            return Ok(());
        }
        self.transfer_authorization(self.home_dc(), dc).await?;
        info!(dc, "authorization imported into a borrowed connection");
        self.inner.authorized.lock().await.insert(dc);
        Ok(())
    }
}
