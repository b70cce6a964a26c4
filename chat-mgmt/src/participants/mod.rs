//! `iter_participants` / `get_participants`: [`ParticipantIter`].

mod listing;
mod seen;

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, types};
use futures::Stream;

use crate::lazy::Lazy;
use crate::{BannedRights, Result};
use listing::{Listing, Options};

/// Which participants to list (Telethon's `filter=`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParticipantFilter {
    /// Recently active members (the default listing).
    Recent,
    /// Creator and admins.
    Admins,
    /// Bots.
    Bots,
    /// Kicked (banned from viewing), optionally matching a name.
    Kicked(String),
    /// Restricted members, optionally matching a name.
    Banned(String),
    /// Members matching a name (see the testserver's search semantics).
    Search(String),
    /// Members who are the caller's contacts, optionally matching a name.
    Contacts(String),
    /// Members who can be mentioned, optionally matching a name.
    Mentions(String),
}

/// A participant's role, in channels, supergroups and basic groups alike
/// (basic groups have creators, admins and members only).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Role {
    /// The creator, with a custom title if any.
    Creator {
        /// The custom title.
        rank: Option<String>,
    },
    /// An admin.
    Admin {
        /// Their rights.
        rights: types::ChatAdminRights,
        /// The custom title.
        rank: Option<String>,
        /// Who promoted them.
        promoted_by: Option<i64>,
        /// Whether the caller may edit them.
        can_edit: bool,
    },
    /// A plain member.
    Member,
    /// Restricted: still a member, some rights denied.
    Restricted {
        /// What they may do (true = allowed), and until when
        /// ([`BannedRights::until`]).
        rights: BannedRights,
        /// Who restricted them.
        by: i64,
    },
    /// Banned (kicked): may not view the chat.
    Banned {
        /// What they may do (nothing but what is left true), and until when
        /// ([`BannedRights::until`]).
        rights: BannedRights,
        /// Who banned them.
        by: i64,
    },
}

/// One participant: the user and their role.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Participant {
    /// The user.
    pub user: Box<types::User>,
    /// Their role.
    pub role: Role,
    /// When they joined (or were promoted, restricted, ...), if known.
    pub date: Option<SystemTime>,
    /// Who added them, if known.
    pub inviter: Option<i64>,
    /// Their tag (layer 223): any member's, an admin's title included.
    pub rank: Option<String>,
}

/// A list with the server's total (Telethon's `TotalList`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TotalList<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many there are in all, as the server counts them.
    pub total: usize,
}

fn time(t: i32) -> Option<SystemTime> {
    (t > 0).then(|| UNIX_EPOCH + Duration::from_secs(t as u64))
}

/// The user a `ChannelParticipant` is about (`None` for a banned or departed
/// chat, which `channelParticipantBanned`/`Left` can also name).
pub fn participant_user_id(p: &enums::ChannelParticipant) -> Option<i64> {
    match p {
        enums::ChannelParticipant::ChannelParticipant(p) => Some(p.user_id),
        enums::ChannelParticipant::ChannelParticipantSelf(p) => Some(p.user_id),
        enums::ChannelParticipant::Creator(p) => Some(p.user_id),
        enums::ChannelParticipant::Admin(p) => Some(p.user_id),
        enums::ChannelParticipant::Banned(p) => user_of_peer(&p.peer),
        enums::ChannelParticipant::Left(p) => user_of_peer(&p.peer),
    }
}

fn user_of_peer(p: &enums::Peer) -> Option<i64> {
    match p {
        enums::Peer::User(u) => Some(u.user_id),
        _ => None,
    }
}

/// The tag of a `channelParticipant*`, whatever its role.
pub(crate) fn rank_of(p: &enums::ChannelParticipant) -> Option<String> {
    match p {
        enums::ChannelParticipant::ChannelParticipant(p) => p.rank.as_deref().map(str::to_owned),
        enums::ChannelParticipant::ChannelParticipantSelf(p) => {
            p.rank.as_deref().map(str::to_owned)
        }
        enums::ChannelParticipant::Creator(p) => p.rank.as_deref().map(str::to_owned),
        enums::ChannelParticipant::Admin(p) => p.rank.as_deref().map(str::to_owned),
        enums::ChannelParticipant::Banned(p) => p.rank.as_deref().map(str::to_owned),
        enums::ChannelParticipant::Left(_) => None,
    }
}

