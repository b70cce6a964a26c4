//! `ferrogram delete`, `purge`, `report` and `pin`: cleaning up after a
//! spammer (chat-mgmt's [`Moderation`]).

use std::io::{IsTerminal, Write};

use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::{Moderation, PurgeOptions};

use crate::error::CliError;
use crate::output::Format;

/// `ferrogram delete`'s arguments.
#[derive(clap::Args)]
pub struct Delete {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    /// Message ids.
    #[arg(required = true)]
    ids: Vec<i32>,
    /// Do not ask (asked only on a terminal).
    #[arg(long)]
    yes: bool,
}

/// `ferrogram purge`'s arguments.
#[derive(clap::Args)]
pub struct Purge {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    #[arg(allow_negative_numbers = true)]
    user: String,
    /// Do not report their messages as spam first.
    #[arg(long)]
    no_report: bool,
    /// Do not delete what they wrote.
    #[arg(long)]
    no_delete: bool,
    /// Do not ban them.
    #[arg(long)]
    no_ban: bool,
    /// Do not ask (asked only on a terminal).
    #[arg(long)]
    yes: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// `ferrogram report`'s arguments.
#[derive(clap::Args)]
pub struct Report {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    #[arg(allow_negative_numbers = true)]
    user: String,
    /// Their messages' ids.
    #[arg(required = true)]
    ids: Vec<i32>,
}

/// `ferrogram pin`'s arguments.
#[derive(clap::Args)]
pub struct Pin {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    id: i32,
    /// Unpin it instead.
    #[arg(long)]
    unpin: bool,
    /// Notify nobody.
    #[arg(long)]
    silent: bool,
}

/// `ferrogram delete-reactions`'s arguments.
#[derive(clap::Args)]
pub struct DeleteReactions {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    #[arg(allow_negative_numbers = true)]
    user: String,
    /// Only on this message (default: every message of the chat).
    #[arg(long)]
    message: Option<i32>,
}

/// Runs `ferrogram delete-reactions`.
pub async fn delete_reactions(client: &Client, d: DeleteReactions) -> Result<(), CliError> {
    client
        .delete_reactions(d.chat.as_str(), d.user.as_str(), d.message)
        .await
        .map_err(refused)?;
    match d.message {
        Some(m) => println!(
            "{}'s reactions on message {m} deleted in {}",
            d.user, d.chat
        ),
        None => println!("{}'s reactions deleted in {}", d.user, d.chat),
    }
    Ok(())
}

/// Asks on a terminal whether to go on; yes without a terminal or with
/// `--yes`.
pub(crate) fn confirmed(question: &str, yes: bool) -> Result<bool, CliError> {
    if yes || !std::io::stdin().is_terminal() {
        return Ok(true);
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn refused(e: ferrogram_chat_mgmt::Error) -> CliError {
    CliError::from_chat(e, Some("delete_messages"))
}

/// Runs `ferrogram delete`.
pub async fn delete(client: &Client, d: Delete) -> Result<(), CliError> {
    if !confirmed(
        &format!("Delete {} message(s) in {}?", d.ids.len(), d.chat),
        d.yes,
    )? {
        return Err(CliError::failure("nothing deleted"));
    }
    let n = client
        .delete_messages(d.chat.as_str(), &d.ids)
        .await
        .map_err(refused)?;
    println!("{n} of {} deleted in {}", d.ids.len(), d.chat);
    Ok(())
}

/// Runs `ferrogram purge`.
pub async fn purge(client: &Client, p: Purge) -> Result<(), CliError> {
    if !confirmed(&format!("Purge {} from {}?", p.user, p.chat), p.yes)? {
        return Err(CliError::failure("nothing done"));
    }
    let options = PurgeOptions::new()
        .report(!p.no_report)
        .delete(!p.no_delete)
        .ban(!p.no_ban);
    let done = client
        .purge(p.chat.as_str(), p.user.as_str(), options)
        .await
        .map_err(|e| CliError::from_chat(e, Some("delete_messages and ban_users")))?;
    match p.format {
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "reported": done.reported,
                "deleted": done.deleted,
                "banned": done.banned,
            })
        ),
        _ => println!(
            "{}: {} message(s) reported, {} deleted, {}",
            p.user,
            done.reported.len(),
            done.deleted,
            if done.banned { "banned" } else { "not banned" }
        ),
    }
    Ok(())
}

/// Runs `ferrogram report`.
pub async fn report(client: &Client, r: Report) -> Result<(), CliError> {
    client
        .report_spam(r.chat.as_str(), r.user.as_str(), &r.ids)
        .await
        .map_err(refused)?;
    println!("{} message(s) of {} reported as spam", r.ids.len(), r.user);
    Ok(())
}

/// Runs `ferrogram pin`.
pub async fn pin(client: &Client, p: Pin) -> Result<(), CliError> {
    let done = if p.unpin {
        client.unpin_message(p.chat.as_str(), p.id).await
    } else {
        client.pin_message(p.chat.as_str(), p.id, p.silent).await
    };
    done.map_err(|e| CliError::from_chat(e, Some("pin_messages")))?;
    let what = if p.unpin { "unpinned" } else { "pinned" };
    println!("message {} {what} in {}", p.id, p.chat);
    Ok(())
}
