//! The state machine behind [`super::ParticipantIter`]: pages, the ids
//! already yielded, and aggressive mode's prefix queue.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions, types};

use super::seen::SeenIds;
use super::{Participant, ParticipantFilter, Role, matches_query, role_of, time, tl_filter};
use crate::Result;
use crate::target::{Target, full_chat};

/// A listing's options (set by [`super::ParticipantIter`]'s builder).
#[derive(Clone, Debug)]
pub(super) struct Options {
    pub(super) limit: Option<usize>,
    pub(super) search: String,
    pub(super) filter: ParticipantFilter,
    pub(super) chunk_size: i32,
    pub(super) aggressive: bool,
    pub(super) pace: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            limit: None,
            search: String::new(),
            filter: ParticipantFilter::Recent,
            chunk_size: 200,
            aggressive: false,
            pace: Duration::from_millis(50),
        }
    }
}

/// A running participant listing.
pub(super) struct Listing {
    client: Client,
    chat: PeerRef,
    opts: Options,
    started: bool,
    channel: Option<enums::InputChannel>,
    buffer: VecDeque<Participant>,
    seen: SeenIds,
    yielded: usize,
    pub(super) total: Option<usize>,
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
    /// How many members had been found when the last exhaustive round
    /// started: a round that finds nobody new is the last.
    exhaustive_seen: Option<usize>,
    done: bool,
}

/// The characters aggressive mode starts with; letters of other scripts are
/// added as members' names show them.
const START_ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

impl ferrogram_client::Listing for Listing {
    type Item = Result<Participant>;

    async fn next(&mut self) -> Option<Result<Participant>> {
        if self.opts.limit == Some(0) && !self.started {
            // Nothing to yield, but the total is still fetched (Telethon's
            // `limit=0`).
            if let Err(e) = self.fill().await {
                self.done = true;
                return Some(Err(e));
            }
        }
        loop {
            if self.opts.limit.is_some_and(|l| self.yielded >= l) {
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
                // the listing resumable: wait, then ask again.
                self.done = !matches!(e, crate::Error::FloodWait { .. });
                return Some(Err(e));
            }
        }
    }
}

impl Listing {
    pub(super) fn new(client: Client, chat: PeerRef, opts: Options) -> Self {
        Self {
            client,
            chat,
            opts,
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
            exhaustive_seen: None,
            done: false,
        }
    }

