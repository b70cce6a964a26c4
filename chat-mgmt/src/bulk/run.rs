//! Running a bulk job: plan or resume, then each member's request at the
//! run's pace, journaled before and after, and the report.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::enums;

use super::pace::Pacer;
use super::report::{BulkReport, FailedRpc, Outcome, ReportItem};
use super::select::{RunChat, plan, standing};
use super::store::{BulkItem, BulkStore, Claim, JOURNAL_VERSION, Record};
use super::{BulkAction, BulkJob, BulkOp, JobKind, Progress, Selection};
use crate::{
    AdminRights, BannedRights, ChatManagement, Error, KICK_UNBAN_DELAY, Membership, Moderation,
    Result,
};

/// What is known of each item's passes.
struct Ledger {
    items: Vec<BulkItem>,
    /// Each pass's outcome, once recorded.
    outcomes: Vec<[Option<Outcome>; 2]>,
    /// Passes started but not recorded done: their outcome is unknown.
    unknown: Vec<[bool; 2]>,
    action: String,
    created: i64,
}

impl Ledger {
    fn new(action: String, items: Vec<BulkItem>, created: i64) -> Self {
        let n = items.len();
        Self {
            items,
            outcomes: vec![[None, None]; n],
            unknown: vec![[false; 2]; n],
            action,
            created,
        }
    }

    /// Replays a journal.
    fn replay(records: Vec<Record>, source: &str) -> Result<Self> {
        // Any store's records (not only a file's) name planned items only.
        super::store::check(&records, source)?;
        let mut ledger = Self::new(String::new(), Vec::new(), 0);
        let mut ready = false;
        for r in records {
            match r {
                Record::Plan {
                    action, created, ..
                } => {
                    ledger.action = action;
                    ledger.created = created;
                }
                Record::Item { item, .. } => {
                    ledger.items.push(item);
                    ledger.outcomes.push([None, None]);
                    ledger.unknown.push([false; 2]);
                }
                Record::Ready { .. } => ready = true,
                pass => ledger.absorb([pass]),
            }
        }
        if !ready {
            return Err(Error::Store(format!(
                "{source}: the run was stopped while planning (nothing was done yet): \
                 remove the journal and start again"
            )));
        }
        Ok(ledger)
    }

    /// Takes in what was journaled of passes (a shared store's claim: other
    /// workers' records of the items claimed). Records of items or passes
    /// not planned are left out (the store checked them).
    fn absorb(&mut self, records: impl IntoIterator<Item = Record>) {
        for r in records {
            let (i, step, outcome) = match r {
                Record::Start { i, step } => (i, step, None),
                Record::Done { i, step, outcome } => (i, step, Some(outcome)),
                _ => continue,
            };
            let (Some(unknown), Some(outcomes)) =
                (self.unknown.get_mut(i), self.outcomes.get_mut(i))
            else {
                continue;
            };
            let s = usize::from(step.min(1));
            unknown[s] = outcome.is_none();
            if outcome.is_some() {
                outcomes[s] = outcome;
            }
        }
    }

    fn needs(&self, i: usize, step: u8, dry_run: bool) -> bool {
        let s = usize::from(step);
        self.items[i].op.steps() > step
            && self.outcomes[i][s].is_none()
            && (step == 0
                || (!dry_run && matches!(self.outcomes[i][0], Some(Outcome::Changed { .. }))))
    }

    fn passes(&self) -> (usize, usize) {
        let total = self.items.iter().map(|i| usize::from(i.op.steps())).sum();
        let done = self
            .outcomes
            .iter()
            .flatten()
            .filter(|o| o.is_some())
            .count();
        (done, total)
    }

    /// An item's outcome over its passes: a kick changed only when both did.
    fn outcome(&self, i: usize) -> Outcome {
        match &self.outcomes[i] {
            [Some(Outcome::Changed { .. }), Some(second)] => second.clone(),
            [Some(first), _] => first.clone(),
            [None, _] => Outcome::Skipped {
                reason: "not reached".into(),
            },
        }
    }
}

/// How many items a worker claims at a time from a shared store.
const CLAIM_BATCH: usize = 16;

/// How long a worker waits before asking a shared store again when other
/// workers hold what is left.
const CLAIM_POLL: Duration = Duration::from_millis(100);

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The default selection where there is one: every pending request.
fn selection_of(action: &BulkAction, given: Option<Selection>) -> Result<Selection> {
    match (given, action) {
        (Some(s), _) => Ok(s),
        (None, BulkAction::ApproveJoinRequests | BulkAction::DeclineJoinRequests) => {
            Ok(Selection::JoinRequests(None))
        }
        (None, _) => Err(Error::NotPossibleHere(
            "a bulk run needs a selection: a filter, a search, who joined since, or a list".into(),
        )),
    }
}

