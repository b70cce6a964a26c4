//! Membership events as a typed stream, for welcome and captcha bots: joins
//! (by link, by request, by invitation, directly), leaves, removals, bans,
//! restrictions, promotions and demotions, join requests and the pending
//! count, read from `updateChannelParticipant`, `updateChatParticipant`,
//! `updateBotChatInviteRequester` and `updatePendingJoinRequests`.
//!
//! Telegram sends the participant updates to bots that are admins of the
//! chat (the Bot API's `chat_member`) and to a bot about its own standing
//! (`my_chat_member`); join requests to bot admins that may invite users
//! (`chat_join_request`); the pending count to every admin that may decide.
//! A user account sees only the pending count here: it learns of members
//! from service messages.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::session::{PeerKind, marked_id};
use ferrogram_client::{Client, Listing, Pager, UpdateStream};
use ferrogram_tl_types::{enums, types};
use futures::Stream;

use crate::{InviteLink, Result};

/// One change of who is in a chat ([`crate::Membership::membership_events`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MembershipEvent {
    /// The chat's marked id (basic groups `-id`, channels `-100…`).
    pub chat_id: i64,
    /// Whom it is about (`0` for [`MembershipEventKind::PendingRequests`]).
    pub user_id: i64,
    /// Who did it: the user for joins through a link and leaves, the admin
    /// for approvals, invitations, removals and rights.
    pub actor_id: i64,
    /// When.
    pub date: SystemTime,
    /// What happened.
    pub kind: MembershipEventKind,
    /// The link joined or asked through, if any.
    pub invite: Option<InviteLink>,
}

/// How someone joined ([`MembershipEventKind::Joined`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoinMethod {
    /// Through an invite link that needed no approval.
    Link,
    /// An admin approved their join request (through a link, or to a
    /// public chat that needs approval).
    Request,
    /// Added by someone else.
    Invited,
    /// By themselves, through the chat's username.
    Directly,
}

/// What happened ([`MembershipEvent::kind`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum MembershipEventKind {
    /// They became a member.
    Joined(JoinMethod),
    /// They left by themselves.
    Left,
    /// An admin removed them (without a ban).
    Removed,
    /// An admin banned them (`until`: `None` for ever).
    Banned {
        /// When the ban ends.
        until: Option<SystemTime>,
    },
    /// A ban was lifted; they are not a member.
    Unbanned,
    /// A member's rights were limited (what they may do).
    Restricted {
        /// Their rights now (Telegram's form: `true` = denied).
        rights: types::ChatBannedRights,
    },
    /// A member's restrictions were lifted.
    Unrestricted,
    /// They became an admin (or the creator).
    Promoted {
        /// Their rights (`None` in basic groups, whose admins have a fixed
        /// set).
        rights: Option<types::ChatAdminRights>,
        /// Their tag, if any.
        rank: Option<String>,
    },
    /// They are no longer an admin.
    Demoted,
    /// An admin's rights, or someone's tag, changed.
    Edited,
    /// They ask to join; an admin decides.
    JoinRequested {
        /// What they wrote.
        about: String,
    },
    /// How many join requests wait, and the latest requesters.
    PendingRequests {
        /// Waiting requests.
        count: u32,
        /// The latest requesters, newest first.
        recent: Vec<i64>,
    },
}

/// A participant's standing, as both update kinds carry it.
#[derive(Clone, Debug, PartialEq)]
enum Standing {
    Out,
    Member,
    Admin(Option<types::ChatAdminRights>, Option<String>),
    Restricted(types::ChatBannedRights),
    Banned(i32),
}

fn channel_standing(p: Option<&enums::ChannelParticipant>) -> Standing {
    use enums::ChannelParticipant as P;
    match p {
        None | Some(P::Left(_)) => Standing::Out,
        Some(P::Creator(c)) => {
            let enums::ChatAdminRights::ChatAdminRights(r) = &c.admin_rights;
            Standing::Admin(Some(r.clone()), c.rank.as_deref().map(str::to_owned))
        }
        Some(P::Admin(a)) => {
            let enums::ChatAdminRights::ChatAdminRights(r) = &a.admin_rights;
            Standing::Admin(Some(r.clone()), a.rank.as_deref().map(str::to_owned))
        }
        Some(P::Banned(b)) => {
            let enums::ChatBannedRights::ChatBannedRights(r) = &b.banned_rights;
            if r.view_messages {
                Standing::Banned(r.until_date)
            } else {
                Standing::Restricted(r.clone())
            }
        }
        Some(P::ChannelParticipant(_) | P::ChannelParticipantSelf(_)) => Standing::Member,
    }
}

