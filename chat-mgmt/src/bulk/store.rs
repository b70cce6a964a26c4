//! Where a bulk run keeps its progress: a journal of [`Record`]s behind the
//! small [`BulkStore`] trait, so a run killed halfway resumes without doing
//! anything twice. [`FileStore`] (JSON lines) is the default; [`MemoryStore`]
//! keeps it in memory; a database implements the same two methods.

use std::io::Write;
use std::path::{Path, PathBuf};

use ferrogram_client::PeerRef;
use ferrogram_client::session::CHANNEL_MARK;
use ferrogram_tl_types::{enums, types};
use serde::{Deserialize, Serialize};

use super::report::Outcome;
use super::state::{BulkOp, MemberState};
use crate::{Error, Result};

/// The journal's format version; a journal of another is refused.
pub const JOURNAL_VERSION: u32 = 1;

/// One member of one chat, with the op to apply and their standing before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BulkItem {
    /// The chat (a marked id: `-100…` for supergroups and channels).
    pub chat: i64,
    /// The chat's access hash, so that a resumed run needs no cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_hash: Option<i64>,
    /// The user.
    pub user: i64,
    /// The user's access hash, so that a resumed run needs no cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_hash: Option<i64>,
    /// What is done to them.
    #[serde(flatten)]
    pub op: BulkOp,
    /// What they were before.
    pub before: MemberState,
}

impl BulkItem {
    /// The chat, with its access hash when the item has it.
    pub(crate) fn chat_ref(&self) -> PeerRef {
        match self.chat_hash {
            Some(access_hash) => PeerRef::Input(enums::InputPeer::from(types::InputPeerChannel {
                channel_id: self.chat.saturating_neg().saturating_sub(CHANNEL_MARK),
                access_hash,
            })),
            None => PeerRef::Id(self.chat),
        }
    }

    /// The user, with their access hash when the item has it.
    pub(crate) fn user_ref(&self) -> PeerRef {
        match self.user_hash {
            Some(access_hash) => PeerRef::Input(enums::InputPeer::from(types::InputPeerUser {
                user_id: self.user,
                access_hash,
            })),
            None => PeerRef::Id(self.user),
        }
    }
}

/// One line of a journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Record {
    /// The run's header: first line.
    Plan {
        /// [`JOURNAL_VERSION`].
        version: u32,
        /// What the run does (`ban`, `undo`, ...), for people.
        action: String,
        /// A dry run changes nothing.
        dry_run: bool,
        /// When the run began (Unix seconds).
        created: i64,
    },
    /// One member to act on, `i`-th of the plan.
    Item {
        /// Its index.
        i: usize,
        /// The member and the op.
        #[serde(flatten)]
        item: BulkItem,
    },
    /// The plan is complete: every item was written. A journal without it
    /// is planned again.
    Ready {
        /// How many items.
        items: usize,
    },
    /// Item `i`'s request of pass `step` is about to be sent: until a
    /// [`Record::Done`] follows, its outcome is unknown.
    Start {
        /// The item.
        i: usize,
        /// The pass (0, or 1 for a kick's unban).
        step: u8,
    },
    /// Item `i`'s pass `step` ended so.
    Done {
        /// The item.
        i: usize,
        /// The pass.
        step: u8,
        /// How.
        #[serde(flatten)]
        outcome: Outcome,
    },
}