/// A new plan's ledger (and the records to journal).
async fn new_plan<S: BulkStore>(job: &BulkJob<S>) -> Result<Ledger> {
    let client = &job.client;
    let created = now_unix();
    match &job.kind {
        JobKind::Action(action) => {
            let mut named = job.chats.clone();
            for c in &job.communities {
                let community = crate::communities::info(client, c.clone()).await?;
                named.extend(community.chats.iter().map(|chat| PeerRef::Id(chat.id)));
            }
            if named.is_empty() {
                return Err(Error::NotPossibleHere(
                    "a bulk run needs at least one chat (or a community with chats)".into(),
                ));
            }
            let selection = selection_of(action, job.selection.clone())?;
            let mut chats: Vec<RunChat> = Vec::new();
            for c in named {
                let chat = RunChat::resolve(client, c).await?;
                if !chats.iter().any(|known| known.id == chat.id) {
                    chats.push(chat);
                }
            }
            let items = plan(client, &chats, action, &selection).await?;
            Ok(Ledger::new(action.name().into(), items, created))
        }
        JobKind::Undo(report) => {
            let mut ledger = Ledger::new(format!("undo {}", report.action), Vec::new(), created);
            let mut chats: HashMap<i64, RunChat> = HashMap::new();
            for r in &report.items {
                if !matches!(r.outcome, Outcome::Changed { .. }) {
                    continue;
                }
                let item = &r.item;
                let Some(op) = item.op.inverse(&item.before) else {
                    ledger.items.push(item.clone());
                    ledger.outcomes.push([
                        Some(Outcome::Skipped {
                            reason: format!("{} cannot be undone", item.op.describe()),
                        }),
                        None,
                    ]);
                    ledger.unknown.push([false; 2]);
                    continue;
                };
                let chat = match chats.get(&item.chat) {
                    Some(c) => c.clone(),
                    None => {
                        let c = RunChat::resolve(client, item.chat_ref()).await?;
                        chats.insert(item.chat, c.clone());
                        c
                    }
                };
                let user = client.get_input_entity(item.user_ref()).await?;
                let before = standing(client, &chat, &user).await?;
                ledger.items.push(BulkItem {
                    op,
                    before,
                    ..item.clone()
                });
                ledger.outcomes.push([None, None]);
                ledger.unknown.push([false; 2]);
            }
            Ok(ledger)
        }
        JobKind::Resume => Err(Error::NotPossibleHere(
            "nothing to resume: the store has no journal".into(),
        )),
    }
}

/// The records of a new plan: header, items, outcomes known at planning.
fn plan_records(ledger: &Ledger, dry_run: bool) -> Vec<Record> {
    let mut out = vec![Record::Plan {
        version: JOURNAL_VERSION,
        action: ledger.action.clone(),
        dry_run,
        created: ledger.created,
    }];
    out.extend(
        ledger
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| Record::Item {
                i,
                item: item.clone(),
            }),
    );
    out.push(Record::Ready {
        items: ledger.items.len(),
    });
    for (i, o) in ledger.outcomes.iter().enumerate() {
        if let Some(outcome) = &o[0] {
            out.push(Record::Done {
                i,
                step: 0,
                outcome: outcome.clone(),
            });
        }
    }
    out
}

/// The action a resumed journal must be of, if the job names one.
fn expected_action<S: BulkStore>(job: &BulkJob<S>) -> Option<String> {
    match &job.kind {
        JobKind::Action(a) => Some(a.name().into()),
        JobKind::Undo(r) => Some(format!("undo {}", r.action)),
        JobKind::Resume => None,
    }
}

pub(crate) async fn run<S: BulkStore>(mut job: BulkJob<S>) -> Result<BulkReport> {
    let records = if job.dry_run {
        Vec::new()
    } else {
        job.store.load().await?
    };
    let ledger = if records.is_empty() {
        let ledger = new_plan(&job).await?;
        if !job.dry_run {
            job.store.append(&plan_records(&ledger, false)).await?;
        }
        ledger
    } else {
        let ledger = Ledger::replay(records, "the journal")?;
        if let Some(want) = expected_action(&job).filter(|w| *w != ledger.action) {
            return Err(Error::NotPossibleHere(format!(
                "the journal is of a {:?} run, not {want:?}: resume it, or use another store",
                ledger.action
            )));
        }
        ledger
    };
    Runner::new(job, ledger).await?.go().await
}

/// A run under way.
struct Runner<S: BulkStore> {
    job: BulkJob<S>,
    ledger: Ledger,
    chats: HashMap<i64, RunChat>,
    me: i64,
    pacer: Pacer,
    floods_at_start: u64,
    own_floods: u64,
    failures_in_a_row: usize,
    progress: Progress,
}

