//! Closing a client: its connections, then its session store.

use std::sync::atomic::Ordering;

use crate::{Client, InvocationError};

impl Client {
    /// Closes every connection of this client (and its clones), waiting
    /// until each socket is closed, then tells the session store the client
    /// is done ([`ferrogram_session::Session::close`]: a PostgreSQL session
    /// hands its lease on at once, so the next process of the account need
    /// not wait for it to expire; the sockets are closed first, so that one
    /// never meets this one's connection still open). Requests waiting fail,
    /// and later ones fail with [`InvocationError::Dropped`]. Closing twice
    /// does nothing more.
    pub async fn close(&self) -> Result<(), InvocationError> {
        self.inner.closed.store(true, Ordering::Release);
        let senders: Vec<_> = {
            let mut senders = self.inner.senders.lock().await;
            senders.drain().map(|(_, s)| s).collect()
        };
        for s in senders {
            s.close().await;
        }
        self.session().close()?;
        Ok(())
    }
}
