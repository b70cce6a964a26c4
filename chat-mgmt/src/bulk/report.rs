//! What a bulk run did, member by member ([`BulkReport`]): written as JSON
//! for scripts and people, read back to undo it.

use ferrogram_client::RpcError;
use serde::{Deserialize, Serialize};

use super::store::BulkItem;
use crate::{Error, Result};

/// How one member's op ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Done: the member changed.
    Changed {
        /// What came of it, where there is more to say (`12 messages`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Already so: nothing was sent.
    Unchanged,
    /// Passed over, and why (the creator, an admin, yourself, ...).
    Skipped {
        /// Why.
        reason: String,
    },
    /// The server refused.
    Failed {
        /// Its error.
        #[serde(flatten)]
        error: FailedRpc,
    },
    /// A dry run: this member would change.
    WouldChange,
}

/// A refusal as the report keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FailedRpc {
    /// The RPC error's code (400, 403, ...; 0 when the failure was no RPC
    /// error).
    pub code: i32,
    /// Its name (`USER_ADMIN_INVALID`), or what failed.
    pub error: String,
    /// The number in it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u32>,
}

impl FailedRpc {
    pub(crate) fn of(e: &Error) -> Self {
        match e.rpc() {
            Some(RpcError {
                code, name, value, ..
            }) => Self {
                code: *code,
                error: name.clone(),
                value: *value,
            },
            None => Self {
                code: 0,
                error: e.to_string(),
                value: None,
            },
        }
    }
}

/// One member in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportItem {
    /// The member, the op and their standing before.
    #[serde(flatten)]
    pub item: BulkItem,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// How many members ended each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Totals {
    /// Changed.
    pub changed: usize,
    /// Already so.
    pub unchanged: usize,
    /// Passed over.
    pub skipped: usize,
    /// Refused.
    pub failed: usize,
    /// Would change (dry run).
    pub would_change: usize,
}

/// What a bulk run did, or (dry run) would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BulkReport {
    /// What the run did (`ban`, `undo`, ...).
    pub action: String,
    /// Nothing was changed.
    pub dry_run: bool,
    /// When it began and ended (Unix seconds).
    pub started: i64,
    /// When it ended.
    pub finished: i64,
    /// FLOOD_WAITs met (slept through by the client or by the run).
    pub flood_waits: u64,
    /// How many ended each way.
    pub totals: Totals,
    /// Every member, in plan order.
    pub items: Vec<ReportItem>,
}

impl BulkReport {
    /// Counts the outcomes.
    pub(crate) fn count(items: &[ReportItem]) -> Totals {
        let mut t = Totals::default();
        for i in items {
            match i.outcome {
                Outcome::Changed { .. } => t.changed += 1,
                Outcome::Unchanged => t.unchanged += 1,
                Outcome::Skipped { .. } => t.skipped += 1,
                Outcome::Failed { .. } => t.failed += 1,
                Outcome::WouldChange => t.would_change += 1,
            }
        }
        t
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report is always JSON")
    }

    /// Reads a report written by [`BulkReport::to_json`]; a bad one is
    /// [`Error::BulkInput`] with its line and column.
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
        let report: Self = serde_json::from_str(text).map_err(|e| Error::BulkInput {
            file: source.to_owned(),
            line: e.line().max(1),
            column: e.column().max(1),
            reason: e.to_string(),
        })?;
        if report.totals != Self::count(&report.items) {
            return Err(Error::BulkInput {
                file: source.to_owned(),
                line: 1,
                column: 1,
                reason: "its totals do not match its items".into(),
            });
        }
        Ok(report)
    }

    /// The members it failed for, with their errors.
    pub fn failures(&self) -> impl Iterator<Item = (&BulkItem, &FailedRpc)> {
        self.items.iter().filter_map(|i| match &i.outcome {
            Outcome::Failed { error } => Some((&i.item, error)),
            _ => None,
        })
    }
}