/// The user id, role, date and inviter of a `channelParticipant*` (None for
/// entries that are not users or have left).
pub(crate) fn role_of(
    p: &enums::ChannelParticipant,
) -> Option<(i64, Role, Option<SystemTime>, Option<i64>)> {
    Some(match p {
        enums::ChannelParticipant::Creator(c) => (
            c.user_id,
            Role::Creator {
                rank: c.rank.as_deref().map(str::to_owned),
            },
            None,
            None,
        ),
        enums::ChannelParticipant::Admin(a) => {
            let enums::ChatAdminRights::ChatAdminRights(r) = &a.admin_rights;
            (
                a.user_id,
                Role::Admin {
                    rights: r.clone(),
                    rank: a.rank.as_deref().map(str::to_owned),
                    promoted_by: Some(a.promoted_by),
                    can_edit: a.can_edit,
                },
                time(a.date),
                a.inviter_id,
            )
        }
        enums::ChannelParticipant::ChannelParticipant(m) => {
            (m.user_id, Role::Member, time(m.date), None)
        }
        enums::ChannelParticipant::ChannelParticipantSelf(m) => {
            (m.user_id, Role::Member, time(m.date), Some(m.inviter_id))
        }
        enums::ChannelParticipant::Banned(b) => {
            let enums::Peer::User(u) = &b.peer else {
                return None;
            };
            let enums::ChatBannedRights::ChatBannedRights(r) = &b.banned_rights;
            let rights = BannedRights::from(r);
            let role = if r.view_messages {
                Role::Banned {
                    rights,
                    by: b.kicked_by,
                }
            } else {
                Role::Restricted {
                    rights,
                    by: b.kicked_by,
                }
            };
            (u.user_id, role, time(b.date), None)
        }
        enums::ChannelParticipant::Left(_) => return None,
    })
}

fn tl_filter(f: &ParticipantFilter, search: &str) -> enums::ChannelParticipantsFilter {
    use enums::ChannelParticipantsFilter as F;
    // A filter's own query wins; without one, the listing's search applies
    // (Telethon searches client-side there and stops at the first page
    // without a match).
    let q = |own: &String| {
        if own.is_empty() {
            search.to_owned()
        } else {
            own.clone()
        }
    };
    match f {
        ParticipantFilter::Recent if search.is_empty() => F::ChannelParticipantsRecent,
        ParticipantFilter::Recent => F::from(types::ChannelParticipantsSearch { q: search.into() }),
        ParticipantFilter::Admins => F::ChannelParticipantsAdmins,
        ParticipantFilter::Bots => F::ChannelParticipantsBots,
        ParticipantFilter::Kicked(own) => {
            F::from(types::ChannelParticipantsKicked { q: q(own).into() })
        }
        ParticipantFilter::Banned(own) => {
            F::from(types::ChannelParticipantsBanned { q: q(own).into() })
        }
        ParticipantFilter::Search(own) => {
            F::from(types::ChannelParticipantsSearch { q: q(own).into() })
        }
        ParticipantFilter::Contacts(own) => {
            F::from(types::ChannelParticipantsContacts { q: q(own).into() })
        }
        ParticipantFilter::Mentions(own) => F::from(types::ChannelParticipantsMentions {
            q: Some(q(own).into()),
            top_msg_id: None,
        }),
    }
}

/// Client-side search where the server has none (basic groups, users): a
/// case-insensitive substring of the full name or the username, as Telethon.
fn matches_query(user: &types::User, query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let q = query.to_lowercase();
    let name = format!(
        "{} {}",
        user.first_name.as_deref().unwrap_or(""),
        user.last_name.as_deref().unwrap_or("")
    )
    .to_lowercase();
    name.contains(&q)
        || user
            .username
            .as_deref()
            .is_some_and(|u| u.to_lowercase().contains(&q))
}

/// A participant listing (Telethon's `iter_participants`): a builder for its
/// options, then a `futures::Stream` of `Result<Participant>` when polled
/// (`TryStreamExt::try_next`), or, awaited, the whole list with its total
/// (Telethon's `get_participants`):
///
/// ```no_run
/// # use ferrogram_chat_mgmt::{ChatManagement, ParticipantFilter};
/// # async fn demo(client: ferrogram_client::Client) -> ferrogram_chat_mgmt::Result<()> {
/// use futures::TryStreamExt;
/// let mut it = client.iter_participants("@my_group").search("john").limit(50);
/// while let Some(p) = it.try_next().await? {
///     println!("{:?}", p.user.first_name);
/// }
/// let admins = client.get_participants("@my_group").filter(ParticipantFilter::Admins).await?;
/// println!("{} admins", admins.total);
/// # Ok(()) }
/// ```
///
/// Supergroups and channels page through `channels.getParticipants`
/// (`channelParticipantsRecent` for the plain listing, as Telegram's own apps
/// do, where Telethon asks `channelParticipantsSearch("")`); basic groups come
/// in one `messages.getFullChat`, filtered and searched here; a user lists
/// themselves.
///
/// **Total**: how many participants the listing matches, as the server
/// counts them: for the plain listing the chat's members, with a filter or a
/// search the matches (in basic groups counted here). Telethon reports the
/// chat's member count even for a filtered listing (with an extra request);
/// `iter_participants(chat).limit(0)` gives that count here.
///
/// **Paging**: each page asks for what is still wanted (`limit(250)` asks
/// 200 then 50; `limit(10)` asks 10). A listing ends at an empty page, or at
/// a page shorter than asked once the server's count is reached: Telegram's
/// `count` can be approximate in big chats, so a full page never ends the
/// listing (Telethon pages until an empty page, one request more in every
/// chat).
///
/// Options are read when the first item is asked for.
#[must_use = "a listing does nothing until polled or awaited"]
pub struct ParticipantIter {
    lazy: Lazy<Listing>,
    options: Options,
    total: Option<usize>,
    seen_bytes: usize,
}

