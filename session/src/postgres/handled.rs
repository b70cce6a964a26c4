//! Exactly-once update handlers: an update's effect, the mark that it was
//! handled and (once its batch is done) the update state, written in one
//! transaction.
//!
//! An update stream saves its state once every update fetched with it has
//! been handled, so a process that dies in the middle of a batch sees the
//! batch again after a restart. A handler that writes its effect through
//! [`PostgresSession::handle_update`] is not run again for the updates of
//! that batch it has handled: each is marked handled (by its identity, see
//! `ferrogram_client::update_identity`) in the transaction that records its
//! effect, and the marks go once the state that covers them is saved. The
//! transaction is fenced by the session's lease, when it holds one: a
//! holder that lost it records nothing.

use super::{PostgresSession, write_update_state};
use crate::{SessionError, UpdateState};

impl PostgresSession {
    /// Handles one update exactly once: runs `effect` in a transaction that
    /// also marks `identity` handled and, when `state` is given (the update
    /// finished its batch: the state to save), saves the update state and
    /// forgets the marks it covers. Returns `Ok(None)` without running
    /// `effect` when the update was handled before (a restart fetched it
    /// again), `Ok(Some(what effect returned))` when it was not.
    ///
    /// An update without an identity (`None`: a typing notice, a status;
    /// Telegram never fetches those again) is handled every time it comes.
    /// An error of `effect` rolls everything back; it comes back as
    /// [`SessionError::Postgres`]. With a lease lost nothing is written
    /// ([`SessionError::LeaseLost`]).
    pub fn handle_update<T: Send + 'static>(
        &self,
        identity: Option<String>,
        state: Option<&UpdateState>,
        effect: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, postgres::Error>
        + Send
        + 'static,
    ) -> Result<Option<T>, SessionError> {
        let saved = state.cloned();
        let written = saved.clone();
        let out = self.write(move |tx, account| {
            let fresh = match &identity {
                Some(identity) => {
                    tx.execute(
                        "INSERT INTO ferrogram_handled_updates (account, identity)
                         VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        &[&account, identity],
                    )? == 1
                }
                None => true,
            };
            let r = if fresh { Some(effect(tx)?) } else { None };
            if let Some(state) = &written {
                // The batch is done (this update handled now or before).
                write_update_state(tx, account, state)?;
                tx.execute(
                    "DELETE FROM ferrogram_handled_updates WHERE account = $1",
                    &[&account],
                )?;
            }
            Ok(r)
        })?;
        if let Some(state) = saved {
            self.lock().update_state = state;
        }
        Ok(out)
    }

    /// How many updates are marked handled and not yet covered by a saved
    /// state (for tests and monitoring).
    pub fn handled_updates_pending(&self) -> Result<i64, SessionError> {
        let account = self.account.clone();
        self.call(move |c| {
            let row = c.query_one(
                "SELECT count(*) FROM ferrogram_handled_updates WHERE account = $1",
                &[&account],
            )?;
            Ok(row.get(0))
        })
    }
}
