//! A bulk job shared by many workers through PostgreSQL (feature
//! `postgres`): one job's plan and progress in two tables, its items claimed
//! with `FOR UPDATE SKIP LOCKED`, so that N workers on M machines finish
//! one job with every action done once, and the job goes on when workers
//! die.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::session::redact_url;
use tokio_postgres::{Client, NoTls};

use super::report::Outcome;
use super::store::{BulkItem, BulkStore, Claim, JOURNAL_VERSION, Record};
use crate::{Error, Result};

/// The tables, made once (under an advisory lock: workers starting together
/// make them once).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ferrogram_bulk_jobs (
    job text PRIMARY KEY,
    version integer NOT NULL,
    action text NOT NULL DEFAULT '',
    created bigint NOT NULL DEFAULT 0,
    items integer,
    planner text,
    plan_until timestamptz
);
CREATE TABLE IF NOT EXISTS ferrogram_bulk_items (
    job text NOT NULL REFERENCES ferrogram_bulk_jobs ON DELETE CASCADE,
    i integer NOT NULL,
    item text NOT NULL,
    steps smallint NOT NULL,
    started0 boolean NOT NULL DEFAULT false,
    started1 boolean NOT NULL DEFAULT false,
    outcome0 text,
    outcome1 text,
    changed0 boolean NOT NULL DEFAULT false,
    worker text,
    claim_until timestamptz,
    PRIMARY KEY (job, i)
);
";

/// The advisory lock key the schema is made under ("ferrobulk").
const SCHEMA_LOCK: i64 = 0x6665_7272_6f62_756c;

/// The default claim TTL.
const DEFAULT_TTL: Duration = Duration::from_secs(30);

/// How often a worker waiting for a plan looks again.
const PLAN_POLL: Duration = Duration::from_millis(100);

