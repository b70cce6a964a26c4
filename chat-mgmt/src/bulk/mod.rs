//! The bulk tool: one action applied to many members ([`BulkJob`], from
//! [`crate::Moderation::bulk`]), in one chat or many, paced under flood
//! limits, journaled so a killed run resumes without doing anything twice,
//! reported member by member, and undoable from its report.
//!
//! A run first makes its plan: the members [`Selection`] picks, each with
//! their standing before (so members already as asked are left alone and
//! the run can be undone). The plan and every request's start and end go to
//! a [`BulkStore`] (a [`FileStore`] for runs that must survive their
//! process). Then it acts, one request at a time at the [`Pace`] it is
//! given, slowing down when the server pushes back. A kick, in bulk, bans
//! everyone, pauses once ([`crate::KICK_UNBAN_DELAY`]), then unbans
//! everyone.
//!
//! Resuming (the same store, [`crate::Moderation::bulk_resume`]) goes on
//! from the journal; a request that was sent but whose answer was never
//! recorded is checked against the server (the member's standing now)
//! before it is sent again. Supergroups and channels only: basic groups have
//! no per-member restrictions ([`crate::Error::NeedsSupergroup`]).

mod list;
mod pace;
#[cfg(feature = "postgres")]
mod postgres;
mod report;
mod run;
mod select;
mod state;
mod store;

use std::time::SystemTime;

use ferrogram_client::{Client, PeerRef};

pub use list::parse_user_list;
pub use pace::Pace;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresBulkStore, split_job_url};
pub use report::{BulkReport, FailedRpc, Outcome, ReportItem, Totals};
pub use state::{BulkOp, MemberState};
pub use store::{
    BulkItem, BulkStore, Claim, FileStore, JOURNAL_VERSION, MemoryStore, Record, parse_journal,
};

use crate::{AdminRights, BannedRights, ParticipantFilter, Result};

/// What a bulk run does to each member it selects.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BulkAction {
    /// Restricts them (true = allowed, as [`BannedRights`]).
    Restrict(BannedRights),
    /// Lifts every restriction or ban.
    Unrestrict,
    /// Bans them for ever.
    Ban,
    /// Removes them without a lasting ban.
    Kick,
    /// Makes them admins with these rights (and title).
    Promote(AdminRights),
    /// Takes their admin rights away.
    Demote,
    /// Sets their tag (empty: removes it).
    SetRank(String),
    /// Deletes everything they wrote.
    DeleteHistory,
    /// Approves their join requests.
    ApproveJoinRequests,
    /// Declines their join requests.
    DeclineJoinRequests,
}

impl BulkAction {
    /// The op journals and reports record for it (a promotion's rights as
    /// sent to a supergroup, or to a channel when `broadcast`).
    pub(crate) fn op(&self, broadcast: bool) -> BulkOp {
        match self {
            Self::Restrict(rights) => BulkOp::Restrict {
                denied: state::denied_names(rights),
                until: state::unix(rights.until),
            },
            Self::Unrestrict => BulkOp::Restrict {
                denied: Vec::new(),
                until: None,
            },
            Self::Ban => BulkOp::Ban,
            Self::Kick => BulkOp::Kick,
            Self::Promote(rights) => BulkOp::Promote {
                rights: state::admin_names(&rights.to_tl(!broadcast)),
                title: rights.title.clone(),
            },
            Self::Demote => BulkOp::Demote,
            Self::SetRank(rank) => BulkOp::SetRank { rank: rank.clone() },
            Self::DeleteHistory => BulkOp::DeleteHistory,
            Self::ApproveJoinRequests => BulkOp::Decide { approve: true },
            Self::DeclineJoinRequests => BulkOp::Decide { approve: false },
        }
    }

    /// Its name in journals and reports (`ban`, `restrict`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Restrict(_) => "restrict",
            Self::Unrestrict => "unrestrict",
            Self::Ban => "ban",
            Self::Kick => "kick",
            Self::Promote(_) => "promote",
            Self::Demote => "demote",
            Self::SetRank(_) => "set-rank",
            Self::DeleteHistory => "delete-history",
            Self::ApproveJoinRequests => "approve",
            Self::DeclineJoinRequests => "decline",
        }
    }
}

/// Which members a bulk run acts on, in each of its chats.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Selection {
    /// The members a participant listing gives (a filter, or
    /// [`ParticipantFilter::Search`] for a name).
    Participants(ParticipantFilter),
    /// Who joined since then, as the admin log tells (joins by link, by
    /// request and by an admin's invitation too).
    JoinedSince(SystemTime),
    /// These users (ids, usernames, phone numbers: a list from
    /// [`parse_user_list`]).
    Users(Vec<PeerRef>),
    /// Who asks to join (optionally only names matching).
    JoinRequests(Option<String>),
}

/// Where a bulk run is, for a progress display.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// Requests (or decisions) done, of `total`.
    pub done: usize,
    /// All there are (a kick counts twice).
    pub total: usize,
    /// Members changed so far.
    pub changed: usize,
    /// Refusals so far.
    pub failed: usize,
    /// The pace now, requests a second.
    pub rate: f64,
    /// FLOOD_WAITs met so far.
    pub flood_waits: u64,
}