fn chat_standing(p: Option<&enums::ChatParticipant>) -> Standing {
    use enums::ChatParticipant as P;
    match p {
        None => Standing::Out,
        Some(P::Creator(c)) => Standing::Admin(None, c.rank.as_deref().map(str::to_owned)),
        Some(P::Admin(a)) => Standing::Admin(None, a.rank.as_deref().map(str::to_owned)),
        Some(P::ChatParticipant(_)) => Standing::Member,
    }
}

fn time(t: i32) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(t).unwrap_or(0))
}

/// What a change from `prev` to `new` is; `None` when nothing a bot would
/// tell apart changed.
fn classify(
    prev: Standing,
    new: Standing,
    actor: i64,
    user: i64,
    invite: Option<&enums::ExportedChatInvite>,
) -> Option<MembershipEventKind> {
    use MembershipEventKind as K;
    use Standing as S;
    let member = |s: &Standing| matches!(s, S::Member | S::Admin(..) | S::Restricted(_));
    Some(match (&prev, &new) {
        (a, b) if a == b => return None,
        (a, b) if !member(a) && member(b) => K::Joined(match invite {
            Some(enums::ExportedChatInvite::ChatInvitePublicJoinRequests) => JoinMethod::Request,
            Some(_) if actor != user => JoinMethod::Request,
            Some(_) => JoinMethod::Link,
            None if actor == user => JoinMethod::Directly,
            None => JoinMethod::Invited,
        }),
        (_, S::Banned(until)) => K::Banned {
            until: (*until > 0).then(|| time(*until)),
        },
        (S::Banned(_), S::Out) => K::Unbanned,
        (_, S::Out) if actor == user => K::Left,
        (_, S::Out) => K::Removed,
        (_, S::Restricted(r)) => K::Restricted { rights: r.clone() },
        (S::Restricted(_), S::Member) => K::Unrestricted,
        (S::Admin(..), S::Admin(..)) => K::Edited,
        (_, S::Admin(rights, rank)) => K::Promoted {
            rights: rights.clone(),
            rank: rank.clone(),
        },
        (S::Admin(..), _) => K::Demoted,
        _ => K::Edited,
    })
}

/// The event an update is, if it is one.
fn event_of(update: &enums::Update) -> Option<MembershipEvent> {
    match update {
        enums::Update::ChannelParticipant(u) => Some(MembershipEvent {
            chat_id: marked_id(PeerKind::Channel, u.channel_id),
            user_id: u.user_id,
            actor_id: u.actor_id,
            date: time(u.date),
            kind: classify(
                channel_standing(u.prev_participant.as_ref()),
                channel_standing(u.new_participant.as_ref()),
                u.actor_id,
                u.user_id,
                u.invite.as_ref(),
            )?,
            invite: u.invite.as_ref().and_then(InviteLink::from_tl),
        }),
        enums::Update::ChatParticipant(u) => Some(MembershipEvent {
            chat_id: marked_id(PeerKind::Chat, u.chat_id),
            user_id: u.user_id,
            actor_id: u.actor_id,
            date: time(u.date),
            kind: classify(
                chat_standing(u.prev_participant.as_ref()),
                chat_standing(u.new_participant.as_ref()),
                u.actor_id,
                u.user_id,
                u.invite.as_ref(),
            )?,
            invite: u.invite.as_ref().and_then(InviteLink::from_tl),
        }),
        enums::Update::BotChatInviteRequester(u) => Some(MembershipEvent {
            chat_id: peer_id(&u.peer),
            user_id: u.user_id,
            actor_id: u.user_id,
            date: time(u.date),
            kind: MembershipEventKind::JoinRequested {
                about: u.about.to_string(),
            },
            invite: InviteLink::from_tl(&u.invite),
        }),
        enums::Update::PendingJoinRequests(u) => Some(MembershipEvent {
            chat_id: peer_id(&u.peer),
            user_id: 0,
            actor_id: 0,
            date: SystemTime::now(),
            kind: MembershipEventKind::PendingRequests {
                count: u32::try_from(u.requests_pending).unwrap_or(0),
                recent: u.recent_requesters.clone(),
            },
            invite: None,
        }),
        _ => None,
    }
}

fn peer_id(p: &enums::Peer) -> i64 {
    match p {
        enums::Peer::User(u) => u.user_id,
        enums::Peer::Chat(c) => marked_id(PeerKind::Chat, c.chat_id),
        enums::Peer::Channel(c) => marked_id(PeerKind::Channel, c.channel_id),
    }
}