impl ParticipantIter {
    pub(crate) fn new(client: Client, chat: PeerRef) -> Self {
        Self {
            lazy: Lazy::Waiting(client, chat),
            options: Options::default(),
            total: None,
            seen_bytes: 0,
        }
    }

    /// At most `n` participants. `limit(0)` yields none but still fetches
    /// the total (Telethon's `limit=0`): the chat's member count.
    pub fn limit(mut self, n: usize) -> Self {
        self.options.limit = Some(n);
        self
    }

    /// Only participants matching `s` (a name prefix, as the server searches;
    /// a case-insensitive substring of the name or username where this crate
    /// searches itself: basic groups, and the filters that take no query).
    pub fn search(mut self, s: impl Into<String>) -> Self {
        self.options.search = s.into();
        self
    }

    /// Which participants (default: recent members).
    pub fn filter(mut self, f: ParticipantFilter) -> Self {
        self.options.filter = f;
        self
    }

    /// Participants per request, 1..=200 (default 200).
    pub fn chunk_size(mut self, n: i32) -> Self {
        self.options.chunk_size = n.clamp(1, 200);
        self
    }

    /// Gets past the server's 10,000-member listing cap by searching name
    /// prefixes, one letter deeper wherever a prefix is still capped (Telethon's
    /// `aggressive=True`, which has done nothing since 1.25.1: this one works).
    /// Each member is yielded once.
    ///
    /// How: the plain listing first; then, only if members are still missing,
    /// one search per first letter of the names seen; a capped prefix is
    /// extended by the letters its matches continue with ("mü" after "m"),
    /// and, while members are still missing once the queue is empty, by every
    /// letter seen anywhere. It stops as soon as every member the server
    /// counts has been found. Requests are paced (see [`Self::pace`]) and
    /// FLOOD_WAITs slept through or resumable.
    ///
    /// A member without a username whose every name word is shared by more
    /// members than one search returns (1,000 on Telegram and testserver)
    /// cannot be reached by any search; compare the count yielded with
    /// [`Self::total`] to know.
    pub fn aggressive(mut self, yes: bool) -> Self {
        self.options.aggressive = yes;
        self
    }

    /// The pause between requests in aggressive mode (default 50 ms), to stay
    /// under flood limits; FLOOD_WAITs under the client's threshold are slept
    /// through anyway.
    pub fn pace(mut self, pause: Duration) -> Self {
        self.options.pace = pause;
        self
    }

    /// The total (see the type's doc for what it counts), once the first page
    /// is in.
    pub fn total(&self) -> Option<usize> {
        self.total
    }

    /// Heap bytes of the set of ids already yielded (about 8 per member),
    /// what the listing keeps besides one chunk.
    pub fn seen_bytes(&self) -> usize {
        self.seen_bytes
    }

    /// The next participant (as `StreamExt::next`). After an
    /// [`crate::Error::FloodWait`] (one longer than the client's
    /// `flood_sleep_threshold`; shorter ones are slept through), the listing
    /// can be resumed by asking again once the wait is over: no member is lost
    /// or repeated. Any other error ends the listing.
    pub async fn next(&mut self) -> Option<Result<Participant>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    async fn collect_all(mut self) -> Result<TotalList<Participant>> {
        let mut items = Vec::new();
        while let Some(p) = self.next().await {
            items.push(p?);
        }
        let total = self.total.unwrap_or(items.len());
        Ok(TotalList { items, total })
    }
}

impl Stream for ParticipantIter {
    type Item = Result<Participant>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let opts = &this.options;
        let item = this
            .lazy
            .poll_next(cx, |client, chat| Listing::new(client, chat, opts.clone()));
        if let Some(l) = this.lazy.listing() {
            this.total = l.total;
            this.seen_bytes = l.seen_bytes();
        }
        item
    }
}

impl IntoFuture for ParticipantIter {
    type Output = Result<TotalList<Participant>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    /// Every participant the options select, with the total (Telethon's
    /// `get_participants`).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.collect_all())
    }
}

impl std::fmt::Debug for ParticipantIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParticipantIter")
            .field("options", &self.options)
            .field("started", &self.lazy.started())
            .field("total", &self.total)
            .finish()
    }
}