impl<S: BulkStore> Runner<S> {
    async fn new(job: BulkJob<S>, ledger: Ledger) -> Result<Self> {
        let client = &job.client;
        let mut chats = HashMap::new();
        for item in &ledger.items {
            if let std::collections::hash_map::Entry::Vacant(slot) = chats.entry(item.chat) {
                slot.insert(RunChat::resolve(client, item.chat_ref()).await?);
            }
        }
        let me = client.self_id().await?;
        let floods_at_start = client.flood_waits().0;
        let pacer = Pacer::new(job.pace);
        Ok(Self {
            chats,
            me,
            pacer,
            floods_at_start,
            own_floods: 0,
            failures_in_a_row: 0,
            progress: Progress::default(),
            job,
            ledger,
        })
    }

    fn client(&self) -> &Client {
        &self.job.client
    }

    async fn go(mut self) -> Result<BulkReport> {
        let mut shared = false;
        for step in 0..2u8 {
            loop {
                let claim = if self.job.dry_run {
                    Claim::Everything
                } else {
                    self.job.store.claim(step, CLAIM_BATCH).await?
                };
                match claim {
                    Claim::Everything => {
                        self.own_pass(step).await?;
                        break;
                    }
                    Claim::Finished => break,
                    Claim::Wait => {
                        shared = true;
                        tokio::time::sleep(CLAIM_POLL).await;
                    }
                    Claim::Items { items, records } => {
                        shared = true;
                        self.ledger.absorb(records);
                        for i in items {
                            if !self.ledger.needs(i, step, false) {
                                continue;
                            }
                            match self.item(i, step).await {
                                // Another worker has it now: theirs to do.
                                Err(Error::BulkItemTaken(_)) => {}
                                other => other?,
                            }
                        }
                    }
                }
            }
            if shared && step == 0 && self.ledger.items.iter().any(|i| i.op.steps() > 1) {
                // A shared kick: every worker's bans done, one pause.
                tokio::time::sleep(KICK_UNBAN_DELAY).await;
            }
        }
        if shared {
            // The whole job's report, every worker's items in it.
            let records = self.job.store.load().await?;
            self.ledger = Ledger::replay(records, "the shared journal")?;
        }
        self.tell();
        Ok(self.report())
    }

    /// One pass over every item the journal says is left (a store this run
    /// owns).
    async fn own_pass(&mut self, step: u8) -> Result<()> {
        let dry_run = self.job.dry_run;
        let todo: Vec<usize> = (0..self.ledger.items.len())
            .filter(|&i| self.ledger.needs(i, step, dry_run))
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        if step == 1 {
            // A kick in bulk: every ban done, one pause, every unban.
            tokio::time::sleep(KICK_UNBAN_DELAY).await;
        }
        for i in todo {
            self.item(i, step).await?;
        }
        Ok(())
    }

    fn tell(&mut self) {
        let (done, total) = self.ledger.passes();
        let floods = self.floods();
        let counts = BulkReport::count(&self.report_items());
        self.progress = Progress {
            done,
            total,
            changed: counts.changed,
            failed: counts.failed,
            rate: self.pacer.rate(),
            flood_waits: floods,
        };
        if let Some(f) = self.job.progress.as_mut() {
            f(&self.progress);
        }
    }

    fn floods(&self) -> u64 {
        self.client().flood_waits().0 - self.floods_at_start + self.own_floods
    }

    fn report_items(&self) -> Vec<ReportItem> {
        (0..self.ledger.items.len())
            .filter(|&i| self.ledger.outcomes[i][0].is_some())
            .map(|i| ReportItem {
                item: self.ledger.items[i].clone(),
                outcome: self.ledger.outcome(i),
            })
            .collect()
    }

    fn report(&self) -> BulkReport {
        let items = self.report_items();
        BulkReport {
            action: self.ledger.action.clone(),
            dry_run: self.job.dry_run,
            started: self.ledger.created,
            finished: now_unix(),
            flood_waits: self.floods(),
            totals: BulkReport::count(&items),
            items,
        }
    }

    async fn record(&mut self, i: usize, step: u8, outcome: Outcome) -> Result<()> {
        if !self.job.dry_run {
            let done = Record::Done {
                i,
                step,
                outcome: outcome.clone(),
            };
            self.job.store.append(std::slice::from_ref(&done)).await?;
        }
        self.ledger.unknown[i][usize::from(step)] = false;
        self.ledger.outcomes[i][usize::from(step)] = Some(outcome);
        self.tell();
        Ok(())
    }

