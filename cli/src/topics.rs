//! `ferrogram topics …`: a forum's topics (chat-mgmt's [`ForumTopics`]).

use clap::Subcommand;
use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::{ForumTopics, GENERAL_TOPIC, NewTopic, TopicEdit};
use futures::TryStreamExt;

use crate::error::CliError;
use crate::output::{Format, rfc3339};

/// `ferrogram topics CHAT …`.
#[derive(clap::Args)]
pub struct Topics {
    /// The forum.
    #[arg(allow_negative_numbers = true)]
    chat: String,
    #[command(subcommand)]
    command: TopicCommand,
}

/// What to do with the forum's topics (TOPIC: its id, as `list` prints it;
/// the General topic is 1).
#[derive(Subcommand)]
pub enum TopicCommand {
    /// The topics, pinned first, then newest first.
    List {
        /// Only titles containing this.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Make a topic.
    Create {
        title: String,
        /// Its icon's colour, as hex RGB (6FB9F0, FFD67E, CB86DB, 8EEE98,
        /// FF93B2, FB6F5F).
        #[arg(long, value_parser = hex)]
        color: Option<i32>,
    },
    /// Rename a topic or change its emoji icon.
    Edit {
        topic: i32,
        #[arg(long)]
        title: Option<String>,
        /// A custom emoji id (0 removes it).
        #[arg(long)]
        emoji: Option<i64>,
    },
    /// Close a topic to members (1: the General topic).
    Close { topic: i32 },
    /// Reopen a topic.
    Reopen { topic: i32 },
    /// Pin a topic to the top of the list.
    Pin { topic: i32 },
    /// Unpin a topic.
    Unpin { topic: i32 },
    /// Set the pinned topics and their order.
    Reorder {
        #[arg(required = true)]
        topics: Vec<i32>,
    },
    /// Delete a topic and every message in it.
    Delete {
        topic: i32,
        /// Do not ask (asked only on a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Hide the General topic from the list.
    HideGeneral,
    /// Show the General topic again.
    ShowGeneral,
    /// Post a message in a topic.
    Send { topic: i32, text: String },
}

fn hex(s: &str) -> Result<i32, String> {
    i32::from_str_radix(s.trim_start_matches('#'), 16).map_err(|e| format!("not hex RGB: {e}"))
}

/// Runs `ferrogram topics …`.
pub async fn topics(client: &Client, t: Topics) -> Result<(), CliError> {
    let refused = |e| CliError::from_chat(e, Some("manage_topics"));
    let chat = t.chat.as_str();
    let edit = |topic, e| async move { client.edit_topic(chat, topic, e).await.map_err(refused) };
    match t.command {
        TopicCommand::List { search, format } => {
            let all: Vec<_> = client
                .iter_topics(chat, search.as_deref())
                .try_collect()
                .await
                .map_err(refused)?;
            for topic in &all {
                if format == Format::Json {
                    let v = serde_json::json!({
                        "id": topic.id, "title": topic.title, "closed": topic.closed,
                        "pinned": topic.pinned, "icon_color": topic.icon_color,
                        "creator": topic.creator, "date": rfc3339(topic.date),
                    });
                    println!("{v}");
                } else {
                    let flags = [(topic.pinned, " pinned"), (topic.closed, " closed")]
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, f)| *f)
                        .collect::<String>();
                    println!("{:<8} {}{flags}", topic.id, topic.title);
                }
            }
        }
        TopicCommand::Create { title, color } => {
            let mut new = NewTopic::new(&title);
            if let Some(c) = color {
                new = new.icon_color(c);
            }
            let id = client.create_topic(chat, new).await.map_err(refused)?;
            println!("topic {id} {title:?} made in {chat}");
        }
        TopicCommand::Edit {
            topic,
            title,
            emoji,
        } => {
            let mut e = TopicEdit::new();
            if let Some(t) = title {
                e = e.title(t);
            }
            if let Some(id) = emoji {
                e = e.icon_emoji(id);
            }
            edit(topic, e).await?;
            println!("topic {topic} edited");
        }
        TopicCommand::Close { topic } => {
            edit(topic, TopicEdit::new().closed(true)).await?;
            println!("topic {topic} closed");
        }
        TopicCommand::Reopen { topic } => {
            edit(topic, TopicEdit::new().closed(false)).await?;
            println!("topic {topic} reopened");
        }
        TopicCommand::Pin { topic } | TopicCommand::Unpin { topic } => {
            let pin = matches!(t.command, TopicCommand::Pin { .. });
            client.pin_topic(chat, topic, pin).await.map_err(refused)?;
            println!("topic {topic} {}", if pin { "pinned" } else { "unpinned" });
        }
        TopicCommand::Reorder { topics } => {
            client
                .reorder_pinned_topics(chat, &topics)
                .await
                .map_err(refused)?;
            println!("pinned: {topics:?}");
        }
        TopicCommand::Delete { topic, yes } => {
            let question = format!("Delete topic {topic} and every message in it?");
            if !crate::cleanup::confirmed(&question, yes)? {
                return Err(CliError::failure("nothing deleted"));
            }
            let n = client
                .delete_topic(chat, topic)
                .await
                .map_err(|e| CliError::from_chat(e, Some("delete_messages")))?;
            println!("topic {topic} deleted with {n} messages");
        }
        TopicCommand::HideGeneral | TopicCommand::ShowGeneral => {
            let hide = matches!(t.command, TopicCommand::HideGeneral);
            client
                .set_general_topic_hidden(chat, hide)
                .await
                .map_err(refused)?;
            let state = if hide { "hidden" } else { "shown" };
            println!("the General topic ({GENERAL_TOPIC}) is {state}");
        }
        TopicCommand::Send { topic, text } => {
            let id = client
                .send_to_topic(chat, topic, &text)
                .await
                .map_err(|e| CliError::from_chat(e, None))?;
            println!("message {id} posted in topic {topic}");
        }
    }
    Ok(())
}