/// The update stream, keeping membership events only.
struct Events {
    updates: UpdateStream,
}

impl Listing for Events {
    type Item = Result<MembershipEvent>;

    async fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.updates.next().await {
                Ok(u) => {
                    if let Some(e) = event_of(&u) {
                        return Some(Ok(e));
                    }
                }
                Err(e) => return Some(Err(e.into())),
            }
        }
    }
}

/// Membership events as they happen
/// ([`crate::Membership::membership_events`]): a `futures::Stream` that never
/// ends by itself. Built on the client's update stream, so gaps are filled
/// with `updates.getDifference` (events missed while disconnected come
/// then) and the update state is saved in the session.
pub struct MembershipEvents {
    pager: Pager<Events>,
}

impl MembershipEvents {
    pub(crate) fn new(client: &Client) -> Self {
        Self {
            pager: Pager::new(Events {
                updates: client.updates(),
            }),
        }
    }

    /// Sets the starting point now (the first [`Self::next`] does it
    /// otherwise): events from then on are not missed, however late the
    /// stream is read. With an update state in the session, what happened
    /// since it was saved comes first.
    pub async fn start(&mut self) -> Result<()> {
        match self.pager.listing_mut() {
            Some(events) => Ok(events.updates.catch_up().await?),
            None => Ok(()),
        }
    }

    /// Marks the event returned last as handled now (the next call does it
    /// anyway): the update state is saved once the updates fetched with it
    /// are handled, so a restart does not see it again. Events come at
    /// least once: one returned but not handled before the process ends
    /// comes again (see `UpdateStream`).
    pub fn commit(&mut self) -> Result<()> {
        match self.pager.listing_mut() {
            Some(events) => Ok(events.updates.commit()?),
            None => Ok(()),
        }
    }

    /// The next event (as `StreamExt::next`). Cancel-safe: a call dropped
    /// midway (a `tokio::select!` timeout) keeps its progress in the stream
    /// and loses no event (see `UpdateStream::next`).
    pub async fn next(&mut self) -> Option<Result<MembershipEvent>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for MembershipEvents {
    type Item = Result<MembershipEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.get_mut().pager).poll_next(cx)
    }
}

impl std::fmt::Debug for MembershipEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MembershipEvents").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_told_apart() {
        use MembershipEventKind as K;
        use Standing as S;
        let link = enums::ExportedChatInvite::from(types::ChatInviteExported::default());
        let public = enums::ExportedChatInvite::ChatInvitePublicJoinRequests;
        let cases = [
            (
                S::Out,
                S::Member,
                1,
                1,
                None,
                Some(K::Joined(JoinMethod::Directly)),
            ),
            (
                S::Out,
                S::Member,
                2,
                1,
                None,
                Some(K::Joined(JoinMethod::Invited)),
            ),
            (
                S::Out,
                S::Member,
                1,
                1,
                Some(&link),
                Some(K::Joined(JoinMethod::Link)),
            ),
            (
                S::Out,
                S::Member,
                2,
                1,
                Some(&link),
                Some(K::Joined(JoinMethod::Request)),
            ),
            (
                S::Out,
                S::Member,
                2,
                1,
                Some(&public),
                Some(K::Joined(JoinMethod::Request)),
            ),
            (S::Member, S::Out, 1, 1, None, Some(K::Left)),
            (S::Member, S::Out, 2, 1, None, Some(K::Removed)),
            (
                S::Member,
                S::Banned(0),
                2,
                1,
                None,
                Some(K::Banned { until: None }),
            ),
            (S::Banned(0), S::Out, 2, 1, None, Some(K::Unbanned)),
            (
                S::Restricted(Default::default()),
                S::Member,
                2,
                1,
                None,
                Some(K::Unrestricted),
            ),
            (
                S::Admin(None, None),
                S::Member,
                2,
                1,
                None,
                Some(K::Demoted),
            ),
            (
                S::Admin(None, None),
                S::Admin(None, Some("x".into())),
                2,
                1,
                None,
                Some(K::Edited),
            ),
            (S::Member, S::Member, 2, 1, None, None),
        ];
        for (prev, new, actor, user, invite, want) in cases {
            assert_eq!(
                classify(prev.clone(), new.clone(), actor, user, invite),
                want,
                "{prev:?} -> {new:?} by {actor}"
            );
        }
        assert!(matches!(
            classify(S::Member, S::Admin(None, Some("lead".into())), 2, 1, None),
            Some(K::Promoted { rank: Some(r), .. }) if r == "lead"
        ));
    }
}
