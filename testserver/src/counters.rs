//! What the server saw, readable by tests.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters (shared by every DC of one server).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    connections: AtomicU64,
    open: Mutex<BTreeMap<i32, u64>>,
    handshakes: AtomicU64,
    encrypted_packets: AtomicU64,
    requests_received: AtomicU64,
    requests_executed: AtomicU64,
    duplicates: AtomicU64,
    per_method: Mutex<BTreeMap<&'static str, MethodCounts>>,
}

/// How often one method was seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MethodCounts {
    /// Requests received (resends included).
    pub received: u64,
    /// Requests executed (at most once per session and msg_id), whatever
    /// they answered.
    pub executed: u64,
    /// Of those, the ones answered with an RPC error (a right missing,
    /// `USER_MIGRATE_X`, ...): executed, but with no effect.
    pub failed: u64,
    /// Resends answered from the result cache without executing again.
    pub duplicates: u64,
}

/// A snapshot of the counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// TCP connections accepted.
    pub connections: u64,
    /// TCP connections open now, per DC (DCs with none are absent).
    pub open_connections: BTreeMap<i32, u64>,
    /// Auth keys created (completed handshakes).
    pub handshakes: u64,
    /// Encrypted packets received under a known auth key (each decrypted once).
    pub encrypted_packets: u64,
    /// RPC requests received, resends included (service messages such as pings and
    /// acks are not counted).
    pub requests_received: u64,
    /// RPC requests executed.
    pub requests_executed: u64,
    /// Resends answered from the cache.
    pub duplicates: u64,
    /// The same, per method (innermost function name, e.g. `messages.sendMessage`).
    pub per_method: BTreeMap<&'static str, MethodCounts>,
}

impl CounterSnapshot {
    /// The counts of `method` (zero when never seen).
    pub fn method(&self, method: &str) -> MethodCounts {
        self.per_method.get(method).copied().unwrap_or_default()
    }
}

pub(crate) enum Event {
    Received,
    /// Executed; `failed` when the answer is an RPC error.
    Executed {
        failed: bool,
    },
    Duplicate,
}

impl Counters {
    pub(crate) fn connection(&self, dc: i32) {
        self.connections.fetch_add(1, Ordering::Relaxed);
        *self
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(dc)
            .or_default() += 1;
    }

    pub(crate) fn closed(&self, dc: i32) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&dc) {
            *n -= 1;
            if *n == 0 {
                open.remove(&dc);
            }
        }
    }

    pub(crate) fn handshake(&self) {
        self.handshakes.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn encrypted_packet(&self) {
        self.encrypted_packets.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request(&self, method: &'static str, event: Event) {
        let mut per = self.per_method.lock().unwrap_or_else(|e| e.into_inner());
        let m = per.entry(method).or_default();
        match event {
            Event::Received => {
                self.requests_received.fetch_add(1, Ordering::Relaxed);
                m.received += 1;
            }
            Event::Executed { failed } => {
                self.requests_executed.fetch_add(1, Ordering::Relaxed);
                m.executed += 1;
                m.failed += u64::from(failed);
            }
            Event::Duplicate => {
                self.duplicates.fetch_add(1, Ordering::Relaxed);
                m.duplicates += 1;
            }
        }
    }

    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            connections: self.connections.load(Ordering::Relaxed),
            open_connections: self.open.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            handshakes: self.handshakes.load(Ordering::Relaxed),
            encrypted_packets: self.encrypted_packets.load(Ordering::Relaxed),
            requests_received: self.requests_received.load(Ordering::Relaxed),
            requests_executed: self.requests_executed.load(Ordering::Relaxed),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            per_method: self
                .per_method
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        }
    }
}
