//! `iter_admin_log` / `get_admin_log`.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, InvocationError, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

/// Which admin-log events to return (all when nothing is set).
///
/// Names follow the seed; Telethon's names map as Telethon maps them:
/// `restrict`/`unrestrict` are Telegram's `ban`/`unban` (rights limited or
/// restored), `ban`/`unban` are Telegram's `kick`/`unkick` (removed from the
/// chat or let back). `kick`/`unkick` are accepted too and mean the same as
/// `ban`/`unban`. `join_leave` sets both `join` and `leave`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminLogFilter {
    /// Joins (Telethon's `join`).
    pub join: bool,
    /// Leaves (Telethon's `leave`).
    pub leave: bool,
    /// Joins and leaves (the seed's `join_leave`).
    pub join_leave: bool,
    /// Invitations.
    pub invite: bool,
    /// Restrictions (Telegram's `ban`).
    pub restrict: bool,
    /// Lifted restrictions (Telegram's `unban`).
    pub unrestrict: bool,
    /// Bans (Telegram's `kick`).
    pub ban: bool,
    /// Lifted bans (Telegram's `unkick`).
    pub unban: bool,
    /// Kicks (same as `ban`).
    pub kick: bool,
    /// Lifted kicks (same as `unban`).
    pub unkick: bool,
    /// Promotions.
    pub promote: bool,
    /// Demotions.
    pub demote: bool,
    /// Title, about, username and photo changes.
    pub info: bool,
    /// Settings (default rights, slow mode, ...).
    pub settings: bool,
    /// Pins.
    pub pinned: bool,
    /// Edits.
    pub edit: bool,
    /// Deletions.
    pub delete: bool,
    /// Group calls.
    pub group_call: bool,
    /// Invite links (not exposed by Telethon).
    pub invites: bool,
}

impl AdminLogFilter {
    fn to_tl(&self) -> Option<types::ChannelAdminLogEventsFilter> {
        if *self == Self::default() {
            return None;
        }
        Some(types::ChannelAdminLogEventsFilter {
            join: self.join || self.join_leave,
            leave: self.leave || self.join_leave,
            invite: self.invite,
            ban: self.restrict,
            unban: self.unrestrict,
            kick: self.ban || self.kick,
            unkick: self.unban || self.unkick,
            promote: self.promote,
            demote: self.demote,
            info: self.info,
            settings: self.settings,
            pinned: self.pinned,
            edit: self.edit,
            delete: self.delete,
            group_call: self.group_call,
            invites: self.invites,
            ..types::ChannelAdminLogEventsFilter::default()
        })
    }
}

/// One admin-log event.
#[derive(Clone, Debug, PartialEq)]
pub struct AdminLogEvent {
    /// Its id (newer events have larger ids).
    pub id: i64,
    /// When it happened.
    pub date: SystemTime,
    /// The admin who did it.
    pub user_id: i64,
    /// What happened.
    pub action: enums::ChannelAdminLogEventAction,
}

/// Builds and runs an admin-log listing; see
/// [`crate::ChatManagement::iter_admin_log`].
#[derive(Debug)]
pub struct AdminLogIter {
    client: Client,
    chat: PeerRef,
    limit: Option<usize>,
    max_id: i64,
    min_id: i64,
    search: String,
    admins: Vec<PeerRef>,
    filter: AdminLogFilter,
    buffer: VecDeque<AdminLogEvent>,
    yielded: usize,
    done: bool,
}

impl AdminLogIter {
    pub(crate) fn new(client: Client, chat: PeerRef) -> Self {
        Self {
            client,
            chat,
            limit: None,
            max_id: 0,
            min_id: 0,
            search: String::new(),
            admins: Vec::new(),
            filter: AdminLogFilter::default(),
            buffer: VecDeque::new(),
            yielded: 0,
            done: false,
        }
    }

    /// At most `n` events.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Only events older than this id.
    pub fn max_id(mut self, id: i64) -> Self {
        self.max_id = id;
        self
    }

    /// Only events newer than this id.
    pub fn min_id(mut self, id: i64) -> Self {
        self.min_id = id;
        self
    }

    /// Only events matching this text.
    pub fn search(mut self, s: impl Into<String>) -> Self {
        self.search = s.into();
        self
    }

    /// Only events by these admins.
    pub fn admins(mut self, admins: impl IntoIterator<Item = PeerRef>) -> Self {
        self.admins = admins.into_iter().collect();
        self
    }

    /// Only these kinds of events.
    pub fn filter(mut self, f: AdminLogFilter) -> Self {
        self.filter = f;
        self
    }

    /// The next event, newest first.
    pub async fn next(&mut self) -> Option<Result<AdminLogEvent, InvocationError>> {
        loop {
            if self.limit.is_some_and(|l| self.yielded >= l) {
                return None;
            }
            if let Some(e) = self.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(e));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill().await {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    /// Collects every event.
    pub async fn collect(mut self) -> Result<Vec<AdminLogEvent>, InvocationError> {
        let mut out = Vec::new();
        while let Some(e) = self.next().await {
            out.push(e?);
        }
        Ok(out)
    }

    async fn fill(&mut self) -> Result<(), InvocationError> {
        let channel = match self.client.get_input_entity(self.chat.clone()).await? {
            enums::InputPeer::Channel(c) => enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
            _ => {
                return Err(InvocationError::Invalid(
                    "only supergroups and channels have an admin log".into(),
                ));
            }
        };
        let mut admins = Vec::new();
        for a in &self.admins {
            admins.push(match self.client.get_input_entity(a.clone()).await? {
                enums::InputPeer::User(u) => enums::InputUser::from(types::InputUser {
                    user_id: u.user_id,
                    access_hash: u.access_hash,
                }),
                enums::InputPeer::InputPeerSelf => enums::InputUser::InputUserSelf,
                _ => return Err(InvocationError::Invalid("admins must be users".into())),
            });
        }
        let want = self.limit.map_or(100, |l| (l - self.yielded).min(100)) as i32;
        let enums::channels::AdminLogResults::AdminLogResults(r) = self
            .client
            .invoke(&functions::channels::GetAdminLog {
                channel,
                q: self.search.clone(),
                events_filter: self
                    .filter
                    .to_tl()
                    .map(enums::ChannelAdminLogEventsFilter::from),
                admins: (!admins.is_empty()).then_some(admins),
                max_id: self.max_id,
                min_id: self.min_id,
                limit: want,
            })
            .await?;
        if (r.events.len() as i32) < want {
            self.done = true;
        }
        for enums::ChannelAdminLogEvent::ChannelAdminLogEvent(e) in r.events {
            self.max_id = if self.max_id == 0 {
                e.id
            } else {
                self.max_id.min(e.id)
            };
            self.buffer.push_back(AdminLogEvent {
                id: e.id,
                date: UNIX_EPOCH + Duration::from_secs(e.date.max(0) as u64),
                user_id: e.user_id,
                action: e.action,
            });
        }
        if self.buffer.is_empty() {
            self.done = true;
        }
        Ok(())
    }
}
