//! `ferrogram bulk`: one action for many members (chat-mgmt's bulk tool),
//! with a dry run, a journal to resume from, a JSON report and its undo.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::{
    AdminRight, AdminRights, BannedRight, BannedRights, BulkAction, BulkJob, BulkReport, FileStore,
    Moderation, Outcome, Pace, ParticipantFilter, PostgresBulkStore, Selection, parse_user_list,
};

use crate::commands::FilterArg;
use crate::error::CliError;
use crate::output::{Format, parse_duration};

/// What `ferrogram bulk` does to each member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ActionArg {
    /// Deny the --deny rights (for --for).
    Restrict,
    /// Lift every restriction and ban.
    Unrestrict,
    /// Ban for ever.
    Ban,
    /// Remove without a lasting ban (all banned, one pause, all unbanned).
    Kick,
    /// Make admins with the --grant rights (and --title).
    Promote,
    /// Take admin rights away.
    Demote,
    /// Set the --rank tag.
    Rank,
    /// Delete everything they wrote.
    DeleteHistory,
    /// Approve join requests (every pending one unless selected).
    Approve,
    /// Decline join requests.
    Decline,
}

/// `ferrogram bulk`'s arguments.
#[derive(clap::Args)]
pub struct Bulk {
    /// The action (not with --resume or --undo).
    #[arg(value_enum, required_unless_present_any = ["resume", "undo"])]
    action: Option<ActionArg>,
    /// The chats to act in (one selection, every chat).
    #[arg(allow_negative_numbers = true)]
    chats: Vec<String>,
    /// Act in every chat of this community too (repeatable).
    #[arg(long, value_name = "COMMUNITY", allow_negative_numbers = true)]
    community: Vec<String>,
    /// Select members by a participant filter.
    #[arg(long, value_enum, group = "selection")]
    filter: Option<FilterArg>,
    /// Select members whose name matches (with --filter: within it).
    #[arg(long)]
    search: Option<String>,
    /// Select who joined within this long (`1h`, `30m`), from the admin log.
    #[arg(long, value_name = "DURATION", group = "selection")]
    joined_within: Option<String>,
    /// Select the users of a list: CSV (ids, @usernames, +phones; a column
    /// id/user_id/user/username under a header) or a JSON array.
    #[arg(long, value_name = "FILE", group = "selection")]
    list: Option<PathBuf>,
    /// Select the pending join requests (the default of approve/decline).
    #[arg(long, group = "selection")]
    requests: bool,
    /// restrict: a right to deny (repeatable).
    #[arg(long, value_enum)]
    deny: Vec<BannedRight>,
    /// restrict: for how long (`1h`, `7d`) [default: for ever].
    #[arg(long = "for", value_name = "DURATION")]
    duration: Option<String>,
    /// promote: a right to grant (repeatable).
    #[arg(long, value_enum)]
    grant: Vec<AdminRight>,
    /// promote: the admin title.
    #[arg(long)]
    title: Option<String>,
    /// rank: the tag (empty removes it).
    #[arg(long)]
    rank: Option<String>,
    /// List exactly what would change; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where to journal progress [default: bulk-SECONDS.journal beside the
    /// session]; a killed run resumes from it with --resume. A
    /// `postgres://…?job=NAME` URL shares the job: every worker given the
    /// same URL (and the same command) takes items no other live worker
    /// holds, and a dead worker's items go to the others.
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    /// Finish the run journaled in FILE.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["action", "undo"])]
    resume: Option<PathBuf>,
    /// Undo what the report FILE says was changed.
    #[arg(long, value_name = "FILE", conflicts_with = "action")]
    undo: Option<PathBuf>,
    /// Write the JSON report (every change and failure) here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// At most this many requests a second (slower when Telegram pushes back).
    #[arg(long, default_value_t = 20.0)]
    rate: f64,
    /// Do not ask (asked only on a terminal).
    #[arg(long)]
    yes: bool,
    /// `json` prints the whole report on stdout.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn usage(e: ferrogram_chat_mgmt::Error) -> CliError {
    CliError::usage(e.to_string())
}