    pub(super) fn seen_bytes(&self) -> usize {
        self.seen.heap_bytes()
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
        let users: HashMap<i64, types::User> = users
            .into_iter()
            .filter_map(|u| match u {
                enums::User::User(u) => Some((u.id, *u)),
                enums::User::Empty(_) => None,
            })
            .collect();
        let query = match &self.opts.filter {
            ParticipantFilter::Recent => self.opts.search.clone(),
            ParticipantFilter::Search(q)
            | ParticipantFilter::Kicked(q)
            | ParticipantFilter::Banned(q)
            | ParticipantFilter::Contacts(q)
            | ParticipantFilter::Mentions(q) => {
                if q.is_empty() {
                    self.opts.search.clone()
                } else {
                    q.clone()
                }
            }
            ParticipantFilter::Admins | ParticipantFilter::Bots => self.opts.search.clone(),
        };
        for p in &list.participants {
            let rank = match p {
                enums::ChatParticipant::Creator(c) => c.rank.clone(),
                enums::ChatParticipant::Admin(a) => a.rank.clone(),
                enums::ChatParticipant::ChatParticipant(m) => m.rank.clone(),
            };
            let (id, role, date, inviter) = match p {
                enums::ChatParticipant::Creator(c) => (
                    c.user_id,
                    Role::Creator {
                        rank: c.rank.as_deref().map(str::to_owned),
                    },
                    None,
                    None,
                ),
                enums::ChatParticipant::Admin(a) => (
                    a.user_id,
                    Role::Admin {
                        rights: crate::rights::basic_group_admin_rights(),
                        rank: a.rank.as_deref().map(str::to_owned),
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
            let keep = match &self.opts.filter {
                ParticipantFilter::Admins => !matches!(role, Role::Member),
                ParticipantFilter::Bots => user.bot,
                // Basic groups have no restricted or banned members.
                ParticipantFilter::Kicked(_) | ParticipantFilter::Banned(_) => false,
                ParticipantFilter::Contacts(_) => user.contact,
                _ => true,
            } && matches_query(user, &query);
            if keep && self.seen.insert(id) {
                self.buffer.push_back(Participant {
                    user: Box::new(user.clone()),
                    role,
                    date,
                    inviter,
                    rank: rank.map(String::from),
                });
            }
        }
        // The matches, counted here (the server does not filter basic groups).
        self.total = Some(self.buffer.len());
        Ok(())
    }

    /// `limit(0)`: only the total. The plain listing's is the chat's member
    /// count (`channels.getFullChannel`, as Telethon); a filtered or
    /// searched one's is the server's count of its matches (one
    /// `channels.getParticipants` asking for a single participant).
    async fn fill_total_only(&mut self) -> Result<()> {
        self.done = true;
        let Some(channel) = self.channel.clone() else {
            return Ok(());
        };
        if self.opts.filter == ParticipantFilter::Recent && self.opts.search.is_empty() {
            let enums::messages::ChatFull::ChatFull(full) = self
                .client
                .invoke(&functions::channels::GetFullChannel { channel })
                .await?;
            if let enums::ChatFull::ChannelFull(c) = &full.full_chat {
                self.total = Some(c.participants_count.unwrap_or(0).max(0) as usize);
            }
            return Ok(());
        }
        let page = self
            .client
            .invoke(&functions::channels::GetParticipants {
                channel,
                filter: tl_filter(&self.opts.filter, &self.opts.search),
                offset: 0,
                limit: 1,
                hash: 0,
            })
            .await?;
        if let enums::channels::ChannelParticipants::ChannelParticipants(page) = page {
            self.total = Some(page.count.max(0) as usize);
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
        if let Some(enums::User::User(u)) = users.into_iter().next()
            && matches_query(&u, &self.opts.search)
        {
            self.buffer.push_back(Participant {
                user: u,
                role: Role::Member,
                date: None,
                inviter: None,
                rank: None,
            });
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
            if self.opts.search.is_empty()
                && let Some(c) = word.chars().next()
            {
                self.enqueue(c.to_string());
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
                if let Some(rest) = word.strip_prefix(q.as_str())
                    && let Some(c) = rest.chars().next()
                {
                    self.next_chars.insert(c);
                }
            }
        }
    }

    fn enqueue(&mut self, q: String) {
        if self.queued.insert(q.clone()) {
            self.queries.push_back((q, 0));
        }
    }

    /// The first call: resolves the chat; basic groups and users are filled
    /// at once (true: nothing more to do), channels queue their first query.
    async fn start(&mut self) -> Result<bool> {
        self.started = true;
        match Target::resolve(&self.client, self.chat.clone()).await? {
            Target::Channel { channel, .. } => self.channel = Some(channel),
            Target::Chat { chat_id, .. } => {
                return self.fill_basic_group(chat_id).await.map(|_| true);
            }
            Target::User { user, .. } => return self.fill_user(user).await.map(|_| true),
        }
        if self.opts.limit == Some(0) {
            return self.fill_total_only().await.map(|_| true);
        }
        if self.opts.filter != ParticipantFilter::Recent {
            // Only the plain listing is capped; other filters are complete.
            self.opts.aggressive = false;
        }
        let first = self.opts.search.clone();
        self.queued.insert(first.clone());
        self.queries.push_back((first, 0));
        Ok(false)
    }

    /// Aggressive mode between queries: stops once every member the server
    /// counts is found, and, with the queue empty and members still missing,
    /// queues every capped prefix one letter deeper (the exhaustive phase),
    /// again only while the previous round found someone: members no search
    /// reaches (see [`super::ParticipantIter::aggressive`]) end the listing
    /// instead of keeping it searching.
    fn plan_aggressive(&mut self) {
        if self.total.is_some_and(|t| self.seen.len() >= t) {
            self.queries.clear();
        }
        if self.queries.is_empty()
            && self.capped.len() > self.exhaustive_at
            && self.total.is_some_and(|t| self.seen.len() < t)
            && self.exhaustive_seen.is_none_or(|at| self.seen.len() > at)
        {
            self.exhaustive_at = self.capped.len();
            self.exhaustive_seen = Some(self.seen.len());
            let capped: Vec<String> = self.capped.iter().cloned().collect();
            let letters: Vec<char> = self.letters.iter().copied().collect();
            for p in capped {
                for &c in &letters {
                    self.enqueue(format!("{p}{c}"));
                }
            }
        }
    }

    async fn fill(&mut self) -> Result<()> {
        if !self.started && self.start().await? {
            return Ok(());
        }
        if self.opts.aggressive {
            self.plan_aggressive();
        }
        let Some((q, offset)) = self.queries.pop_front() else {
            self.done = true;
            return Ok(());
        };
        if self.opts.aggressive && offset == 0 && !self.opts.pace.is_zero() && self.total.is_some()
        {
            tokio::time::sleep(self.opts.pace).await;
        }
        let filter = if self.opts.aggressive && !q.is_empty() {
            ParticipantFilter::Search(q.clone())
        } else {
            self.opts.filter.clone()
        };
        // Ask for what is still wanted: `limit(250)` asks 200 then 50.
        let wanted = self.opts.limit.map_or(usize::MAX, |l| {
            l.saturating_sub(self.yielded + self.buffer.len()).max(1)
        });
        let asked = (self.opts.chunk_size as usize).min(wanted) as i32;
        let Some(channel) = self.channel.clone() else {
            self.done = true;
            return Ok(());
        };
        let request = functions::channels::GetParticipants {
            channel,
            filter: tl_filter(&filter, if self.opts.aggressive { "" } else { &q }),
            offset,
            limit: asked,
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
        if self.opts.aggressive && !q.is_empty() {
            if offset == 0 {
                self.next_chars.clear();
            }
            self.note_continuations(&q, &page.users);
        }
        let got = page.participants.len();
        let count = page.count.max(0) as usize;
        self.absorb(*page);
        self.after_page(q, offset, got, asked, count);
        Ok(())
    }

    /// Buffers a page's participants not seen before, moving each one's user
    /// out of the page (found through an index by id, not a search per
    /// participant).
    fn absorb(&mut self, page: types::channels::ChannelParticipants) {
        let mut users: std::collections::HashMap<i64, Box<types::User>> = page
            .users
            .into_iter()
            .filter_map(|u| match u {
                enums::User::User(u) => Some((u.id, u)),
                enums::User::Empty(_) => None,
            })
            .collect();
        for p in &page.participants {
            let Some((id, role, date, inviter)) = role_of(p) else {
                continue;
            };
            if !self.seen.insert(id) {
                continue;
            }
            let Some(user) = users.remove(&id) else {
                continue;
            };
            if matches!(
                self.opts.filter,
                ParticipantFilter::Admins | ParticipantFilter::Bots
            ) && !matches_query(&user, &self.opts.search)
            {
                // These filters take no query: search here.
                continue;
            }
            if self.opts.aggressive {
                self.learn_letters(&user);
            }
            self.buffer.push_back(Participant {
                user,
                role,
                date,
                inviter,
                rank: super::rank_of(p),
            });
        }
    }

    /// What follows a page of query `q` at `offset` (`got` of `asked`, the
    /// server counting `count`): its next page, or in aggressive mode the
    /// searches it calls for.
    fn after_page(&mut self, q: String, offset: i32, got: usize, asked: i32, count: usize) {
        let next = offset + got as i32;
        // Telegram's count can be approximate in big chats: a full page
        // always asks for the next; a short one ends the query once the
        // count is reached, an empty one always.
        let more = got > 0 && (got as i32 >= asked || (next as usize) < count);
        if more
            && self
                .opts
                .limit
                .is_none_or(|l| self.yielded + self.buffer.len() < l)
        {
            // More pages of this query: continue it first.
            self.queries.push_front((q, next));
        } else if self.opts.aggressive {
            if q.is_empty() {
                for c in START_ALPHABET.chars() {
                    self.enqueue(c.to_string());
                }
            } else if q == self.opts.search && offset == 0 && got == 0 {
                // Nothing matches the search at all.
            } else if (next as usize) < count || (got == 0 && count > offset as usize) {
                // Capped: the server knows more matches than it gives; go one
                // letter deeper, with the letters its matches continue with.
                self.capped.insert(q.clone());
                let next: Vec<char> = self.next_chars.iter().copied().collect();
                for c in next {
                    self.enqueue(format!("{q}{c}"));
                }
            }
        }
    }
}
