//! `iter_participants` / `get_participants`.

use std::collections::{BTreeSet, HashSet, VecDeque};

/// The ids already yielded, in about 8 bytes per member: a sorted vector
/// (grown exactly) plus a small hash set of recent ids merged into it every
/// [`SeenIds::BATCH`] inserts. A plain `HashSet<i64>` costs 10 to 21 bytes
/// per member depending on where it is in its growth.
#[derive(Debug, Default)]
struct SeenIds {
    sorted: Vec<i64>,
    recent: HashSet<i64>,
}

impl SeenIds {
    const BATCH: usize = 4096;

    /// Adds `id`; false if it was there already.
    fn insert(&mut self, id: i64) -> bool {
        if self.sorted.binary_search(&id).is_ok() || !self.recent.insert(id) {
            return false;
        }
        if self.recent.len() >= Self::BATCH {
            let mut batch: Vec<i64> = self.recent.drain().collect();
            batch.sort_unstable();
            let mut merged = Vec::with_capacity(self.sorted.len() + batch.len());
            let (mut a, mut b) = (self.sorted.iter().peekable(), batch.iter().peekable());
            while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                if x < y {
                    merged.push(*a.next().expect("peeked"));
                } else {
                    merged.push(*b.next().expect("peeked"));
                }
            }
            merged.extend(a);
            merged.extend(b);
            self.sorted = merged;
        }
        true
    }

    fn len(&self) -> usize {
        self.sorted.len() + self.recent.len()
    }

    /// Heap bytes held (for the memory benchmark and tests).
    fn heap_bytes(&self) -> usize {
        self.sorted.capacity() * 8 + self.recent.capacity() * 9
    }
}
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use crate::Result;
use crate::target::{Target, full_chat};

/// Which participants to list (Telethon's `filter=`).
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// A participant's role.
#[derive(Clone, Debug, PartialEq)]
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
        /// What is denied.
        rights: types::ChatBannedRights,
        /// Until when (None: forever).
        until: Option<SystemTime>,
        /// Who restricted them.
        by: i64,
    },
    /// Banned (kicked): may not view the chat.
    Banned {
        /// What is denied.
        rights: types::ChatBannedRights,
        /// Until when (None: forever).
        until: Option<SystemTime>,
        /// Who banned them.
        by: i64,
    },
}

/// One participant: the user and their role.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    /// The user.
    pub user: types::User,
    /// Their role.
    pub role: Role,
    /// When they joined (or were promoted, restricted, ...), if known.
    pub date: Option<SystemTime>,
    /// Who added them, if known.
    pub inviter: Option<i64>,
}

/// A list with the server's total (Telethon's `TotalList`).
#[derive(Clone, Debug, PartialEq)]
pub struct TotalList<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many there are in all, as the server counts them.
    pub total: usize,
}

fn time(t: i32) -> Option<SystemTime> {
    (t > 0).then(|| UNIX_EPOCH + Duration::from_secs(t as u64))
}

/// The role and date of a `channelParticipant*`, and its user id (None for
/// entries that are not users or have left).
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

