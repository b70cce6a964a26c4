//! The membership commands (chat-mgmt's `Membership`): `create`, `add`,
//! `rank`, `transfer`, `migrate`, `leave`, `successor`, `discussion`,
//! `invites`, `requests`, `watch`, and the moderation commands (`delete`,
//! `purge`, `report`, `pin`, `bulk`, `settings`), routed to their modules.

use ferrogram_chat_mgmt::Membership;

use crate::connect::{Global, signed_in};
use crate::error::CliError;
use crate::{Command, bulk, cleanup, discussion, membership, prompt_secret, settings, watch};

/// Runs a membership command.
pub(crate) async fn membership_command(g: &Global, command: Command) -> Result<(), CliError> {
    match command {
        Command::Transfer {
            chat,
            user,
            password,
        } => {
            let client = signed_in(g).await?;
            let password = match password {
                Some(p) => p,
                None => prompt_secret("2FA password")?,
            };
            client
                .transfer_ownership(chat.as_str(), user.as_str(), &password)
                .await
                .map_err(|e| CliError::from_chat(e, Some("the chat's creator")))?;
            println!("{user} now owns {chat}; you are an admin");
        }
        Command::Add(a) => {
            let client = signed_in(g).await?;
            membership::add(&client, a).await?;
        }
        Command::Rank(r) => {
            let client = signed_in(g).await?;
            membership::rank(&client, r).await?;
        }
        Command::Migrate(m) => {
            let client = signed_in(g).await?;
            membership::migrate(&client, m).await?;
        }
        Command::Leave(c) => {
            let client = signed_in(g).await?;
            membership::leave(&client, c).await?;
        }
        Command::Successor(c) => {
            let client = signed_in(g).await?;
            membership::successor(&client, c).await?;
        }
        Command::Delete(d) => cleanup::delete(&signed_in(g).await?, d).await?,
        Command::Purge(p) => cleanup::purge(&signed_in(g).await?, p).await?,
        Command::Report(r) => cleanup::report(&signed_in(g).await?, r).await?,
        Command::Pin(p) => cleanup::pin(&signed_in(g).await?, p).await?,
        Command::DeleteReactions(d) => cleanup::delete_reactions(&signed_in(g).await?, d).await?,
        Command::Topics(t) => crate::topics::topics(&signed_in(g).await?, t).await?,
        Command::Community { command } => {
            crate::community::community(&signed_in(g).await?, command).await?;
        }
        Command::Bulk(b) => {
            let session = crate::connect::session_store(g)?.local_path()?;
            bulk::bulk(&signed_in(g).await?, *b, &session).await?;
        }
        Command::Settings(s) => settings::settings(&signed_in(g).await?, s).await?,
        Command::Discussion { command } => {
            let client = signed_in(g).await?;
            discussion::discussion(&client, command).await?;
        }
        Command::Watch(w) => {
            let client = signed_in(g).await?;
            watch::watch(&client, w).await?;
        }
        Command::Create(c) => {
            let client = signed_in(g).await?;
            membership::create(&client, c).await?;
        }
        Command::Invites { command } => {
            let client = signed_in(g).await?;
            membership::invites(&client, command).await?;
        }
        Command::Requests { command } => {
            let client = signed_in(g).await?;
            membership::requests(&client, command).await?;
        }
        _ => unreachable!("only membership commands come here"),
    }
    Ok(())
}
