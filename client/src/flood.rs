//! FLOOD_WAIT: slept through under the configured threshold, and counted so
//! that callers pacing themselves (chat-mgmt's bulk tool) learn the server
//! pushed back even when the client absorbed it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tracing::info;

use crate::{Client, InvocationError};

/// How many FLOOD_WAITs were slept through, and for how long in all.
#[derive(Debug, Default)]
pub(crate) struct FloodCounter {
    waits: AtomicU64,
    slept_ms: AtomicU64,
}

impl Client {
    /// Sleeps through a FLOOD_WAIT under the threshold (true), or says it is not
    /// one to sleep through (false).
    pub(crate) async fn flood_sleep(&self, e: &InvocationError) -> bool {
        let Some(rpc) = e.rpc() else { return false };
        if !(rpc.is("FLOOD_WAIT") || rpc.is("FLOOD_PREMIUM_WAIT")) {
            return false;
        }
        let wait = Duration::from_secs(u64::from(rpc.value.unwrap_or(0)));
        if wait > self.inner.config.flood_sleep_threshold {
            return false;
        }
        info!(?wait, "sleeping through FLOOD_WAIT");
        let counter = &self.inner.flood;
        counter.waits.fetch_add(1, Ordering::Relaxed);
        let ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        counter.slept_ms.fetch_add(ms, Ordering::Relaxed);
        tokio::time::sleep(wait).await;
        true
    }

    /// How many FLOOD_WAITs this client (and its clones) slept through, and
    /// how long they slept in all. A FLOOD_WAIT over
    /// [`crate::Config::flood_sleep_threshold`] is returned as an error and
    /// not counted. A caller that paces itself compares two readings to learn
    /// that the server pushed back.
    ///
    /// ```no_run
    /// # async fn demo(client: ferrogram_client::Client) {
    /// let (waits, slept) = client.flood_waits();
    /// println!("{waits} FLOOD_WAITs, {slept:?} asleep");
    /// # }
    /// ```
    pub fn flood_waits(&self) -> (u64, Duration) {
        let counter = &self.inner.flood;
        (
            counter.waits.load(Ordering::Relaxed),
            Duration::from_millis(counter.slept_ms.load(Ordering::Relaxed)),
        )
    }
}