/// A bulk job's journal in PostgreSQL, shared by every worker that opens the
/// same job (`postgres://…?job=NAME`).
///
/// - **Planning.** The first worker to [`load`](BulkStore::load) a job plans
///   it (its planning claim renewed while it lists members); the others wait
///   until the plan is written, in one transaction. A planner that dies is
///   replaced once its claim has expired.
/// - **Claims.** A worker claims a few items at a time; a claim lasts
///   [`PostgresBulkStore::claim_ttl`] and is extended each time the worker
///   starts one of them. An item whose claim expired (its worker died or
///   stalled) goes to the next worker that asks; a worker that finds its
///   item taken over at the start leaves it ([`Error::BulkItemTaken`]).
/// - **Exactly once.** A request is journaled as started before it is sent
///   and done after its answer; a worker that takes over an item started
///   and never done asks the server how the member stands before sending
///   again (as a resumed run does). So each action is done once unless a
///   worker sends a request later than its claim's TTL after starting it (a
///   process frozen for that long): keep the TTL well above a request's
///   longest time.
///
/// ```no_run
/// use ferrogram_chat_mgmt::{BulkAction, Moderation, PostgresBulkStore, Selection};
/// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
/// // The same on every worker, on every machine:
/// let store = PostgresBulkStore::connect("postgres://mod@db/ferrogram", "ban-wave-42")
///     .await?
///     .worker("worker-a");
/// let report = client
///     .bulk(BulkAction::Ban)
///     .chat("@my_group")
///     .select(Selection::Users(vec!["@spammer".into()]))
///     .store(store)
///     .run()
///     .await?; // the whole job's report, once every worker is done
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PostgresBulkStore {
    client: Arc<Client>,
    target: String,
    job: String,
    worker: String,
    ttl: Duration,
    /// Renews this worker's planning claim while it plans.
    planning: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for PostgresBulkStore {
    fn drop(&mut self) {
        if let Some(renewal) = self.planning.take() {
            renewal.abort();
        }
    }
}

/// `url` without `?job=NAME` (or `&job=`), and the name.
pub fn split_job_url(url: &str) -> Option<(String, String)> {
    ferrogram_client::session::split_url_param(url, "job")
}

impl PostgresBulkStore {
    /// Opens job `job` in the database at `url` (a `postgres://` URL or a
    /// `host=… user=…` string), making the tables on first use. Messages
    /// never show the password.
    pub async fn connect(url: &str, job: &str) -> Result<Self> {
        let target = redact_url(url);
        if job.is_empty() {
            return Err(Error::Store(format!("{target}: a job needs a name")));
        }
        let (mut client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|e| Error::Store(format!("{target}: cannot connect: {e}")))?;
        tokio::spawn(async move {
            // Ends when the client is dropped or the server goes.
            let _ = connection.await;
        });
        let fail = |e: tokio_postgres::Error| Error::Store(format!("{target}: {e}"));
        let tx = client.transaction().await.map_err(fail)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(fail)?;
        tx.batch_execute(SCHEMA).await.map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Ok(Self {
            client: Arc::new(client),
            target,
            job: job.to_owned(),
            worker: format!("pid {} #{:x}", std::process::id(), nanos & 0xffff_ffff),
            ttl: DEFAULT_TTL,
            planning: None,
        })
    }

    /// Opens `postgres://…?job=NAME` (and `&claim_ttl=SECONDS`, default
    /// 30: see [`PostgresBulkStore::claim_ttl`]).
    pub async fn open(url_with_job: &str) -> Result<Self> {
        let bad = |why: &str| Error::Store(format!("{}: {why}", redact_url(url_with_job)));
        let Some((url, job)) = split_job_url(url_with_job) else {
            return Err(bad(
                "add ?job=NAME (the job's name, the same on every worker)",
            ));
        };
        let (url, ttl) = match ferrogram_client::session::split_url_param(&url, "claim_ttl") {
            Some((url, secs)) => {
                let secs: f64 = secs
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s < 86_400.0)
                    .ok_or_else(|| bad("claim_ttl is a number of seconds"))?;
                (url, Some(Duration::from_secs_f64(secs)))
            }
            None => (url, None),
        };
        let store = Self::connect(&url, &job).await?;
        Ok(match ttl {
            Some(ttl) => store.claim_ttl(ttl),
            None => store,
        })
    }

    /// Names this worker in the tables (for people; a unique suffix is
    /// kept, so two workers never share a name).
    pub fn worker(mut self, name: &str) -> Self {
        let suffix = self
            .worker
            .rsplit('#')
            .next()
            .unwrap_or_default()
            .to_owned();
        self.worker = format!("{name} #{suffix}");
        self
    }

    /// How long a claim (and a planning claim) lasts without news from its
    /// worker: the time a dead worker's items wait before another takes
    /// them (default 30 s; keep it well above a request's longest time).
    pub fn claim_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_millis(100));
        self
    }

    /// The job's name.
    pub fn job(&self) -> &str {
        &self.job
    }

    /// This worker's name in the tables.
    pub fn worker_name(&self) -> &str {
        &self.worker
    }

    /// Removes the job and its items (a finished job's rows stay until
    /// then, for its report).
    pub async fn remove(&self) -> Result<()> {
        self.client
            .execute(
                "DELETE FROM ferrogram_bulk_jobs WHERE job = $1",
                &[&self.job],
            )
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    fn fail(&self, e: tokio_postgres::Error) -> Error {
        Error::Store(format!("{} (job {:?}): {e}", self.target, self.job))
    }

    fn ttl_ms(&self) -> f64 {
        self.ttl.as_secs_f64() * 1000.0
    }

    /// Becomes the planner when the job is new or its planner's claim has
    /// expired: true then.
    async fn try_plan(&self) -> Result<bool> {
        let taken = self
            .client
            .execute(
                "INSERT INTO ferrogram_bulk_jobs AS j (job, version, planner, plan_until)
                 VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
                 ON CONFLICT (job) DO UPDATE
                   SET planner = EXCLUDED.planner, plan_until = EXCLUDED.plan_until
                   WHERE j.items IS NULL AND j.plan_until < now()",
                &[
                    &self.job,
                    &(JOURNAL_VERSION as i32),
                    &self.worker,
                    &self.ttl_ms(),
                ],
            )
            .await
            .map_err(|e| self.fail(e))?;
        Ok(taken == 1)
    }

    /// Keeps this worker's planning claim alive until the plan is written.
    fn renew_planning(&mut self) {
        let (client, job, worker) = (self.client.clone(), self.job.clone(), self.worker.clone());
        let ttl = self.ttl_ms();
        let every = self.ttl / 3;
        self.planning = Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let renewed = client
                    .execute(
                        "UPDATE ferrogram_bulk_jobs
                         SET plan_until = now() + $3 * interval '1 millisecond'
                         WHERE job = $1 AND planner = $2 AND items IS NULL",
                        &[&job, &worker, &ttl],
                    )
                    .await;
                if !matches!(renewed, Ok(1)) {
                    return;
                }
            }
        }));
    }

    /// The job's records when it is planned.
    async fn records(&self) -> Result<Option<Vec<Record>>> {
        let Some(job) = self
            .client
            .query_opt(
                "SELECT version, action, created, items FROM ferrogram_bulk_jobs WHERE job = $1",
                &[&self.job],
            )
            .await
            .map_err(|e| self.fail(e))?
        else {
            return Ok(None);
        };
        let Some(count) = job.get::<_, Option<i32>>(3) else {
            return Ok(None);
        };
        let version: i32 = job.get(0);
        let mut records = vec![Record::Plan {
            version: u32::try_from(version).unwrap_or(u32::MAX),
            action: job.get(1),
            dry_run: false,
            created: job.get(2),
        }];
        let rows = self
            .client
            .query(
                "SELECT i, item, started0, started1, outcome0, outcome1
                 FROM ferrogram_bulk_items WHERE job = $1 ORDER BY i",
                &[&self.job],
            )
            .await
            .map_err(|e| self.fail(e))?;
        let mut passes = Vec::new();
        for row in &rows {
            let i = self.index(row.get(0))?;
            let item: BulkItem = self.json(row.get(1), i)?;
            records.push(Record::Item { i, item });
            passes.extend(self.passes(row, i, 0)?);
        }
        records.push(Record::Ready {
            items: usize::try_from(count).unwrap_or(usize::MAX),
        });
        records.extend(passes);
        Ok(Some(records))
    }

    /// Item `i`'s pass records from a row `(i, item, started0, started1,
    /// outcome0, outcome1)` whose columns start at `offset` + 2.
    fn passes(&self, row: &tokio_postgres::Row, i: usize, offset: usize) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for step in 0..2u8 {
            let s = usize::from(step);
            let started: bool = row.get(offset + 2 + s);
            let outcome: Option<String> = row.get(offset + 4 + s);
            match outcome {
                Some(text) => out.push(Record::Done {
                    i,
                    step,
                    outcome: self.json::<Outcome>(text, i)?,
                }),
                None if started => out.push(Record::Start { i, step }),
                None => {}
            }
        }
        Ok(out)
    }

    fn index(&self, i: i32) -> Result<usize> {
        usize::try_from(i).map_err(|_| self.corrupt(format!("item index {i}")))
    }

    fn json<T: serde::de::DeserializeOwned>(&self, text: String, i: usize) -> Result<T> {
        serde_json::from_str(&text).map_err(|e| self.corrupt(format!("item {i}: {e}")))
    }

    fn corrupt(&self, what: String) -> Error {
        Error::Store(format!(
            "{} (job {:?}): unreadable row: {what}",
            self.target, self.job
        ))
    }

    /// Writes the plan (header, items, ready) in one transaction, if this
    /// worker still holds the planning claim.
    async fn write_plan(&mut self, records: &[Record]) -> Result<()> {
        let (mut action, mut created, mut ready) = (String::new(), 0i64, None);
        let (mut index, mut items, mut steps) = (Vec::new(), Vec::new(), Vec::new());
        for r in records {
            match r {
                Record::Plan {
                    action: a,
                    created: c,
                    ..
                } => (action, created) = (a.clone(), *c),
                Record::Item { i, item } => {
                    index.push(i32::try_from(*i).map_err(|_| self.corrupt(format!("item {i}")))?);
                    items.push(
                        serde_json::to_string(item).map_err(|e| Error::Store(e.to_string()))?,
                    );
                    steps.push(i16::from(item.op.steps()));
                }
                Record::Ready { items } => ready = Some(*items),
                _ => {}
            }
        }
        let Some(count) = ready else {
            return Err(Error::Store(
                "a shared job's plan is written whole, with its ready record".into(),
            ));
        };
        let count = i32::try_from(count).map_err(|_| self.corrupt(format!("{count} items")))?;
        // One statement, so one transaction: the header and every item, or
        // nothing (a planner that died never leaves half a plan).
        let row = self
            .client
            .query_one(
                "WITH mine AS (
                   UPDATE ferrogram_bulk_jobs SET action = $3, created = $4, items = $5,
                     planner = NULL, plan_until = NULL
                   WHERE job = $1 AND planner = $2 AND items IS NULL
                   RETURNING job),
                 added AS (
                   INSERT INTO ferrogram_bulk_items (job, i, item, steps)
                   SELECT mine.job, u.i, u.item, u.steps FROM mine,
                     UNNEST($6::integer[], $7::text[], $8::smallint[]) AS u(i, item, steps)
                   RETURNING 1)
                 SELECT (SELECT count(*) FROM mine), (SELECT count(*) FROM added)",
                &[
                    &self.job,
                    &self.worker,
                    &action,
                    &created,
                    &count,
                    &index,
                    &items,
                    &steps,
                ],
            )
            .await
            .map_err(|e| self.fail(e))?;
        if row.get::<_, i64>(0) != 1 {
            return Err(Error::Store(format!(
                "{} (job {:?}): this worker planned too slowly and another took the plan over",
                self.target, self.job
            )));
        }
        if let Some(renewal) = self.planning.take() {
            renewal.abort();
        }
        Ok(())
    }

    /// Journals pass `step` of item `i` as started, extending this worker's
    /// claim; [`Error::BulkItemTaken`] when another worker holds it now.
    async fn start(&self, i: usize, step: u8) -> Result<()> {
        let sql = if step == 0 {
            "UPDATE ferrogram_bulk_items
             SET started0 = true, claim_until = now() + $4 * interval '1 millisecond'
             WHERE job = $1 AND i = $2 AND worker = $3 AND outcome0 IS NULL"
        } else {
            "UPDATE ferrogram_bulk_items
             SET started1 = true, claim_until = now() + $4 * interval '1 millisecond'
             WHERE job = $1 AND i = $2 AND worker = $3 AND outcome1 IS NULL"
        };
        let index = i32::try_from(i).map_err(|_| Error::BulkItemTaken(i))?;
        let n = self
            .client
            .execute(sql, &[&self.job, &index, &self.worker, &self.ttl_ms()])
            .await
            .map_err(|e| self.fail(e))?;
        if n == 1 {
            Ok(())
        } else {
            Err(Error::BulkItemTaken(i))
        }
    }

    /// Journals pass `step` of item `i` as ended so, releasing its claim
    /// (kept when another worker recorded it first: the first word stands).
    async fn done(&self, i: usize, step: u8, outcome: &Outcome) -> Result<()> {
        let sql = if step == 0 {
            "UPDATE ferrogram_bulk_items
             SET outcome0 = $3, changed0 = $4, worker = NULL, claim_until = NULL
             WHERE job = $1 AND i = $2 AND outcome0 IS NULL"
        } else {
            "UPDATE ferrogram_bulk_items
             SET outcome1 = $3, worker = NULL, claim_until = NULL
             WHERE job = $1 AND i = $2 AND outcome1 IS NULL"
        };
        let index = i32::try_from(i).map_err(|_| self.corrupt(format!("item {i}")))?;
        let text = serde_json::to_string(outcome).map_err(|e| Error::Store(e.to_string()))?;
        let changed = matches!(outcome, Outcome::Changed { .. });
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
            [&self.job, &index, &text, &changed];
        let params = if step == 0 { &params[..] } else { &params[..3] };
        self.client
            .execute(sql, params)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }
}

