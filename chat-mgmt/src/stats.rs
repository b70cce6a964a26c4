//! `get_stats`: broadcast, megagroup and message statistics.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::target::Target;
use crate::{Error, Result};

/// What [`crate::ChatManagement::get_stats`] returns. Every graph that
/// Telegram sends as a token to load later (`statsGraphAsync`) has been loaded,
/// so each is either `statsGraph` (JSON data) or `statsGraphError`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
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

/// Where a channel's statistics are served: `channelFull.stats_dc`, as
/// TDLib reads it, so that every `stats.*` request (each `loadAsyncGraph`
/// included) goes there directly instead of to the home DC and back with
/// STATS_MIGRATE. `None`: the home DC (the client still follows a
/// STATS_MIGRATE).
async fn stats_dc(client: &Client, channel: &enums::InputChannel) -> Result<Option<i32>> {
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::channels::GetFullChannel {
            channel: channel.clone(),
        })
        .await?;
    Ok(match full.full_chat {
        enums::ChatFull::ChannelFull(c) => c.stats_dc,
        enums::ChatFull::ChatFull(_) | enums::ChatFull::CommunityFull(_) => None,
    })
}

/// Invokes `request` on the stats DC when known, else on the home DC.
async fn on_stats_dc<R: ferrogram_tl_types::RemoteCall>(
    client: &Client,
    dc: Option<i32>,
    request: &R,
) -> std::result::Result<R::Return, ferrogram_client::InvocationError> {
    match dc {
        Some(dc) => client.invoke_in_dc(dc, request).await,
        None => client.invoke(request).await,
    }
}

/// What statistics to fetch.
pub(crate) enum Which {
    /// The channel's or supergroup's.
    Chat,
    /// One message's.
    Message(i32),
}

pub(crate) async fn get_stats(client: &Client, chat: PeerRef, which: Which) -> Result<Stats> {
    let target = Target::resolve(client, chat).await?;
    let channel = target.channel("statistics")?.clone();
    let dc = stats_dc(client, &channel).await?;
    let mut stats = match which {
        Which::Message(msg_id) => {
            let request = functions::stats::GetMessageStats {
                dark: false,
                channel,
                msg_id,
            };
            let enums::stats::MessageStats::MessageStats(s) =
                on_stats_dc(client, dc, &request).await?;
            Stats::Message(s)
        }
        Which::Chat => {
            let broadcast = functions::stats::GetBroadcastStats {
                dark: false,
                channel: channel.clone(),
            };
            match on_stats_dc(client, dc, &broadcast).await {
                Ok(enums::stats::BroadcastStats::BroadcastStats(s)) => Stats::Broadcast(s),
                Err(e) if e.is("BROADCAST_REQUIRED") => {
                    let megagroup = functions::stats::GetMegagroupStats {
                        dark: false,
                        channel,
                    };
                    let enums::stats::MegagroupStats::MegagroupStats(s) =
                        on_stats_dc(client, dc, &megagroup).await?;
                    Stats::Megagroup(s)
                }
                Err(e) => return Err(Error::from(e)),
            }
        }
    };
    for graph in stats.graphs_mut() {
        if let enums::StatsGraph::Async(a) = graph {
            let load = functions::stats::LoadAsyncGraph {
                token: a.token.clone(),
                x: None,
            };
            *graph = on_stats_dc(client, dc, &load).await?;
        }
    }
    Ok(stats)
}
