//! `get_stats`: broadcast, megagroup and message statistics.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::target::Target;
use crate::{Error, Result};

/// What [`crate::ChatManagement::get_stats`] returns. Every graph that
/// Telegram sends as a token to load later (`statsGraphAsync`) has been loaded,
/// so each is either `statsGraph` (JSON data) or `statsGraphError`.
#[derive(Clone, Debug, PartialEq)]
pub enum Stats {
    /// A broadcast channel's statistics.
    Broadcast(Box<types::stats::BroadcastStats>),
    /// A supergroup's statistics.
    Megagroup(Box<types::stats::MegagroupStats>),
    /// One message's statistics.
    Message(Box<types::stats::MessageStats>),
}

impl Stats {
    /// Every graph with its TL field name, in schema order.
    pub fn graphs(&self) -> Vec<(&'static str, &enums::StatsGraph)> {
        match self {
            Self::Broadcast(s) => vec![
                ("growth_graph", &s.growth_graph),
                ("followers_graph", &s.followers_graph),
                ("mute_graph", &s.mute_graph),
                ("top_hours_graph", &s.top_hours_graph),
                ("interactions_graph", &s.interactions_graph),
                ("iv_interactions_graph", &s.iv_interactions_graph),
                ("views_by_source_graph", &s.views_by_source_graph),
                (
                    "new_followers_by_source_graph",
                    &s.new_followers_by_source_graph,
                ),
                ("languages_graph", &s.languages_graph),
                ("reactions_by_emotion_graph", &s.reactions_by_emotion_graph),
                ("story_interactions_graph", &s.story_interactions_graph),
                (
                    "story_reactions_by_emotion_graph",
                    &s.story_reactions_by_emotion_graph,
                ),
            ],
            Self::Megagroup(s) => vec![
                ("growth_graph", &s.growth_graph),
                ("members_graph", &s.members_graph),
                (
                    "new_members_by_source_graph",
                    &s.new_members_by_source_graph,
                ),
                ("languages_graph", &s.languages_graph),
                ("messages_graph", &s.messages_graph),
                ("actions_graph", &s.actions_graph),
                ("top_hours_graph", &s.top_hours_graph),
                ("weekdays_graph", &s.weekdays_graph),
            ],
            Self::Message(s) => vec![
                ("views_graph", &s.views_graph),
                ("reactions_by_emotion_graph", &s.reactions_by_emotion_graph),
            ],
        }
    }

    fn graphs_mut(&mut self) -> Vec<&mut enums::StatsGraph> {
        match self {
            Self::Broadcast(s) => vec![
                &mut s.growth_graph,
                &mut s.followers_graph,
                &mut s.mute_graph,
                &mut s.top_hours_graph,
                &mut s.interactions_graph,
                &mut s.iv_interactions_graph,
                &mut s.views_by_source_graph,
                &mut s.new_followers_by_source_graph,
                &mut s.languages_graph,
                &mut s.reactions_by_emotion_graph,
                &mut s.story_interactions_graph,
                &mut s.story_reactions_by_emotion_graph,
            ],
            Self::Megagroup(s) => vec![
                &mut s.growth_graph,
                &mut s.members_graph,
                &mut s.new_members_by_source_graph,
                &mut s.languages_graph,
                &mut s.messages_graph,
                &mut s.actions_graph,
                &mut s.top_hours_graph,
                &mut s.weekdays_graph,
            ],
            Self::Message(s) => vec![&mut s.views_graph, &mut s.reactions_by_emotion_graph],
        }
    }
}

pub(crate) async fn get_stats(
    client: &Client,
    chat: PeerRef,
    message: Option<i32>,
) -> Result<Stats> {
    let target = Target::resolve(client, chat).await?;
    let channel = target.channel("statistics")?.clone();
    let mut stats = match message {
        Some(msg_id) => {
            let enums::stats::MessageStats::MessageStats(s) = client
                .invoke(&functions::stats::GetMessageStats {
                    dark: false,
                    channel,
                    msg_id,
                })
                .await?;
            Stats::Message(s)
        }
        None => match client
            .invoke(&functions::stats::GetBroadcastStats {
                dark: false,
                channel: channel.clone(),
            })
            .await
        {
            Ok(enums::stats::BroadcastStats::BroadcastStats(s)) => Stats::Broadcast(s),
            Err(e) if e.is("BROADCAST_REQUIRED") => {
                let enums::stats::MegagroupStats::MegagroupStats(s) = client
                    .invoke(&functions::stats::GetMegagroupStats {
                        dark: false,
                        channel,
                    })
                    .await?;
                Stats::Megagroup(s)
            }
            Err(e) => return Err(Error::from(e)),
        },
    };
    for graph in stats.graphs_mut() {
        if let enums::StatsGraph::Async(a) = graph {
            *graph = client
                .invoke(&functions::stats::LoadAsyncGraph {
                    token: a.token.clone(),
                    x: None,
                })
                .await?;
        }
    }
    Ok(stats)
}