    /// One pass of one item.
    async fn item(&mut self, i: usize, step: u8) -> Result<()> {
        let item = self.ledger.items[i].clone();
        let chat = self.chats[&item.chat].clone();
        // The journal's access hash: a worker that did not plan has no
        // cache of the members.
        let user = self.client().get_input_entity(item.user_ref()).await?;
        let was_unknown = self.ledger.unknown[i][usize::from(step)];
        let state = if was_unknown {
            // Sent before the run stopped, answer never recorded: look.
            let now = standing(self.client(), &chat, &user).await?;
            let checkable = !matches!(item.op, BulkOp::DeleteHistory | BulkOp::Decide { .. });
            if checkable && item.op.reached(step, &now) {
                let detail = Some("confirmed on resume".to_owned());
                return self.record(i, step, Outcome::Changed { detail }).await;
            }
            now
        } else {
            item.before.clone()
        };
        if step == 0 {
            if let Some(reason) = item.op.skip(&state, item.user == self.me) {
                let reason = reason.to_owned();
                return self.record(i, step, Outcome::Skipped { reason }).await;
            }
            if item.op.already(&state) {
                return self.record(i, step, Outcome::Unchanged).await;
            }
        }
        if self.job.dry_run {
            return self.record(i, step, Outcome::WouldChange).await;
        }
        let outcome = self.send(i, step, &item, &chat, user, was_unknown).await?;
        let failed = matches!(outcome, Outcome::Failed { .. });
        self.record(i, step, outcome).await?;
        if failed {
            self.failures_in_a_row += 1;
            let max = self.job.max_failures;
            if max > 0 && self.failures_in_a_row >= max {
                return Err(Error::NotPossibleHere(format!(
                    "stopped after {max} refusals in a row (the report of the journal says which); \
                     resume when the cause is fixed"
                )));
            }
        } else {
            self.failures_in_a_row = 0;
        }
        Ok(())
    }

    /// Sends one pass's request at the run's pace, sleeping through
    /// FLOOD_WAITs the client returned; the outcome to record, or the error
    /// that stops the run (its outcome unknown).
    async fn send(
        &mut self,
        i: usize,
        step: u8,
        item: &BulkItem,
        chat: &RunChat,
        user: enums::InputPeer,
        was_unknown: bool,
    ) -> Result<Outcome> {
        loop {
            self.pacer.turn().await;
            self.job.store.append(&[Record::Start { i, step }]).await?;
            let floods = self.client().flood_waits().0;
            let result = apply(self.client(), chat, user.clone(), &item.op, step).await;
            let pushed_back = self.client().flood_waits().0 > floods;
            return Ok(match result {
                Ok(outcome) => {
                    self.pacer.went(pushed_back);
                    outcome
                }
                Err(Error::FloodWait { seconds, .. }) if self.pacer.may_wait(seconds) => {
                    self.own_floods += 1;
                    self.pacer.slow_down();
                    tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
                    continue;
                }
                Err(e @ Error::FloodWait { .. }) => return Err(e),
                Err(e) if e.rpc().is_none() => return Err(e),
                Err(Error::JoinRequestMissing(_)) if was_unknown => Outcome::Changed {
                    detail: Some("decided before the run stopped".into()),
                },
                Err(Error::JoinRequestMissing(_)) => Outcome::Skipped {
                    reason: "no pending join request".into(),
                },
                Err(Error::ChatNotModified(_)) => Outcome::Unchanged,
                Err(e) => {
                    self.pacer.went(pushed_back);
                    Outcome::Failed {
                        error: FailedRpc::of(&e),
                    }
                }
            });
        }
    }
}

/// One pass's request.
async fn apply(
    client: &Client,
    chat: &RunChat,
    user: enums::InputPeer,
    op: &BulkOp,
    step: u8,
) -> Result<Outcome> {
    let (c, u) = (chat.peer_ref(), PeerRef::Input(user));
    match (op, step) {
        (BulkOp::Restrict { denied, until }, _) => {
            client
                .edit_permissions(c, u, BulkOp::banned_rights(denied, *until)?)
                .await?;
        }
        (BulkOp::Ban, _) | (BulkOp::Kick, 0) => {
            client
                .edit_permissions(c, u, BannedRights::banned())
                .await?;
        }
        (BulkOp::Kick, _) => client.edit_permissions(c, u, BannedRights::new()).await?,
        (BulkOp::Promote { rights, title }, _) => {
            client
                .edit_admin(c, u, BulkOp::admin_rights(rights, title)?)
                .await?;
        }
        (BulkOp::Demote, _) => client.edit_admin(c, u, AdminRights::demote()).await?,
        (BulkOp::SetRank { rank }, _) => client.set_rank(c, u, rank).await?,
        (BulkOp::DeleteHistory, _) => {
            let n = client.delete_user_history(c, u).await?;
            return Ok(if n == 0 {
                Outcome::Unchanged
            } else {
                Outcome::Changed {
                    detail: Some(format!("{n} messages deleted")),
                }
            });
        }
        (BulkOp::Decide { approve }, _) => client.decide_join_request(c, u, *approve).await?,
    }
    Ok(Outcome::Changed { detail: None })
}
