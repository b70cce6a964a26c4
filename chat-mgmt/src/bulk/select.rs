//! Making a bulk run's plan: the chats resolved, the members selected, each
//! with their standing before.

use std::collections::HashSet;

use ferrogram_client::session::{PeerKind, marked_id};
use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions};
use futures::TryStreamExt;

use super::state::MemberState;
use super::store::BulkItem;
use super::{BulkAction, BulkOp, Selection};
use crate::participants::participant_user_id;
use crate::target::{Target, channel_object};
use crate::{AdminLogFilter, ChatManagement, Error, Membership, Result};

/// A chat a run acts in.
#[derive(Clone, Debug)]
pub(crate) struct RunChat {
    /// Its marked id.
    pub id: i64,
    /// Its access hash.
    pub hash: i64,
    pub channel: enums::InputChannel,
    pub peer: enums::InputPeer,
    pub broadcast: bool,
}

impl RunChat {
    pub(crate) async fn resolve(client: &Client, chat: PeerRef) -> Result<Self> {
        let shown = format!("{chat:?}");
        match Target::resolve(client, chat).await? {
            Target::Channel { channel, peer } => {
                let object = channel_object(client, &channel).await?;
                let hash = match &channel {
                    enums::InputChannel::InputChannel(c) => c.access_hash,
                    _ => object.access_hash.unwrap_or(0),
                };
                Ok(Self {
                    id: marked_id(PeerKind::Channel, object.id),
                    hash,
                    channel,
                    peer,
                    broadcast: object.broadcast,
                })
            }
            Target::Chat { .. } => Err(Error::NeedsSupergroup(format!(
                "{shown} is a basic group: bulk actions work in supergroups and channels"
            ))),
            Target::User { .. } => Err(Error::NotPossibleHere(format!(
                "{shown} is a user, not a chat"
            ))),
        }
    }

    pub(crate) fn peer_ref(&self) -> PeerRef {
        PeerRef::Input(self.peer.clone())
    }
}

/// A member's standing now (`channels.getParticipant`).
pub(crate) async fn standing(
    client: &Client,
    chat: &RunChat,
    user: &enums::InputPeer,
) -> Result<MemberState> {
    let answer = client
        .invoke(&functions::channels::GetParticipant {
            channel: chat.channel.clone(),
            participant: user.clone(),
        })
        .await;
    match answer {
        Ok(enums::channels::ChannelParticipant::ChannelParticipant(p)) => {
            Ok(MemberState::of_participant(&p.participant))
        }
        Err(e) if e.is("USER_NOT_PARTICIPANT") => Ok(MemberState::Left),
        Err(e) => Err(e.into()),
    }
}

/// A selected member: id, access hash, standing.
type Member = (i64, Option<i64>, MemberState);

/// The user id and access hash of an input peer naming a user.
fn user_of(peer: &enums::InputPeer, named: &PeerRef) -> Result<(i64, Option<i64>)> {
    match peer {
        enums::InputPeer::User(u) => Ok((u.user_id, Some(u.access_hash))),
        _ => Err(Error::NotPossibleHere(format!("{named:?} is not a user"))),
    }
}

/// The members `selection` picks in `chat`, with their standing.
async fn members(client: &Client, chat: &RunChat, selection: &Selection) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    match selection {
        Selection::Participants(filter) => {
            let mut it = client
                .iter_participants(chat.peer_ref())
                .filter(filter.clone());
            while let Some(p) = it.try_next().await? {
                let state = MemberState::of_role(&p.role, p.rank.clone());
                out.push((p.user.id, p.user.access_hash, state));
            }
        }
        Selection::JoinRequests(search) => {
            let mut it = client.iter_join_requests(chat.peer_ref());
            if let Some(q) = search {
                it = it.search(q.clone());
            }
            while let Some(r) = it.try_next().await? {
                let hash = r.user.as_ref().and_then(|u| u.access_hash);
                out.push((r.user_id, hash, MemberState::Requested));
            }
        }
        Selection::JoinedSince(since) => {
            let filter = AdminLogFilter::new().join(true).invite(true);
            let mut log = client.iter_admin_log(chat.peer_ref()).filter(filter);
            let mut users = Vec::new();
            while let Some(e) = log.try_next().await? {
                if e.date < *since {
                    break;
                }
                let user = match &e.action {
                    enums::ChannelAdminLogEventAction::ParticipantInvite(a) => {
                        participant_user_id(&a.participant)
                    }
                    _ if e.joined() => Some(e.user_id),
                    _ => None,
                };
                users.extend(user);
            }
            for user in users {
                let named = PeerRef::Id(user);
                let peer = client.get_input_entity(named.clone()).await?;
                let (id, hash) = user_of(&peer, &named)?;
                out.push((id, hash, standing(client, chat, &peer).await?));
            }
        }
        Selection::Users(list) => {
            for user in list {
                let peer = client.get_input_entity(user.clone()).await?;
                let (id, hash) = user_of(&peer, user)?;
                out.push((id, hash, standing(client, chat, &peer).await?));
            }
        }
    }
    let mut seen = HashSet::new();
    out.retain(|(user, _, _)| seen.insert(*user));
    Ok(out)
}

/// The plan of an action: every selected member of every chat.
pub(crate) async fn plan(
    client: &Client,
    chats: &[RunChat],
    action: &BulkAction,
    selection: &Selection,
) -> Result<Vec<BulkItem>> {
    let mut items = Vec::new();
    for chat in chats {
        let op: BulkOp = action.op(chat.broadcast);
        for (user, user_hash, before) in members(client, chat, selection).await? {
            items.push(BulkItem {
                chat: chat.id,
                chat_hash: Some(chat.hash),
                user,
                user_hash,
                op: op.clone(),
                before,
            });
        }
    }
    Ok(items)
}