/// Keeps a bulk run's journal. `append` must not return before the record
/// survives the process being killed (a file: written to the OS); `load`
/// returns every record appended, in order.
///
/// A store several workers share (`PostgresBulkStore`, feature `postgres`)
/// also hands out the work: [`BulkStore::claim`] gives each worker items no
/// other live worker holds, and `append` refuses a [`Record::Start`] of an
/// item this worker no longer holds ([`Error::BulkItemTaken`]). Its `load`
/// waits while another worker is planning, and returns nothing to the one
/// worker that is to plan.
#[allow(async_fn_in_trait)]
pub trait BulkStore {
    /// Every record so far (empty: a new run).
    async fn load(&mut self) -> Result<Vec<Record>>;
    /// Appends records, in order.
    async fn append(&mut self, records: &[Record]) -> Result<()>;
    /// Which items of pass `step` (0, or 1 for a kick's unban) this worker
    /// does next, at most `max`. The default, for a store one run owns:
    /// [`Claim::Everything`].
    async fn claim(&mut self, step: u8, max: usize) -> Result<Claim> {
        let _ = (step, max);
        Ok(Claim::Everything)
    }
}

/// What a store hands a worker ([`BulkStore::claim`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The store is this run's alone: it does every item the journal says
    /// is left.
    Everything,
    /// These items are this worker's for now; `records` are what other
    /// workers journaled of them (a pass started and never finished, a first
    /// pass's outcome), to replay before acting.
    Items {
        /// The items' indices.
        items: Vec<usize>,
        /// Their records so far.
        records: Vec<Record>,
    },
    /// Nothing free now, but other workers hold items of this pass (or, for
    /// pass 1, of pass 0 still): ask again shortly.
    Wait,
    /// Every item of this pass is done.
    Finished,
}

/// A journal in memory (a run that need not survive its process).
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    /// The records appended.
    pub records: Vec<Record>,
}

impl BulkStore for MemoryStore {
    async fn load(&mut self) -> Result<Vec<Record>> {
        Ok(self.records.clone())
    }

    async fn append(&mut self, records: &[Record]) -> Result<()> {
        self.records.extend_from_slice(records);
        Ok(())
    }
}

/// A journal in a file, one JSON record a line, appended and flushed as the
/// run goes ([`FileStore::sync`] also asks the disk to keep each batch).
/// A last line cut short by a kill is dropped on load, and cut off the file
/// before the next append.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    file: Option<std::fs::File>,
    sync: bool,
}

impl FileStore {
    /// A journal at `path` (made on the first append).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_owned(),
            file: None,
            sync: false,
        }
    }

    /// Whether each append waits for the disk (`fsync`): survives a power
    /// cut, costs a disk write per request.
    pub fn sync(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, e: std::io::Error) -> Error {
        Error::Store(format!("{}: {e}", self.path.display()))
    }
}

impl BulkStore for FileStore {
    async fn load(&mut self) -> Result<Vec<Record>> {
        let text = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let (records, _) = parse_journal(&text, &self.path.display().to_string())?;
        Ok(records)
    }

    async fn append(&mut self, records: &[Record]) -> Result<()> {
        if self.file.is_none() {
            let file = open_for_append(&self.path).map_err(|e| self.io(e))?;
            self.file = Some(file);
        }
        let mut buf = Vec::new();
        for r in records {
            serde_json::to_writer(&mut buf, r).map_err(|e| Error::Store(e.to_string()))?;
            buf.push(b'\n');
        }
        let sync = self.sync;
        let file = self.file.as_mut().expect("opened above");
        let written = file
            .write_all(&buf)
            .and_then(|()| file.flush())
            .and_then(|()| if sync { file.sync_data() } else { Ok(()) });
        written.map_err(|e| self.io(e))
    }
}

/// Opens a journal for appending, cutting off a last line a kill left
/// unfinished (everything after the last newline).
fn open_for_append(path: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    let bytes = std::fs::read(path)?;
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if keep < bytes.len() {
        file.set_len(keep as u64)?;
    }
    Ok(file)
}

/// Reads a journal's bytes: its records, and whether a last line was cut
/// short (dropped). A bad line elsewhere is [`Error::BulkInput`] with its
/// line and column.
pub fn parse_journal(bytes: &[u8], source: &str) -> Result<(Vec<Record>, bool)> {
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let torn = complete < bytes.len();
    let mut out = Vec::new();
    for (n, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = serde_json::from_slice::<Record>(line).map_err(|e| Error::BulkInput {
            file: source.to_owned(),
            line: n + 1,
            column: e.column().max(1),
            reason: e.to_string(),
        })?;
        out.push(record);
    }
    check(&out, source)?;
    Ok((out, torn))
}