impl Bulk {
    fn action(&self) -> Result<BulkAction, CliError> {
        let Some(action) = self.action else {
            return Err(CliError::usage("no action given"));
        };
        Ok(match action {
            ActionArg::Restrict => {
                if self.deny.is_empty() {
                    return Err(CliError::usage("restrict: name a right to --deny"));
                }
                let mut rights = BannedRights::new().deny(self.deny.iter().copied());
                if let Some(d) = &self.duration {
                    rights = rights.for_duration(parse_duration(d)?);
                }
                BulkAction::Restrict(rights)
            }
            ActionArg::Unrestrict => BulkAction::Unrestrict,
            ActionArg::Ban => BulkAction::Ban,
            ActionArg::Kick => BulkAction::Kick,
            ActionArg::Promote => {
                if self.grant.is_empty() {
                    return Err(CliError::usage("promote: name a right to --grant"));
                }
                let mut rights = AdminRights::new()
                    .admin(false)
                    .grant(self.grant.iter().copied());
                rights.title = self.title.clone();
                BulkAction::Promote(rights)
            }
            ActionArg::Demote => BulkAction::Demote,
            ActionArg::Rank => BulkAction::SetRank(
                self.rank
                    .clone()
                    .ok_or_else(|| CliError::usage("rank: give the tag with --rank"))?,
            ),
            ActionArg::DeleteHistory => BulkAction::DeleteHistory,
            ActionArg::Approve => BulkAction::ApproveJoinRequests,
            ActionArg::Decline => BulkAction::DeclineJoinRequests,
        })
    }

    fn selection(&self) -> Result<Option<Selection>, CliError> {
        let q = self.search.clone().unwrap_or_default();
        if let Some(f) = self.filter {
            return Ok(Some(Selection::Participants(match f {
                FilterArg::Recent if q.is_empty() => ParticipantFilter::Recent,
                FilterArg::Recent => ParticipantFilter::Search(q),
                FilterArg::Admins => ParticipantFilter::Admins,
                FilterArg::Bots => ParticipantFilter::Bots,
                FilterArg::Kicked => ParticipantFilter::Kicked(q),
                FilterArg::Banned => ParticipantFilter::Banned(q),
                FilterArg::Contacts => ParticipantFilter::Contacts(q),
                FilterArg::Mentions => ParticipantFilter::Mentions(q),
            })));
        }
        if let Some(d) = &self.joined_within {
            let since = SystemTime::now() - parse_duration(d)?;
            return Ok(Some(Selection::JoinedSince(since)));
        }
        if let Some(path) = &self.list {
            let text = read(path)?;
            let users = parse_user_list(&text, &path.display().to_string()).map_err(usage)?;
            return Ok(Some(Selection::Users(users)));
        }
        if self.requests {
            return Ok(Some(Selection::JoinRequests(self.search.clone())));
        }
        Ok(self
            .search
            .clone()
            .map(|q| Selection::Participants(ParticipantFilter::Search(q))))
    }
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::failure(format!("cannot read {}: {e}", path.display())))
}

