//! What the server holds, store by store: counts a long run can watch to
//! tell a store still filling (or never emptied) from the allocator keeping
//! freed memory.

use crate::shared::{Shared, lock};

/// How much each of the server's stores holds at one moment
/// ([`crate::TestServer::footprint`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Footprint {
    /// Auth keys made by handshakes (every DC).
    pub auth_keys: usize,
    /// Auth keys signed in as a user.
    pub authorizations: usize,
    /// MTProto sessions (auth key, session id) the server keeps.
    pub sessions: usize,
    /// The client msg_ids those sessions remember against replays.
    pub remembered_msg_ids: usize,
    /// Answers cached for resends, and their bytes.
    pub cached_answers: usize,
    /// The bytes of those answers.
    pub cached_answer_bytes: usize,
    /// Users with connections listening for updates.
    pub subscribed_users: usize,
    /// Those connections (closed ones too, until the next push drops them).
    pub subscriptions: usize,
    /// Messages of private chats (every mailbox's copies).
    pub mailbox_messages: usize,
    /// Messages of groups, supergroups and channels.
    pub chat_messages: usize,
    /// Admin-log events of every chat.
    pub admin_log_events: usize,
    /// Updates kept for `updates.getDifference` by qts.
    pub qts_updates: usize,
    /// `random_id`s remembered to answer a resent send.
    pub random_ids: usize,
    /// Authorizations exported and not yet imported.
    pub exported_authorizations: usize,
    /// Uploads in progress (files whose parts are arriving).
    pub uploads: usize,
}

impl Footprint {
    pub(crate) fn of(shared: &Shared) -> Self {
        let mut f = Footprint::default();
        {
            let sessions = lock(&shared.sessions);
            f.sessions = sessions.len();
            f.remembered_msg_ids = sessions.all().map(|s| lock(s).remembered_msg_ids()).sum();
        }
        f.auth_keys = lock(&shared.keys).len();
        (f.cached_answers, f.cached_answer_bytes) = lock(&shared.results).size();
        {
            let subs = lock(&shared.subscribers);
            f.subscribed_users = subs.values().filter(|l| !l.is_empty()).count();
            f.subscriptions = subs.values().map(Vec::len).sum();
        }
        let w = lock(&shared.world);
        f.authorizations = w.authorizations.len();
        f.exported_authorizations = w.exported.len();
        f.uploads = w.uploads.len();
        f.random_ids = w.random_ids.len();
        for m in w.mailboxes.values() {
            f.mailbox_messages += m.messages.len();
            f.qts_updates += m.qts_updates.len();
        }
        for c in w.chats.values() {
            f.chat_messages += c.messages.len();
            f.admin_log_events += c.admin_log.len();
            f.random_ids += c.random_ids.len();
        }
        f
    }
}