impl BulkStore for PostgresBulkStore {
    async fn load(&mut self) -> Result<Vec<Record>> {
        loop {
            if let Some(records) = self.records().await? {
                return Ok(records);
            }
            if self.try_plan().await? {
                if self.planning.is_none() {
                    self.renew_planning();
                }
                return Ok(Vec::new());
            }
            // Another worker is planning.
            tokio::time::sleep(PLAN_POLL).await;
        }
    }

    async fn append(&mut self, records: &[Record]) -> Result<()> {
        if records.iter().any(|r| matches!(r, Record::Plan { .. })) {
            return self.write_plan(records).await;
        }
        for r in records {
            match r {
                Record::Start { i, step } => self.start(*i, *step).await?,
                Record::Done { i, step, outcome } => self.done(*i, *step, outcome).await?,
                _ => {
                    return Err(Error::Store(
                        "a shared job's plan is written whole, with its header".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    async fn claim(&mut self, step: u8, max: usize) -> Result<Claim> {
        let free = if step == 0 {
            "outcome0 IS NULL"
        } else {
            "steps > 1 AND changed0 AND outcome1 IS NULL"
        };
        let sql = format!(
            "WITH picked AS (
               SELECT i FROM ferrogram_bulk_items
               WHERE job = $1 AND {free} AND (claim_until IS NULL OR claim_until < now())
               ORDER BY i LIMIT $2 FOR UPDATE SKIP LOCKED)
             UPDATE ferrogram_bulk_items t
             SET worker = $3, claim_until = now() + $4 * interval '1 millisecond'
             FROM picked WHERE t.job = $1 AND t.i = picked.i
             RETURNING t.i, t.item, t.started0, t.started1, t.outcome0, t.outcome1"
        );
        let max = i64::try_from(max.max(1)).unwrap_or(i64::MAX);
        let rows = self
            .client
            .query(&sql, &[&self.job, &max, &self.worker, &self.ttl_ms()])
            .await
            .map_err(|e| self.fail(e))?;
        if !rows.is_empty() {
            let (mut items, mut records) = (Vec::new(), Vec::new());
            for row in &rows {
                let i = self.index(row.get(0))?;
                items.push(i);
                records.extend(self.passes(row, i, 0)?);
            }
            items.sort_unstable();
            return Ok(Claim::Items { items, records });
        }
        // Nothing free: is anything of this pass (or, before pass 1, of
        // pass 0) still held by another worker?
        let left = if step == 0 {
            "outcome0 IS NULL"
        } else {
            "outcome0 IS NULL OR (steps > 1 AND changed0 AND outcome1 IS NULL)"
        };
        let row = self
            .client
            .query_one(
                &format!("SELECT count(*) FROM ferrogram_bulk_items WHERE job = $1 AND ({left})"),
                &[&self.job],
            )
            .await
            .map_err(|e| self.fail(e))?;
        Ok(if row.get::<_, i64>(0) > 0 {
            Claim::Wait
        } else {
            Claim::Finished
        })
    }
}
