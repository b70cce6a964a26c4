//! `ferrogram community …`: communities (chat-mgmt's [`Communities`]):
//! make one, add and take out chats, decide requests, ban across all its
//! chats, see what a ban would reach.

use clap::Subcommand;
use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::{Communities, CommunityInfo, LinkOutcome, NewCommunity};
use futures::TryStreamExt;

use crate::error::CliError;
use crate::output::{Format, unix};

/// `ferrogram community …`. COMMUNITY is its id (`-100…`), as `create`,
/// `list` and `of` print it.
#[derive(Subcommand)]
pub enum Community {
    /// Make a community with CHAT (a supergroup or channel you own) in it.
    Create {
        title: String,
        #[arg(allow_negative_numbers = true)]
        chat: String,
        /// Its description.
        #[arg(long)]
        about: Option<String>,
        /// Show CHAT to the community's admins only.
        #[arg(long)]
        hidden: bool,
    },
    /// The communities you own or are in.
    List,
    /// The community CHAT is in.
    Of {
        #[arg(allow_negative_numbers = true)]
        chat: String,
    },
    /// A community's chats and counts.
    Info {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Add CHAT (yours); without the right to, a request goes to its admins.
    Link {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true)]
        chat: String,
        /// Show it to the community's admins only.
        #[arg(long)]
        hidden: bool,
    },
    /// Take CHAT out.
    Unlink {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true)]
        chat: String,
    },
    /// The requests to add a chat.
    Requests {
        #[arg(allow_negative_numbers = true)]
        community: String,
    },
    /// Approve CHAT's request (or --all).
    Approve {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true, required_unless_present = "all")]
        chat: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Decline CHAT's request (or --all).
    Decline {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true, required_unless_present = "all")]
        chat: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Ban USER in every chat of the community (and chats added later).
    Ban {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
    },
    /// Lift USER's community ban.
    Unban {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
    },
    /// The community's chats USER owns or is in: what a ban would reach.
    Reach {
        #[arg(allow_negative_numbers = true)]
        community: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
    },
}

fn print_info(c: &CommunityInfo, format: Format) {
    if format == Format::Json {
        let chats: Vec<_> = c
            .chats
            .iter()
            .map(|ch| serde_json::json!({"id": ch.id, "title": ch.title, "visible": ch.visible}))
            .collect();
        let v = serde_json::json!({
            "id": c.id, "title": c.title, "about": c.about, "creator": c.creator,
            "chats": chats, "admins": c.admins, "banned": c.banned,
            "pending_requests": c.pending_requests,
        });
        println!("{v}");
        return;
    }
    println!(
        "{} {:?}{}",
        c.id,
        c.title,
        if c.creator { " (yours)" } else { "" }
    );
    if !c.about.is_empty() {
        println!("  {}", c.about);
    }
    for ch in &c.chats {
        let hidden = if ch.visible { "" } else { "  (hidden)" };
        println!("  {} {}{hidden}", ch.id, ch.title.as_deref().unwrap_or("?"));
    }
    let n = |v: Option<u32>| v.map_or("-".to_owned(), |n| n.to_string());
    println!(
        "  {} chats, {} admins, {} banned, {} requests waiting",
        c.chats.len(),
        n(c.admins),
        n(c.banned),
        n(c.pending_requests)
    );
}

/// Runs `ferrogram community …`.
pub async fn community(client: &Client, command: Community) -> Result<(), CliError> {
    let refused =
        |e| CliError::from_chat(e, Some("manage_linked_peers or ban_users in the community"));
    match command {
        Community::Create {
            title,
            chat,
            about,
            hidden,
        } => {
            let mut new = NewCommunity::new(title, chat.as_str()).hidden(hidden);
            if let Some(a) = about {
                new = new.about(a);
            }
            let c = client.create_community(new).await.map_err(refused)?;
            print_info(&c, Format::Table);
        }
        Community::List => {
            for c in client.joined_communities().await.map_err(refused)? {
                let mine = if c.creator { " (yours)" } else { "" };
                println!("{} {:?}{mine}", c.id, c.title);
            }
        }
        Community::Of { chat } => match client
            .chat_community(chat.as_str())
            .await
            .map_err(refused)?
        {
            Some(c) => println!("{} {:?}", c.id, c.title),
            None => println!("{chat} is in no community"),
        },
        Community::Info { community, format } => {
            let c = client
                .community(community.as_str())
                .await
                .map_err(refused)?;
            print_info(&c, format);
        }
        Community::Link {
            community,
            chat,
            hidden,
        } => {
            match client
                .link_chat(community.as_str(), chat.as_str(), !hidden)
                .await
                .map_err(refused)?
            {
                LinkOutcome::Requested => {
                    println!("{chat}: a request went to {community}'s admins")
                }
                _ => println!("{chat} is now in {community}"),
            }
        }
        Community::Unlink { community, chat } => {
            client
                .unlink_chat(community.as_str(), chat.as_str())
                .await
                .map_err(refused)?;
            println!("{chat} is no longer in {community}");
        }
        Community::Requests { community } => {
            let all: Vec<_> = client
                .iter_link_requests(community.as_str())
                .try_collect()
                .await
                .map_err(refused)?;
            for r in &all {
                println!(
                    "{} {}  by {} at {}",
                    r.chat,
                    r.title.as_deref().unwrap_or("?"),
                    r.requested_by,
                    unix(r.date)
                );
            }
            println!("{} waiting", all.len());
        }
        Community::Approve {
            community,
            chat,
            all,
        } => {
            decide(client, &community, chat, all, true).await?;
        }
        Community::Decline {
            community,
            chat,
            all,
        } => {
            decide(client, &community, chat, all, false).await?;
        }
        Community::Ban { community, user } => {
            client
                .set_community_ban(community.as_str(), user.as_str(), true)
                .await
                .map_err(refused)?;
            println!("{user} is banned in every chat of {community}");
        }
        Community::Unban { community, user } => {
            client
                .set_community_ban(community.as_str(), user.as_str(), false)
                .await
                .map_err(refused)?;
            println!("{user} may join {community}'s chats again");
        }
        Community::Reach { community, user } => {
            let r = client
                .community_chats_of(community.as_str(), user.as_str())
                .await
                .map_err(refused)?;
            println!("{user} owns {:?} and is in {:?}", r.owned, r.joined);
        }
    }
    Ok(())
}

/// `approve` / `decline`: one chat's request, or all.
async fn decide(
    client: &Client,
    community: &str,
    chat: Option<String>,
    all: bool,
    approve: bool,
) -> Result<(), CliError> {
    let refused = |e| CliError::from_chat(e, Some("manage_linked_peers in the community"));
    let verb = if approve { "approved" } else { "declined" };
    match chat {
        Some(chat) if !all => {
            client
                .decide_link_request(community, chat.as_str(), approve)
                .await
                .map_err(refused)?;
            println!("{chat}'s request {verb}");
        }
        _ => {
            client
                .decide_all_link_requests(community, approve)
                .await
                .map_err(refused)?;
            println!("every request {verb}");
        }
    }
    Ok(())
}