/// Refuses a journal that is not one: no header first, another version,
/// items or outcomes naming no planned item.
pub(crate) fn check(records: &[Record], source: &str) -> Result<()> {
    let bad = |line: usize, reason: String| Error::BulkInput {
        file: source.to_owned(),
        line,
        column: 1,
        reason,
    };
    let mut items = 0usize;
    for (n, r) in records.iter().enumerate() {
        match r {
            Record::Plan { version, .. } if n == 0 => {
                if *version != JOURNAL_VERSION {
                    return Err(bad(
                        1,
                        format!("journal version {version}, expected {JOURNAL_VERSION}"),
                    ));
                }
            }
            _ if n == 0 => return Err(bad(1, "a journal starts with its plan".into())),
            Record::Plan { .. } => return Err(bad(n + 1, "a second plan".into())),
            Record::Item { i, .. } if *i == items => items += 1,
            Record::Item { i, .. } => return Err(bad(n + 1, format!("item {i} out of order"))),
            Record::Ready { items: k } if *k != items => {
                return Err(bad(n + 1, format!("{k} items announced, {items} written")));
            }
            Record::Ready { .. } => {}
            Record::Start { i, step } | Record::Done { i, step, .. } => {
                if *i >= items || *step > 1 {
                    return Err(bad(n + 1, format!("item {i} pass {step} was not planned")));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Vec<Record> {
        vec![
            Record::Plan {
                version: JOURNAL_VERSION,
                action: "ban".into(),
                dry_run: false,
                created: 1,
            },
            Record::Item {
                i: 0,
                item: BulkItem {
                    chat: -1001,
                    chat_hash: Some(5),
                    user: 7,
                    user_hash: None,
                    op: BulkOp::Ban,
                    before: MemberState::Member { rank: None },
                },
            },
            Record::Ready { items: 1 },
            Record::Start { i: 0, step: 0 },
        ]
    }

    #[tokio::test]
    async fn a_file_journal_survives_a_torn_last_line() {
        let path = std::env::temp_dir().join(format!("ferrogram-journal-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut store = FileStore::new(&path);
        assert!(store.load().await.unwrap().is_empty());
        store.append(&plan()).await.unwrap();
        drop(store);
        // A kill in the middle of a line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(br#"{"record":"done","i":0,"st"#).unwrap();
        drop(f);
        let mut store = FileStore::new(&path);
        assert_eq!(store.load().await.unwrap(), plan());
        let done = Record::Done {
            i: 0,
            step: 0,
            outcome: Outcome::Unchanged,
        };
        store.append(std::slice::from_ref(&done)).await.unwrap();
        let mut all = plan();
        all.push(done);
        assert_eq!(FileStore::new(&path).load().await.unwrap(), all);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn bad_journals_are_refused_with_their_line() {
        let e = parse_journal(b"{\"record\":\"ready\",\"items\":0}\n", "j").unwrap_err();
        assert!(matches!(e, Error::BulkInput { line: 1, .. }), "{e}");
        let mut text = Vec::new();
        for r in plan() {
            serde_json::to_writer(&mut text, &r).unwrap();
            text.push(b'\n');
        }
        text.extend_from_slice(b"{\"record\":\"start\",\"i\":5,\"step\":0}\n");
        let e = parse_journal(&text, "j").unwrap_err();
        assert!(matches!(e, Error::BulkInput { line: 5, .. }), "{e}");
        let e = parse_journal(b"{\"record\": 12}\n", "j").unwrap_err();
        assert!(
            matches!(
                e,
                Error::BulkInput {
                    line: 1,
                    column: 13,
                    ..
                }
            ),
            "{e}"
        );
    }
}
