//! `ferrogram discussion …`: a broadcast channel's discussion group
//! (chat-mgmt's [`Membership::set_discussion_group`]).

use clap::Subcommand;
use ferrogram_chat_mgmt::Membership;
use ferrogram_chat_mgmt::client::Client;

use crate::error::CliError;

/// `ferrogram discussion …`.
#[derive(Subcommand)]
pub enum Discussion {
    /// Link GROUP (a supergroup) to CHANNEL as its discussion group.
    Set {
        #[arg(allow_negative_numbers = true)]
        channel: String,
        #[arg(allow_negative_numbers = true)]
        group: String,
    },
    /// Unlink CHAT: a channel from its group, or a group from its channel.
    Unset {
        #[arg(allow_negative_numbers = true)]
        chat: String,
    },
    /// The groups you may link (basic groups must be migrated first).
    Candidates,
}

/// Runs `ferrogram discussion …`.
pub async fn discussion(client: &Client, command: Discussion) -> Result<(), CliError> {
    let refused = |e| {
        CliError::from_chat(
            e,
            Some("change_info in the channel and pin_messages in the group"),
        )
    };
    match command {
        Discussion::Set { channel, group } => {
            client
                .set_discussion_group(channel.as_str(), Some(group.as_str().into()))
                .await
                .map_err(refused)?;
            println!("{group} is now {channel}'s discussion group");
        }
        Discussion::Unset { chat } => {
            client
                .set_discussion_group(chat.as_str(), None)
                .await
                .map_err(refused)?;
            println!("{chat} is no longer linked");
        }
        Discussion::Candidates => {
            for c in client
                .groups_for_discussion()
                .await
                .map_err(|e| CliError::from_chat(e, None))?
            {
                let note = if c.basic_group {
                    "  (basic group: ferrogram migrate it first)"
                } else {
                    ""
                };
                println!("{} {}{note}", c.marked_id, c.title);
            }
        }
    }
    Ok(())
}