/// A journal named by a PostgreSQL URL (`postgres://…?job=NAME`): a job
/// shared by every worker given the same URL.
fn shared_job(journal: &Path) -> Option<&str> {
    journal
        .to_str()
        .filter(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// Where the journal goes when not given: beside the session.
fn default_journal(session: &Path) -> PathBuf {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    session
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("bulk-{secs}.journal"))
}

/// The job the arguments describe (not yet given its store).
fn job(client: &Client, b: &Bulk) -> Result<BulkJob, CliError> {
    let job = if let Some(path) = &b.undo {
        let report =
            BulkReport::from_json(&read(path)?, &path.display().to_string()).map_err(usage)?;
        client.bulk_undo(report)
    } else if b.resume.is_some() {
        client.bulk_resume()
    } else {
        if b.chats.is_empty() && b.community.is_empty() {
            return Err(CliError::usage("name at least one chat or --community"));
        }
        let mut job = client
            .bulk(b.action()?)
            .chats(b.chats.iter().map(String::as_str));
        for c in &b.community {
            job = job.community(c.as_str());
        }
        if let Some(s) = b.selection()? {
            job = job.select(s);
        }
        job
    };
    Ok(job.pace(Pace::new().per_second(b.rate)))
}

/// A progress bar on a terminal: `[#####.....] 120/500 · 3 failed · 18/s`.
fn bar(p: &ferrogram_chat_mgmt::Progress) {
    use std::io::Write;
    let filled = (p.done * 30).checked_div(p.total).unwrap_or(30).min(30);
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r[{}{}] {}/{} · {} changed · {} failed · {:.0}/s  ",
        "#".repeat(filled),
        ".".repeat(30 - filled),
        p.done,
        p.total,
        p.changed,
        p.failed,
        p.rate
    );
    let _ = err.flush();
}

/// Runs `ferrogram bulk`.
pub async fn bulk(client: &Client, b: Bulk, session: &Path) -> Result<(), CliError> {
    let refused = |e| CliError::from_chat(e, None);
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !b.dry_run && !b.yes && terminal && b.resume.is_none() {
        let preview = job(client, &b)?
            .dry_run(true)
            .run()
            .await
            .map_err(refused)?;
        let question = format!(
            "{}: {} member(s) would change. Go on?",
            preview.action, preview.totals.would_change
        );
        if !crate::cleanup::confirmed(&question, false)? {
            return Err(CliError::failure("nothing done"));
        }
    }
    let mut job = job(client, &b)?.dry_run(b.dry_run);
    if std::io::stderr().is_terminal() {
        job = job.on_progress(bar);
    }
    let report = if b.dry_run {
        job.run().await
    } else {
        let path = match (&b.resume, &b.journal) {
            (Some(p), _) | (None, Some(p)) => p.clone(),
            (None, None) => default_journal(session),
        };
        match shared_job(&path) {
            Some(url) => {
                // A job many workers share: each runs the same command.
                let store = PostgresBulkStore::open(url).await.map_err(refused)?;
                eprintln!(
                    "journal: shared job {:?} ({}; every worker runs the same command)",
                    store.job(),
                    store.worker_name()
                );
                job.store(store).run().await
            }
            None => {
                if b.resume.is_none() {
                    eprintln!("journal: {} (resume with --resume)", path.display());
                }
                job.store(FileStore::new(&path)).run().await
            }
        }
    };
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    let report = report.map_err(refused)?;
    if let Some(path) = &b.report {
        std::fs::write(path, report.to_json())
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
    }
    print(&report, b.format);
    match report.totals.failed {
        0 => Ok(()),
        n => Err(CliError::new(
            8,
            format!("{n} member(s) failed (their errors are in the report)"),
        )),
    }
}

fn print(report: &BulkReport, format: Format) {
    if format == Format::Json {
        println!("{}", report.to_json());
        return;
    }
    let t = report.totals;
    let verb = if report.dry_run {
        "would change"
    } else {
        "changed"
    };
    let n = if report.dry_run {
        t.would_change
    } else {
        t.changed
    };
    println!(
        "{}: {n} {verb}, {} unchanged, {} skipped, {} failed, {} FLOOD_WAIT(s)",
        report.action, t.unchanged, t.skipped, t.failed, report.flood_waits
    );
    for i in &report.items {
        let what = match &i.outcome {
            Outcome::WouldChange => "would change".to_owned(),
            Outcome::Skipped { reason } => format!("skipped: {reason}"),
            Outcome::Failed { error } => format!("failed: {} ({})", error.error, error.code),
            _ => continue,
        };
        println!(
            "  {} in {}: {} ({})",
            i.item.user,
            i.item.chat,
            what,
            i.item.before.name()
        );
    }
}