type ProgressFn = Box<dyn FnMut(&Progress) + Send>;

/// A bulk run being set up: chats, a selection, options; then
/// [`BulkJob::run`]. Made by [`crate::Moderation::bulk`] (an action),
/// [`crate::Moderation::bulk_undo`] (a report to undo) or
/// [`crate::Moderation::bulk_resume`] (a journal to finish).
///
/// ```no_run
/// use std::time::{Duration, SystemTime};
/// use ferrogram_chat_mgmt::{BulkAction, FileStore, Moderation, Pace, Selection};
/// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
/// let hour_ago = SystemTime::now() - Duration::from_secs(3600);
/// let report = client
///     .bulk(BulkAction::Ban)
///     .chat("@my_group")
///     .select(Selection::JoinedSince(hour_ago))
///     .pace(Pace::new().per_second(10.0))
///     .store(FileStore::new("ban-wave.journal"))
///     .on_progress(|p| eprint!("\r{}/{}", p.done, p.total))
///     .run()
///     .await?;
/// println!("{} banned, {} failed", report.totals.changed, report.totals.failed);
/// std::fs::write("ban-wave.json", report.to_json()).unwrap();
/// # Ok(()) }
/// ```
#[must_use = "a bulk job does nothing until run"]
pub struct BulkJob<S: BulkStore = MemoryStore> {
    pub(crate) client: Client,
    pub(crate) kind: JobKind,
    pub(crate) chats: Vec<PeerRef>,
    pub(crate) communities: Vec<PeerRef>,
    pub(crate) selection: Option<Selection>,
    pub(crate) dry_run: bool,
    pub(crate) pace: Pace,
    pub(crate) store: S,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) max_failures: usize,
}

/// What a job was made for.
#[derive(Clone, Debug)]
pub(crate) enum JobKind {
    Action(BulkAction),
    Undo(Box<BulkReport>),
    Resume,
}

impl BulkJob {
    pub(crate) fn new(client: &Client, kind: JobKind) -> Self {
        Self {
            client: client.clone(),
            kind,
            chats: Vec::new(),
            communities: Vec::new(),
            selection: None,
            dry_run: false,
            pace: Pace::default(),
            store: MemoryStore::default(),
            progress: None,
            max_failures: 25,
        }
    }
}

impl<S: BulkStore> BulkJob<S> {
    /// Adds a chat to act in (repeatable: one selection, many chats).
    pub fn chat(mut self, chat: impl Into<PeerRef>) -> Self {
        self.chats.push(chat.into());
        self
    }

    /// Adds chats to act in.
    pub fn chats<C: Into<PeerRef>>(mut self, chats: impl IntoIterator<Item = C>) -> Self {
        self.chats.extend(chats.into_iter().map(Into::into));
        self
    }

    /// Adds every chat of a community ([`crate::Communities`]; hidden
    /// chats when you are its admin) as they are when the run is planned.
    pub fn community(mut self, community: impl Into<PeerRef>) -> Self {
        self.communities.push(community.into());
        self
    }

    /// Which members (required, but for join-request decisions, which take
    /// every pending request by default).
    pub fn select(mut self, selection: Selection) -> Self {
        self.selection = Some(selection);
        self
    }

    /// Lists exactly what would change, changing nothing (the report's
    /// outcomes are `would_change`, `unchanged` and `skipped`); nothing is
    /// written to the store.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// How fast to go ([`Pace::default`]: 20 requests a second at most).
    pub fn pace(mut self, pace: Pace) -> Self {
        self.pace = pace;
        self
    }

    /// Stops (resumably) after this many refusals in a row (default 25: a
    /// run whose every request is refused, say for a right missing, stops
    /// instead of hammering the server). Zero never stops.
    pub fn max_failures_in_a_row(mut self, n: usize) -> Self {
        self.max_failures = n;
        self
    }

    /// Where the journal goes (default: memory, lost with the process).
    pub fn store<T: BulkStore>(self, store: T) -> BulkJob<T> {
        BulkJob {
            client: self.client,
            kind: self.kind,
            chats: self.chats,
            communities: self.communities,
            selection: self.selection,
            dry_run: self.dry_run,
            pace: self.pace,
            store,
            progress: self.progress,
            max_failures: self.max_failures,
        }
    }

    /// Called after every request with where the run is.
    pub fn on_progress(mut self, f: impl FnMut(&Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Plans (or, with a journal in the store, resumes) and runs. Refusals
    /// of single members are in the report; the run itself fails only
    /// when it cannot go on (no chat, no selection, a connection lost, a
    /// FLOOD_WAIT over [`Pace::max_flood_wait`], too many refusals in a
    /// row, the store failing): everything done so far is journaled, and
    /// the same store resumes it.
    pub async fn run(self) -> Result<BulkReport> {
        run::run(self).await
    }
}

impl<S: BulkStore> std::fmt::Debug for BulkJob<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkJob")
            .field("kind", &self.kind)
            .field("chats", &self.chats)
            .field("communities", &self.communities)
            .field("selection", &self.selection)
            .field("dry_run", &self.dry_run)
            .field("pace", &self.pace)
            .finish_non_exhaustive()
    }
}