pub(crate) fn role_of(
    p: &enums::ChannelParticipant,
) -> Option<(i64, Role, Option<SystemTime>, Option<i64>)> {
    Some(match p {
        enums::ChannelParticipant::Creator(c) => (
            c.user_id,
            Role::Creator {
                rank: c.rank.clone(),
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
                    rank: a.rank.clone(),
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
            let until = time(r.until_date);
            let role = if r.view_messages {
                Role::Banned {
                    rights: r.clone(),
                    until,
                    by: b.kicked_by,
                }
            } else {
                Role::Restricted {
                    rights: r.clone(),
                    until,
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
        ParticipantFilter::Kicked(own) => F::from(types::ChannelParticipantsKicked { q: q(own) }),
        ParticipantFilter::Banned(own) => F::from(types::ChannelParticipantsBanned { q: q(own) }),
        ParticipantFilter::Search(own) => F::from(types::ChannelParticipantsSearch { q: q(own) }),
        ParticipantFilter::Contacts(own) => {
            F::from(types::ChannelParticipantsContacts { q: q(own) })
        }
        ParticipantFilter::Mentions(own) => F::from(types::ChannelParticipantsMentions {
            q: Some(q(own)),
            top_msg_id: None,
        }),
    }
}

/// Builds and runs a participant listing; see [`crate::ChatManagement::iter_participants`].
#[derive(Debug)]
pub struct ParticipantIter {
    client: Client,
    chat: PeerRef,
    limit: Option<usize>,
    search: String,
    filter: ParticipantFilter,
    chunk_size: i32,
    aggressive: bool,
    pace: Duration,
    // Running state.
    started: bool,
    channel: Option<enums::InputChannel>,
    buffer: VecDeque<Participant>,
    seen: SeenIds,
    yielded: usize,
    total: Option<usize>,
    /// Queries still to run: (query, offset). The empty query is the plain listing.
    queries: VecDeque<(String, i32)>,
    /// Prefixes already queued.
    queued: BTreeSet<String>,
    /// Every character seen in members' names (lower case), the alphabet of
    /// deeper prefixes.
    letters: BTreeSet<char>,
    /// Prefixes the server capped.
    capped: HashSet<String>,
    /// Characters that follow the query in progress in its matches' words.
    next_chars: BTreeSet<char>,
    /// How many capped prefixes the exhaustive phase has covered.
    exhaustive_at: usize,
    done: bool,
}

/// The characters aggressive mode starts with; letters of other scripts are
/// added as members' names show them.
const START_ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

impl ParticipantIter {
    pub(crate) fn new(client: Client, chat: PeerRef) -> Self {
        Self {
            client,
            chat,
            limit: None,
            search: String::new(),
            filter: ParticipantFilter::Recent,
            chunk_size: 200,
            aggressive: false,
            pace: Duration::from_millis(50),
            started: false,
            channel: None,
            buffer: VecDeque::new(),
            seen: SeenIds::default(),
            yielded: 0,
            total: None,
            queries: VecDeque::new(),
            queued: BTreeSet::new(),
            letters: START_ALPHABET.chars().collect(),
            capped: HashSet::new(),
            next_chars: BTreeSet::new(),
            exhaustive_at: 0,
            done: false,
        }
    }

    /// At most `n` participants.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Only participants matching `s` (a name prefix, as the server searches).
    pub fn search(mut self, s: impl Into<String>) -> Self {
        self.search = s.into();
        self
    }

    /// Which participants (default: recent members).
    pub fn filter(mut self, f: ParticipantFilter) -> Self {
        self.filter = f;
        self
    }

    /// Participants per request, 1..=200 (default 200).
    pub fn chunk_size(mut self, n: i32) -> Self {
        self.chunk_size = n.clamp(1, 200);
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
        self.aggressive = yes;
        self
    }

    /// The pause between requests in aggressive mode (default 50 ms), to stay
    /// under flood limits; FLOOD_WAITs under the client's threshold are slept
    /// through anyway.
    pub fn pace(mut self, pause: Duration) -> Self {
        self.pace = pause;
        self
    }

    /// The total, once the first page is in.
    pub fn total(&self) -> Option<usize> {
        self.total
    }

    /// Heap bytes of the set of ids already yielded (about 8 per member),
    /// what the listing keeps besides one chunk.
    pub fn seen_bytes(&self) -> usize {
        self.seen.heap_bytes()
    }

    /// The next participant. After an [`crate::Error::FloodWait`] (one longer
    /// than the client's `flood_sleep_threshold`; shorter ones are slept
    /// through), the listing can be resumed by calling `next()` again once
    /// the wait is over: no member is lost or repeated.
    pub async fn next(&mut self) -> Option<Result<Participant>> {
        if self.limit == Some(0) && !self.started {
            // Nothing to yield, but the total is still fetched (Telethon's
            // `limit=0`).
            if let Err(e) = self.fill().await {
                self.done = true;
                return Some(Err(e));
            }
        }
        loop {
            if self.limit.is_some_and(|l| self.yielded >= l) {
                return None;
            }
            if let Some(p) = self.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(p));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fill().await {
                // A FLOOD_WAIT longer than the client sleeps through leaves
                // the listing resumable: wait, then call `next()` again.
                self.done = !matches!(e, crate::Error::FloodWait { .. });
                return Some(Err(e));
            }
        }
    }

    /// Collects everything into a [`TotalList`].
    pub async fn collect(mut self) -> Result<TotalList<Participant>> {
        let mut items = Vec::new();
        while let Some(p) = self.next().await {
            items.push(p?);
        }
        let total = self.total.unwrap_or(items.len());
        Ok(TotalList { items, total })
    }

    /// The listing as a `futures::Stream`.
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<Participant>> {
        futures::stream::unfold(
            self,
            |mut it| async move { it.next().await.map(|p| (p, it)) },
        )
    }

    /// A basic group: one `messages.getFullChat`, filtered and searched here.
    async fn fill_basic_group(&mut self, chat_id: i64) -> Result<()> {
        self.done = true;
        let (full, _, users) = full_chat(&self.client, chat_id).await?;
        let enums::ChatParticipants::ChatParticipants(list) = full.participants else {
            // chatParticipantsForbidden: not visible to the caller.
            self.total = Some(0);
            return Ok(());
        };
        let users: std::collections::HashMap<i64, types::User> = users
            .into_iter()
            .filter_map(|u| match u {
                enums::User::User(u) => Some((u.id, *u)),
                enums::User::Empty(_) => None,
            })
            .collect();
        self.total = Some(list.participants.len());
        let query = match &self.filter {
            ParticipantFilter::Recent => self.search.clone(),
            ParticipantFilter::Search(q)
            | ParticipantFilter::Kicked(q)
            | ParticipantFilter::Banned(q)
            | ParticipantFilter::Contacts(q)
            | ParticipantFilter::Mentions(q) => {
                if q.is_empty() {
                    self.search.clone()
                } else {
                    q.clone()
                }
            }
            ParticipantFilter::Admins | ParticipantFilter::Bots => self.search.clone(),
        };
        for p in &list.participants {
            let (id, role, date, inviter) = match p {
                enums::ChatParticipant::Creator(c) => (
                    c.user_id,
                    Role::Creator {
                        rank: c.rank.clone(),
                    },
                    None,
                    None,
                ),
                enums::ChatParticipant::Admin(a) => (
                    a.user_id,
                    Role::Admin {
                        rights: types::ChatAdminRights {
                            change_info: true,
                            delete_messages: true,
                            ban_users: true,
                            invite_users: true,
                            pin_messages: true,
                            manage_call: true,
                            ..types::ChatAdminRights::default()
                        },
                        rank: a.rank.clone(),
                        promoted_by: None,
                        can_edit: false,
                    },
                    time(a.date),
                    Some(a.inviter_id),
                ),
                enums::ChatParticipant::ChatParticipant(m) => {
                    (m.user_id, Role::Member, time(m.date), Some(m.inviter_id))
                }
            };
            let Some(user) = users.get(&id) else {
                continue;
            };
            let keep = match &self.filter {
                ParticipantFilter::Admins => !matches!(role, Role::Member),
                ParticipantFilter::Bots => user.bot,
                // Basic groups have no restricted or banned members.
                ParticipantFilter::Kicked(_) | ParticipantFilter::Banned(_) => false,
                ParticipantFilter::Contacts(_) => user.contact,
                _ => true,
            } && matches_query(user, &query);
            if keep && self.seen.insert(id) {
                self.buffer.push_back(Participant {
                    user: user.clone(),
                    role,
                    date,
                    inviter,
                });
            }
        }
        Ok(())
    }

    /// A user: themselves, total 1 (as Telethon).
    async fn fill_user(&mut self, user: enums::InputUser) -> Result<()> {
        self.done = true;
        self.total = Some(1);
        let users = self
            .client
            .invoke(&functions::users::GetUsers { id: vec![user] })
            .await?;
        if let Some(enums::User::User(u)) = users.into_iter().next() {
            if matches_query(&u, &self.search) {
                self.buffer.push_back(Participant {
                    user: *u,
                    role: Role::Member,
                    date: None,
                    inviter: None,
                });
            }
        }
        Ok(())
    }

    /// Aggressive mode learns from every member seen: the first letter of
    /// each word starts a top-level query (without a search); a word that
    /// extends a capped prefix queues that prefix one letter deeper ("mü" for
    /// a capped "m"); and every character, wherever it is, joins the alphabet
    /// of the exhaustive second phase.
    fn learn_letters(&mut self, user: &types::User) {
        let words: Vec<String> = [
            user.first_name.as_deref(),
            user.last_name.as_deref(),
            user.username.as_deref(),
        ]
        .into_iter()
        .flatten()
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect();
        for word in words {
            if self.search.is_empty() {
                if let Some(c) = word.chars().next() {
                    self.enqueue(c.to_string());
                }
            }
            self.letters.extend(word.chars());
            if self.capped.is_empty() {
                continue;
            }
            for (at, c) in word.char_indices().skip(1) {
                if self.capped.contains(&word[..at]) {
                    self.enqueue(format!("{}{c}", &word[..at]));
                }
            }
        }
    }

    /// Characters following `q` in the words of a page's users.
    fn note_continuations(&mut self, q: &str, users: &[enums::User]) {
        let q: String = q.to_lowercase();
        for u in users {
            let enums::User::User(u) = u else { continue };
            for word in [
                u.first_name.as_deref(),
                u.last_name.as_deref(),
                u.username.as_deref(),
            ]
            .into_iter()
            .flatten()
            .flat_map(str::split_whitespace)
            {
                let word = word.to_lowercase();
                if let Some(rest) = word.strip_prefix(q.as_str()) {
                    if let Some(c) = rest.chars().next() {
                        self.next_chars.insert(c);
                    }
                }
            }
        }
    }

    fn enqueue(&mut self, q: String) {
        if self.queued.insert(q.clone()) {
            self.queries.push_back((q, 0));
        }
    }

    async fn fill(&mut self) -> Result<()> {
        if !self.started {
            self.started = true;
            match Target::resolve(&self.client, self.chat.clone()).await? {
                Target::Channel { channel, .. } => self.channel = Some(channel),
                Target::Chat { chat_id, .. } => return self.fill_basic_group(chat_id).await,
                Target::User { user, .. } => return self.fill_user(user).await,
            }
            if self.limit == Some(0) {
                // Only the total (Telethon's `limit=0`).
                let enums::messages::ChatFull::ChatFull(full) = self
                    .client
                    .invoke(&functions::channels::GetFullChannel {
                        channel: self.channel.clone().expect("resolved"),
                    })
                    .await?;
                if let enums::ChatFull::ChannelFull(c) = &full.full_chat {
                    self.total = Some(c.participants_count.unwrap_or(0).max(0) as usize);
                }
                self.done = true;
                return Ok(());
            }
            if self.filter != ParticipantFilter::Recent {
                // Only the plain listing is capped; other filters are complete.
                self.aggressive = false;
            }
            let first = self.search.clone();
            self.queued.insert(first.clone());
            self.queries.push_back((first, 0));
        }
        if self.aggressive && self.total.is_some_and(|t| self.seen.len() >= t) {
            // Every member the server counts has been found: no more searches.
            self.queries.clear();
        }
        if self.queries.is_empty()
            && self.aggressive
            && self.capped.len() > self.exhaustive_at
            && self.total.is_some_and(|t| self.seen.len() < t)
        {
            // Exhaustive phase: some members are still missing; every capped
            // prefix, one deeper with every letter seen anywhere (repeated if
            // it caps more prefixes).
            self.exhaustive_at = self.capped.len();
            let capped: Vec<String> = self.capped.iter().cloned().collect();
            let letters: Vec<char> = self.letters.iter().copied().collect();
            for p in capped {
                for &c in &letters {
                    self.enqueue(format!("{p}{c}"));
                }
            }
        }
        let Some((q, offset)) = self.queries.pop_front() else {
            self.done = true;
            return Ok(());
        };
        if self.aggressive && offset == 0 && !self.pace.is_zero() && self.total.is_some() {
            tokio::time::sleep(self.pace).await;
        }
        let filter = if self.aggressive && !q.is_empty() {
            ParticipantFilter::Search(q.clone())
        } else {
            self.filter.clone()
        };
        let request = functions::channels::GetParticipants {
            channel: self.channel.clone().expect("resolved"),
            filter: tl_filter(&filter, if self.aggressive { "" } else { &q }),
            offset,
            limit: self.chunk_size,
            hash: 0,
        };
        let page = match self.client.invoke(&request).await {
            Ok(enums::channels::ChannelParticipants::ChannelParticipants(page)) => page,
            Ok(enums::channels::ChannelParticipants::NotModified) => return Ok(()),
            Err(e) => {
                // Keep the query, so that `next()` after a long FLOOD_WAIT
                // resumes exactly here.
                self.queries.push_front((q, offset));
                return Err(e.into());
            }
        };
        self.total.get_or_insert(page.count as usize);
        let got = page.participants.len();
        if self.aggressive && !q.is_empty() {
            if offset == 0 {
                self.next_chars.clear();
            }
            self.note_continuations(&q, &page.users);
        }
        for p in &page.participants {
            let Some((id, role, date, inviter)) = role_of(p) else {
                continue;
            };
            if !self.seen.insert(id) {
                continue;
            }
            let Some(enums::User::User(user)) = page
                .users
                .iter()
                .find(|u| matches!(u, enums::User::User(u) if u.id == id))
                .cloned()
            else {
                continue;
            };
            if matches!(
                self.filter,
                ParticipantFilter::Admins | ParticipantFilter::Bots
            ) && !matches_query(&user, &self.search)
            {
                // These filters take no query: search here.
                continue;
            }
            if self.aggressive {
                self.learn_letters(&user);
            }
            self.buffer.push_back(Participant {
                user: *user,
                role,
                date,
                inviter,
            });
        }
        let next = offset + got as i32;
        if got > 0 && (next as usize) < page.count as usize {
            // More pages of this query: continue it first.
            self.queries.push_front((q, next));
        } else if self.aggressive {
            if q.is_empty() {
                for c in START_ALPHABET.chars() {
                    self.enqueue(c.to_string());
                }
            } else if q == self.search && offset == 0 && got == 0 {
                // Nothing matches the search at all.
            } else if (next as usize) < page.count as usize
                || (got == 0 && page.count as usize > offset as usize)
            {
                // Capped: the server knows more matches than it gives; go one
                // letter deeper, with the letters its matches continue with.
                self.capped.insert(q.clone());
                let next: Vec<char> = self.next_chars.iter().copied().collect();
                for c in next {
                    self.enqueue(format!("{q}{c}"));
                }
            }
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::SeenIds;

    #[test]
    fn seen_ids_are_exact_and_compact() {
        let mut seen = SeenIds::default();
        let ids: Vec<i64> = (0..100_000i64).map(|i| (i * 7_919) % 1_000_003).collect();
        for &id in &ids {
            assert!(seen.insert(id));
        }
        for &id in ids.iter().step_by(97) {
            assert!(!seen.insert(id), "{id} again");
        }
        assert_eq!(seen.len(), ids.len());
        assert!(!seen.insert(ids[99_999]));
        let per_member = seen.heap_bytes() as f64 / ids.len() as f64;
        assert!(per_member <= 16.0, "{per_member} bytes per member");
    }
}
