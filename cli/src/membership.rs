//! `ferrogram create`, `ferrogram invites …` and `ferrogram requests …`:
//! new chats, invite links and join requests (chat-mgmt's [`Membership`]).

use clap::Subcommand;
use ferrogram_chat_mgmt::client::Client;
use ferrogram_chat_mgmt::{
    AddOutcome, InviteImporter, InviteLink, InviteLinkOptions, Membership, NewChat,
};

use crate::error::CliError;
use crate::output::{Format, csv_field, parse_duration, parse_rfc3339, rfc3339};

/// What the missing right is called in error messages.
const RIGHT: &str = "invite_users (the creator's for other admins' links)";

/// `ferrogram invites …`.
#[derive(Subcommand)]
pub enum Invites {
    /// Make an invite link.
    Create {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[command(flatten)]
        terms: Terms,
    },
    /// Change a link's terms (what is not given stays).
    Edit {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        link: String,
        #[command(flatten)]
        terms: Terms,
    },
    /// Revoke a link: it admits no one from now on.
    Revoke {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        link: String,
    },
    /// Delete a revoked link, or with --all-revoked every revoked link of
    /// --admin (yours by default).
    Delete {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(required_unless_present = "all_revoked")]
        link: Option<String>,
        #[arg(long, conflicts_with = "link")]
        all_revoked: bool,
        #[arg(long, requires = "all_revoked", value_name = "USER")]
        admin: Option<String>,
    },
    /// List your links (or --admin's), newest first.
    List {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(long, value_name = "USER")]
        admin: Option<String>,
        /// The revoked links instead.
        #[arg(long)]
        revoked: bool,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// How many links each admin made (the creator only).
    Counts {
        #[arg(allow_negative_numbers = true)]
        chat: String,
    },
    /// Who joined through LINK, newest first.
    Joined {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        link: String,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// A link's terms on the command line.
#[derive(clap::Args)]
pub struct Terms {
    /// Its name, visible to admins only ("" removes it).
    #[arg(long)]
    title: Option<String>,
    /// It stops working after this long (30m, 7d, ...).
    #[arg(long, value_name = "DURATION", conflicts_with_all = ["expire_at", "never_expires"])]
    expire_in: Option<String>,
    /// It stops working at this time (RFC 3339).
    #[arg(long, value_name = "TIME", conflicts_with = "never_expires")]
    expire_at: Option<String>,
    /// It never expires.
    #[arg(long)]
    never_expires: bool,
    /// At most N users may join through it (1-99999).
    #[arg(long, value_name = "N", conflicts_with = "unlimited")]
    limit: Option<u32>,
    /// No limit on how many may join.
    #[arg(long)]
    unlimited: bool,
    /// Joining needs an admin's approval (true or false).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    request_needed: Option<bool>,
}

impl Terms {
    fn options(&self) -> Result<InviteLinkOptions, CliError> {
        let mut o = InviteLinkOptions::new();
        if let Some(t) = &self.title {
            o = o.title(t.clone());
        }
        if let Some(d) = &self.expire_in {
            o = o.expires_in(parse_duration(d)?);
        }
        if let Some(t) = &self.expire_at {
            o = o.expires_at(parse_rfc3339(t)?);
        }
        if self.never_expires {
            o = o.never_expires();
        }
        if let Some(n) = self.limit {
            o = o.usage_limit(n);
        }
        if self.unlimited {
            o = o.unlimited();
        }
        if let Some(r) = self.request_needed {
            o = o.request_needed(r);
        }
        Ok(o)
    }
}

/// `ferrogram requests …`.
#[derive(Subcommand)]
pub enum Requests {
    /// Pending join requests, newest first.
    List {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        /// Only those through this link.
        #[arg(long)]
        link: Option<String>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Let USER in, or with --all everyone waiting (through --link only).
    Approve(Decision),
    /// Turn USER away, or with --all everyone waiting (through --link only).
    Decline(Decision),
}

/// Whom a decision is about.
#[derive(clap::Args)]
pub struct Decision {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    #[arg(allow_negative_numbers = true, required_unless_present = "all")]
    user: Option<String>,
    #[arg(long, conflicts_with = "user")]
    all: bool,
    #[arg(long, requires = "all")]
    link: Option<String>,
}

fn chat_error(e: ferrogram_chat_mgmt::Error) -> CliError {
    CliError::from_chat(e, Some(RIGHT))
}

fn print_link(l: &InviteLink, format: Format) {
    let when = |t: Option<std::time::SystemTime>| t.map(rfc3339).unwrap_or_default();
    let limit = l.usage_limit.map(|n| n.to_string()).unwrap_or_default();
    let title = l.title.clone().unwrap_or_default();
    match format {
        Format::Csv => println!(
            "{},{},{},{},{},{limit},{},{},{},{}",
            l.link,
            l.admin_id,
            rfc3339(l.date),
            csv_field(&title),
            when(l.expires),
            l.usage,
            l.pending_requests,
            l.request_needed,
            l.revoked
        ),
        Format::Json => println!(
            "{}",
            serde_json::json!({
                "link": l.link, "admin_id": l.admin_id, "date": rfc3339(l.date),
                "title": l.title, "expires": l.expires.map(rfc3339),
                "usage_limit": l.usage_limit, "usage": l.usage,
                "pending_requests": l.pending_requests,
                "request_needed": l.request_needed, "revoked": l.revoked,
                "permanent": l.permanent,
            })
        ),
        Format::Table => {
            let mut terms = Vec::new();
            if !title.is_empty() {
                terms.push(format!("\"{title}\""));
            }
            if let Some(e) = l.expires {
                terms.push(format!("expires {}", rfc3339(e)));
            }
            match l.usage_limit {
                Some(n) => terms.push(format!("{}/{n} joined", l.usage)),
                None => terms.push(format!("{} joined", l.usage)),
            }
            if l.request_needed {
                terms.push(format!("approval needed, {} waiting", l.pending_requests));
            }
            if l.revoked {
                terms.push("revoked".into());
            }
            println!("{}  {}", l.link, terms.join(", "));
        }
    }
}

fn print_importer(i: &InviteImporter, format: Format) {
    let name = i
        .user
        .as_ref()
        .map(|u| {
            format!(
                "{} {}",
                u.first_name.as_deref().unwrap_or(""),
                u.last_name.as_deref().unwrap_or("")
            )
            .trim()
            .to_owned()
        })
        .unwrap_or_default();
    match format {
        Format::Csv => println!("{},{},{}", i.user_id, csv_field(&name), rfc3339(i.date)),
        Format::Json => println!(
            "{}",
            serde_json::json!({"user_id": i.user_id, "name": name, "date": rfc3339(i.date), "requested": i.requested})
        ),
        Format::Table => println!("{:>12}  {}  {name}", i.user_id, rfc3339(i.date)),
    }
}

/// Runs `ferrogram invites …`.
pub async fn invites(client: &Client, cmd: Invites) -> Result<(), CliError> {
    match cmd {
        Invites::Create { chat, terms } => {
            let l = client
                .create_invite_link(chat.as_str(), terms.options()?)
                .await
                .map_err(chat_error)?;
            print_link(&l, Format::Table);
        }
        Invites::Edit { chat, link, terms } => {
            let l = client
                .edit_invite_link(chat.as_str(), &link, terms.options()?)
                .await
                .map_err(chat_error)?;
            print_link(&l, Format::Table);
        }
        Invites::Revoke { chat, link } => {
            let r = client
                .revoke_invite_link(chat.as_str(), &link)
                .await
                .map_err(chat_error)?;
            print_link(&r.revoked, Format::Table);
            if let Some(new) = r.replacement {
                print!("new primary link: ");
                print_link(&new, Format::Table);
            }
        }
        Invites::Delete {
            chat,
            link,
            all_revoked,
            admin,
        } => {
            if all_revoked {
                let admin = admin.unwrap_or_else(|| "me".into());
                client
                    .delete_revoked_invite_links(chat.as_str(), admin.as_str())
                    .await
                    .map_err(chat_error)?;
                println!("deleted every revoked link of {admin}");
            } else if let Some(link) = link {
                client
                    .delete_invite_link(chat.as_str(), &link)
                    .await
                    .map_err(chat_error)?;
                println!("deleted {link}");
            }
        }
        Invites::List {
            chat,
            admin,
            revoked,
            limit,
            format,
        } => {
            let mut it = client.iter_invite_links(chat.as_str()).revoked(revoked);
            if let Some(a) = admin {
                it = it.admin(a);
            }
            if let Some(n) = limit {
                it = it.limit(n);
            }
            if format == Format::Csv {
                println!(
                    "link,admin_id,date,title,expires,usage_limit,usage,pending,request_needed,revoked"
                );
            }
            let mut n = 0;
            while let Some(l) = it.next().await {
                print_link(&l.map_err(chat_error)?, format);
                n += 1;
            }
            if format == Format::Table {
                eprintln!("{n} links of {}", it.total().unwrap_or(n));
            }
        }
        Invites::Counts { chat } => {
            let counts = client
                .get_invite_link_counts(chat.as_str())
                .await
                .map_err(|e| CliError::from_chat(e, Some("the chat's creator")))?;
            for c in counts {
                println!(
                    "{:>12}  {} links, {} revoked",
                    c.admin_id, c.links, c.revoked
                );
            }
        }
        Invites::Joined {
            chat,
            link,
            limit,
            format,
        } => {
            let mut it = client.iter_invite_link_members(chat.as_str(), &link);
            if let Some(n) = limit {
                it = it.limit(n);
            }
            importers(&mut it, format, "joined").await?;
        }
    }
    Ok(())
}

async fn importers(
    it: &mut ferrogram_chat_mgmt::InviteImporterIter,
    format: Format,
    what: &str,
) -> Result<(), CliError> {
    if format == Format::Csv {
        println!("user_id,name,date");
    }
    let mut n = 0;
    while let Some(i) = it.next().await {
        print_importer(&i.map_err(chat_error)?, format);
        n += 1;
    }
    if format == Format::Table {
        eprintln!("{n} {what} of {}", it.total().unwrap_or(n));
    }
    Ok(())
}

/// Runs `ferrogram requests …`.
pub async fn requests(client: &Client, cmd: Requests) -> Result<(), CliError> {
    let (d, approve) = match cmd {
        Requests::List {
            chat,
            link,
            search,
            limit,
            format,
        } => {
            let mut it = client.iter_join_requests(chat.as_str());
            if let Some(l) = link {
                it = it.link(l);
            }
            if let Some(q) = search {
                it = it.search(q);
            }
            if let Some(n) = limit {
                it = it.limit(n);
            }
            return importers(&mut it, format, "waiting").await;
        }
        Requests::Approve(d) => (d, true),
        Requests::Decline(d) => (d, false),
    };
    let verb = if approve { "approved" } else { "declined" };
    match (d.all, d.user) {
        (true, _) => {
            client
                .decide_all_join_requests(d.chat.as_str(), d.link.as_deref(), approve)
                .await
                .map_err(chat_error)?;
            println!("{verb} every pending request");
        }
        (false, Some(user)) => {
            client
                .decide_join_request(d.chat.as_str(), user.as_str(), approve)
                .await
                .map_err(chat_error)?;
            println!("{verb} {user}");
        }
        (false, None) => return Err(CliError::usage("name a USER or give --all")),
    }
    Ok(())
}

/// `ferrogram add`'s arguments.
#[derive(clap::Args)]
pub struct Add {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    /// Who to add. Repeatable.
    #[arg(required = true, allow_negative_numbers = true)]
    users: Vec<String>,
}

/// Runs `ferrogram add`: a line per user; exit code 1 when any was not
/// added (after trying them all).
pub async fn add(client: &Client, a: Add) -> Result<(), CliError> {
    let outcomes = client
        .add_members(a.chat.as_str(), a.users.iter().map(String::as_str))
        .await
        .map_err(|e| CliError::from_chat(e, Some("invite_users")))?;
    let mut refused = 0;
    for ((_, outcome), user) in outcomes.iter().zip(&a.users) {
        match outcome {
            AddOutcome::Added => println!("{user}: added"),
            AddOutcome::NotAllowed { .. } => {
                refused += 1;
                println!("{user}: not added: their privacy settings (send them an invite link)");
            }
            AddOutcome::Failed(e) => {
                refused += 1;
                println!("{user}: not added: {e}");
            }
            _ => {
                refused += 1;
                println!("{user}: not added");
            }
        }
    }
    if refused > 0 {
        return Err(CliError::failure(format!(
            "{refused} of {} not added",
            a.users.len()
        )));
    }
    Ok(())
}

/// `ferrogram rank`'s arguments.
#[derive(clap::Args)]
pub struct Rank {
    #[arg(allow_negative_numbers = true)]
    chat: String,
    /// The member ("me" for yourself).
    #[arg(allow_negative_numbers = true)]
    user: String,
    /// The tag, at most 16 characters ("" clears it).
    rank: String,
}

/// Runs `ferrogram rank`.
pub async fn rank(client: &Client, r: Rank) -> Result<(), CliError> {
    client
        .set_rank(r.chat.as_str(), r.user.as_str(), &r.rank)
        .await
        .map_err(|e| CliError::from_chat(e, Some("manage_ranks (or your own tag)")))?;
    if r.rank.is_empty() {
        println!("{}'s tag cleared in {}", r.user, r.chat);
    } else {
        println!("{} is now tagged {:?} in {}", r.user, r.rank, r.chat);
    }
    Ok(())
}

/// `ferrogram migrate`'s arguments.
#[derive(clap::Args)]
pub struct Migrate {
    /// The basic group (its id, like -4000123, or a link).
    #[arg(allow_negative_numbers = true)]
    chat: String,
}

/// Runs `ferrogram migrate`: prints the supergroup's marked id, which the
/// group's old id keeps naming from now on.
pub async fn migrate(client: &Client, m: Migrate) -> Result<(), CliError> {
    let migrated = client
        .migrate_chat(m.chat.as_str())
        .await
        .map_err(|e| CliError::from_chat(e, Some("the group's creator")))?;
    let marked = -(1_000_000_000_000 + migrated.channel_id);
    if migrated.already {
        println!("{} was already supergroup {marked}", m.chat);
    } else {
        println!(
            "{} is now supergroup {marked}; its old id keeps working",
            m.chat
        );
    }
    Ok(())
}

/// `ferrogram leave`'s and `ferrogram successor`'s argument.
#[derive(clap::Args)]
pub struct ChatArg {
    #[arg(allow_negative_numbers = true)]
    chat: String,
}

/// Runs `ferrogram leave`.
pub async fn leave(client: &Client, c: ChatArg) -> Result<(), CliError> {
    client
        .leave_chat(c.chat.as_str())
        .await
        .map_err(|e| CliError::from_chat(e, None))?;
    println!("left {}", c.chat);
    Ok(())
}

/// Runs `ferrogram successor`: who would own the chat if you left.
pub async fn successor(client: &Client, c: ChatArg) -> Result<(), CliError> {
    let next = client
        .future_owner(c.chat.as_str())
        .await
        .map_err(|e| CliError::from_chat(e, Some("the chat's owner")))?;
    match next {
        Some(u) => {
            let name = [u.first_name.as_deref(), u.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let handle = u.username.map(|n| format!(" @{n}")).unwrap_or_default();
            println!("{} {name}{handle} would own {}", u.id, c.chat);
        }
        None => println!("nobody would own {}", c.chat),
    }
    Ok(())
}

/// What `ferrogram create` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A supergroup.
    Supergroup,
    /// A supergroup organised in topics.
    Forum,
    /// A broadcast channel.
    Channel,
    /// A basic group (no username).
    Group,
}

/// `ferrogram create`'s arguments.
#[derive(clap::Args)]
pub struct Create {
    #[arg(value_enum)]
    kind: Kind,
    title: String,
    #[arg(long)]
    about: Option<String>,
    /// A public username (not for basic groups).
    #[arg(long)]
    username: Option<String>,
    /// A first member. Repeatable.
    #[arg(long = "member", value_name = "USER", allow_negative_numbers = true)]
    members: Vec<String>,
}

/// Runs `ferrogram create`.
pub async fn create(client: &Client, c: Create) -> Result<(), CliError> {
    let mut chat = match c.kind {
        Kind::Supergroup => NewChat::supergroup(&c.title),
        Kind::Forum => NewChat::forum(&c.title),
        Kind::Channel => NewChat::channel(&c.title),
        Kind::Group => NewChat::basic_group(&c.title),
    };
    if let Some(a) = c.about {
        chat = chat.about(a);
    }
    if let Some(u) = &c.username {
        chat = chat.username(u.clone());
    }
    for m in c.members {
        chat = chat.member(m);
    }
    let made = client
        .create_chat(chat)
        .await
        .map_err(|e| CliError::from_chat(e, None))?;
    let handle = c
        .username
        .map(|u| format!(" (@{})", u.trim_start_matches('@')))
        .unwrap_or_default();
    println!("made {:?} {}{handle}", c.title.trim(), made.marked_id);
    for m in made.missing {
        println!("not added (privacy): {m}");
    }
    Ok(())
}
