//! A session that lives in memory only.

use std::sync::{Mutex, MutexGuard};

use crate::{AuthKeyBytes, DcOption, PeerInfo, Session, SessionData, SessionError, UpdateState};

/// A session kept in memory: nothing survives the process. Start it from a
/// [`SessionData`] (a decoded session string, a Telethon import) to resume.
#[derive(Debug, Default)]
pub struct MemorySession {
    data: Mutex<SessionData>,
}

impl MemorySession {
    /// An empty session.
    pub fn new() -> Self {
        Self::default()
    }

    /// A session holding `data`.
    pub fn from_data(data: SessionData) -> Self {
        Self {
            data: Mutex::new(data),
        }
    }

    /// A session resumed from a string made by [`SessionData::to_session_string`].
    pub fn from_session_string(s: &str) -> Result<Self, SessionError> {
        Ok(Self::from_data(SessionData::from_session_string(s)?))
    }

    fn lock(&self) -> MutexGuard<'_, SessionData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Session for MemorySession {
    fn snapshot(&self) -> SessionData {
        self.lock().clone()
    }

    fn home_dc(&self) -> Option<i32> {
        self.lock().home_dc
    }

    fn set_home_dc(&self, dc: i32) -> Result<(), SessionError> {
        self.lock().home_dc = Some(dc);
        Ok(())
    }

    fn dc_options(&self) -> Vec<DcOption> {
        self.lock().dc_options.clone()
    }

    fn set_dc_options(&self, options: &[DcOption]) -> Result<(), SessionError> {
        self.lock().dc_options = options.to_vec();
        Ok(())
    }

    fn auth_key(&self, dc: i32) -> Option<AuthKeyBytes> {
        self.lock().auth_keys.get(&dc).copied()
    }

    fn set_auth_key(&self, dc: i32, key: Option<&AuthKeyBytes>) -> Result<(), SessionError> {
        let mut d = self.lock();
        match key {
            Some(k) => d.auth_keys.insert(dc, *k),
            None => d.auth_keys.remove(&dc),
        };
        Ok(())
    }

    fn peer(&self, marked_id: i64) -> Option<PeerInfo> {
        self.lock().peers.get(&marked_id).cloned()
    }

    fn peer_by_username(&self, username: &str) -> Option<PeerInfo> {
        self.lock().peer_by_username(username).cloned()
    }

    fn peer_by_phone(&self, phone: &str) -> Option<PeerInfo> {
        self.lock().peer_by_phone(phone).cloned()
    }

    fn save_peers(&self, peers: &[PeerInfo]) -> Result<(), SessionError> {
        self.lock().merge_peers(peers);
        Ok(())
    }

    fn update_state(&self) -> UpdateState {
        self.lock().update_state.clone()
    }

    fn set_update_state(&self, state: &UpdateState) -> Result<(), SessionError> {
        self.lock().update_state = state.clone();
        Ok(())
    }
}
