//! `ferrogram`: the Telegram chat administrator's command-line tool.
//!
//! `ferrogram demo` is the README's showcase: an embedded testserver with a
//! realistic supergroup, channel and basic group, and the whole chat-management
//! workflow run against it, offline. The other commands do the same against
//! Telegram (or any server given with `--server`): `login`, `participants`,
//! `promote`, `restrict`, `kick`, `admin-log`, `stats`, ... Errors are one line
//! on stderr and a documented exit code (see `ferrogram --help`).
#![forbid(unsafe_code)]

mod bulk;
mod cleanup;
mod commands;
mod community;
mod connect;
mod demo;
mod discussion;
mod error;
mod membership;
mod output;
mod route;
mod settings;
mod svg;
mod topics;
mod watch;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{CommandFactory, Parser, Subcommand};
use ferrogram_chat_mgmt::client::{InvocationError, SignInError};
use ferrogram_chat_mgmt::{
    AdminLogKind, AdminRight, AdminRights, BannedRight, BannedRights, ChatAction, ChatManagement,
};

use crate::commands::FilterArg;
use crate::connect::{Global, connect, signed_in};
use crate::error::{CliError, EXIT_CODES};
use crate::output::{Format, parse_duration, parse_rfc3339};

/// Telegram chat administration from the command line.
///
/// CHAT and USER accept what Ferrogram resolves: @username, t.me links,
/// phone numbers, marked ids (-100… for channels, negative for basic groups)
/// and "me".
#[derive(Parser)]
#[command(name = "ferrogram", version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Start an embedded testserver and walk through the whole workflow, offline.
    Demo {
        /// Members of the demo supergroup.
        #[arg(long, default_value_t = 20_000)]
        members: usize,
        /// Where to write the member CSV and the graphs [default: the
        /// system's temporary directory, ferrogram-demo/].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sign in with a bot token, or a phone number (code and 2FA password
    /// prompted unless given).
    Login {
        /// A bot token from @BotFather.
        #[arg(long, conflicts_with = "phone")]
        bot_token: Option<String>,
        /// Your phone number, international format.
        #[arg(long)]
        phone: Option<String>,
        /// The login code (for scripts; prompted otherwise).
        #[arg(long, requires = "phone")]
        code: Option<String>,
        /// The 2FA password (for scripts; prompted otherwise).
        #[arg(long, requires = "phone")]
        password: Option<String>,
    },
    /// Sign out and forget the session.
    Logout,
    /// Who this session is signed in as.
    Whoami,
    /// List a chat's participants (streamed: constant memory).
    Participants {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(long, value_enum)]
        filter: Option<FilterArg>,
        /// Only members matching this name.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        /// Get past Telegram's 10,000-member listing cap by searching names.
        #[arg(long)]
        aggressive: bool,
        /// With --aggressive, the pause between searches in milliseconds
        /// (Telegram's flood limits; 0 against your own server).
        #[arg(long, value_name = "MS", default_value_t = 50, requires = "aggressive")]
        pace_ms: u64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Make USER an admin (all rights unless --right is given).
    Promote {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
        /// A right to give, by TL name. Repeatable.
        #[arg(long = "right", value_name = "RIGHT", value_enum, ignore_case = true)]
        rights: Vec<AdminRight>,
        /// The admin's custom title (at most 16 characters).
        #[arg(long)]
        title: Option<String>,
    },
    /// Take USER's admin rights away.
    Demote {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
    },
    /// Restrict USER (read-only unless --deny is given).
    Restrict {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
        /// A right to deny, by TL name (embed_link_previews is embed_links).
        /// Repeatable.
        #[arg(long = "deny", value_name = "RIGHT", value_enum, ignore_case = true)]
        deny: Vec<BannedRight>,
        /// For how long (30s, 10m, 1h, 2d, ...). Telegram treats under 30 s or
        /// over 366 days as forever.
        #[arg(long = "for", value_name = "DURATION", conflicts_with = "until")]
        for_: Option<String>,
        /// Until when (RFC 3339, like 2026-12-01T18:00:00Z).
        #[arg(long)]
        until: Option<String>,
        /// In a basic group, turn it into a supergroup first (for good):
        /// basic groups have no per-member restrictions.
        #[arg(long)]
        migrate: bool,
    },
    /// Lift every restriction of USER.
    Unrestrict {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
    },
    /// Set what every member may do (everything allowed unless --deny).
    Defaults {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        /// A right to deny every member. Repeatable.
        #[arg(long = "deny", value_name = "RIGHT", value_enum, ignore_case = true)]
        deny: Vec<BannedRight>,
    },
    /// Remove USER without a lasting ban (they may join again).
    Kick {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
    },
    /// What USER (or, without one, every member) may do.
    Permissions {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// A channel's or supergroup's admin log, newest first.
    AdminLog {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        /// Event kinds. Repeatable.
        #[arg(long = "filter", value_name = "FILTER", value_enum, ignore_case = true)]
        filters: Vec<AdminLogKind>,
        /// Only what these admins did. Repeatable.
        #[arg(long = "admin", value_name = "USER")]
        admins: Vec<String>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Show a chat action ("typing", "upload_photo", ...) for a while.
    Typing {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(long, default_value = "typing", value_enum, ignore_case = true)]
        action: ChatAction,
        #[arg(long = "for", default_value = "10s", value_name = "DURATION")]
        for_: String,
    },
    /// List (and download) profile photos of a user, group or channel.
    Photos {
        #[arg(allow_negative_numbers = true)]
        entity: String,
        /// Save each photo here as `<id>.jpg`.
        #[arg(long, value_name = "DIR")]
        download: Option<PathBuf>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Statistics of a channel or supergroup (or of one message).
    Stats {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(long)]
        message: Option<i32>,
        /// Draw every graph as an SVG file here.
        #[arg(long, value_name = "DIR")]
        svg: Option<PathBuf>,
    },
    /// Make a supergroup, forum, channel or basic group (a user account).
    Create(membership::Create),
    /// Set a member's tag (their own, or others' with manage_ranks).
    Rank(membership::Rank),
    /// Turn a basic group into a supergroup, for good (its creator only).
    Migrate(membership::Migrate),
    /// Leave a group or channel. An owner's basic group passes at once to
    /// `successor`; a supergroup or channel after 7 days unless you return.
    Leave(membership::ChatArg),
    /// Who would own the chat if you (its owner) left.
    Successor(membership::ChatArg),
    /// Delete messages by id (yours, or anyone's with delete_messages).
    Delete(cleanup::Delete),
    /// Report USER's messages as spam, delete all they wrote, ban them.
    Purge(cleanup::Purge),
    /// Report USER's messages as spam.
    Report(cleanup::Report),
    /// Pin (or --unpin) a message.
    Pin(cleanup::Pin),
    /// Delete USER's reactions (on one --message, or all in the chat).
    DeleteReactions(cleanup::DeleteReactions),
    /// One action for many members (restrict, ban, kick, promote, rank,
    /// delete history, approve or decline requests), selected by a filter,
    /// a search, who joined lately or a list; paced, journaled
    /// (--resume), reported (--report) and undoable (--undo).
    Bulk(Box<bulk::Bulk>),
    /// A forum's topics: list, create, edit, close, reopen, pin, unpin,
    /// reorder, delete, hide-general, show-general, send.
    Topics(topics::Topics),
    /// Communities: create, list, of, info, link, unlink, requests,
    /// approve, decline, ban and unban across all their chats, reach.
    Community {
        #[command(subcommand)]
        command: community::Community,
    },
    /// A chat's switches: show them, or set slow mode, protected content,
    /// join to send, hidden history or members, anti-spam, signatures.
    Settings(settings::Settings),
    /// A channel's discussion group: set, unset, candidates.
    Discussion {
        #[command(subcommand)]
        command: discussion::Discussion,
    },
    /// Print membership events as they happen (joins, leaves, bans,
    /// promotions, join requests): what a bot admin receives; a user admin
    /// sees the pending join requests.
    Watch(watch::Watch),
    /// Add users to a group or channel; a line per user.
    Add(membership::Add),
    /// Make USER the chat's creator (you become an admin); your 2FA
    /// password is prompted for without echo unless given.
    Transfer {
        #[arg(allow_negative_numbers = true)]
        chat: String,
        #[arg(allow_negative_numbers = true)]
        user: String,
        /// The 2FA password (for scripts; prompted otherwise).
        #[arg(long)]
        password: Option<String>,
    },
    /// Invite links: create, edit, revoke, delete, list, counts, who joined.
    Invites {
        #[command(subcommand)]
        command: membership::Invites,
    },
    /// Join requests: list, approve or decline (one USER or --all).
    Requests {
        #[command(subcommand)]
        command: membership::Requests,
    },
    /// Run the testserver; prints one JSON line (addresses, RSA key,
    /// credentials) when ready, and serves until interrupted.
    Serve {
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// A JSON fixture (accounts, chats' faults, ...).
        #[arg(long)]
        fixture: Option<PathBuf>,
        /// Members of the default supergroup.
        #[arg(long, default_value_t = ferrogram_testserver::DEFAULT_MEMBERS)]
        members: usize,
        /// The server's RSA private key (PEM); default: the fixed test key.
        #[arg(long = "server-key", value_name = "FILE.pem")]
        server_key: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn until_of(for_: Option<String>, until: Option<String>) -> Result<Option<SystemTime>, CliError> {
    Ok(match (for_, until) {
        (Some(d), _) => Some(ferrogram_cli::time::after(
            SystemTime::now(),
            parse_duration(&d)?,
        )?),
        (None, Some(t)) => Some(parse_rfc3339(&t)?),
        (None, None) => None,
    })
}

fn prompt(question: &str) -> Result<String, CliError> {
    eprint!("{question}: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let line = line.trim().to_owned();
    if line.is_empty() {
        return Err(CliError::usage(format!("no {question} given")));
    }
    Ok(line)
}

/// Asks for a secret: on a Unix terminal the typing is not echoed (`stty
/// -echo` for the duration of the read, restored even when the read fails).
pub(crate) fn prompt_secret(question: &str) -> Result<String, CliError> {
    use std::io::IsTerminal;
    let hide = cfg!(unix) && std::io::stdin().is_terminal();
    let stty = |arg: &str| {
        std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success())
    };
    let hidden = hide && stty("-echo");
    let answer = prompt(question);
    if hidden {
        stty("echo");
        eprintln!();
    }
    answer
}

fn describe(u: &ferrogram_tl_types::types::User) -> String {
    let name = format!(
        "{} {}",
        u.first_name.as_deref().unwrap_or(""),
        u.last_name.as_deref().unwrap_or("")
    );
    let handle = u
        .username
        .as_ref()
        .map(|n| format!(" (@{n})"))
        .unwrap_or_default();
    format!(
        "{}{handle}, id {}{}",
        name.trim(),
        u.id,
        if u.bot { ", a bot" } else { "" }
    )
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let g = &cli.global;
    match cli.command {
        Command::Demo { .. } | Command::Completions { .. } => unreachable!("handled in main"),
        Command::Login {
            bot_token,
            phone,
            code,
            password,
        } => login(g, bot_token, phone, code, password).await?,
        Command::Logout => {
            let (client, store) = connect(g, false).await?;
            if client.is_authorized().await? {
                client.sign_out().await?;
            }
            drop(client);
            store.forget()?;
            println!("Signed out; {} removed", store.describe());
        }
        Command::Whoami => {
            let client = signed_in(g).await?;
            let me = client.get_me().await?;
            println!("{} on DC {}", describe(&me), client.home_dc());
        }
        Command::Participants {
            chat,
            filter,
            search,
            limit,
            aggressive,
            pace_ms,
            format,
        } => {
            let client = signed_in(g).await?;
            let aggressive = aggressive.then(|| std::time::Duration::from_millis(pace_ms));
            commands::participants(&client, &chat, filter, search, limit, aggressive, format)
                .await?;
        }
        Command::Promote { .. }
        | Command::Demote { .. }
        | Command::Restrict { .. }
        | Command::Unrestrict { .. }
        | Command::Defaults { .. }
        | Command::Kick { .. }
        | Command::Permissions { .. } => administer(g, cli.command).await?,
        Command::AdminLog {
            chat,
            filters,
            admins,
            search,
            limit,
            format,
        } => {
            let client = signed_in(g).await?;
            commands::admin_log(&client, &chat, &filters, &admins, search, limit, format).await?;
        }
        Command::Typing { chat, action, for_ } => {
            let client = signed_in(g).await?;
            commands::typing(&client, &chat, action, parse_duration(&for_)?).await?;
        }
        Command::Photos {
            entity,
            download,
            limit,
            format,
        } => {
            let client = signed_in(g).await?;
            commands::photos(&client, &entity, limit, download.as_deref(), format).await?;
        }
        Command::Stats { chat, message, svg } => {
            let client = signed_in(g).await?;
            let stats = match message {
                Some(id) => client.get_message_stats(chat.as_str(), id).await,
                None => client.get_stats(chat.as_str()).await,
            };
            let stats = stats
                .map_err(|e| CliError::from_chat(e, Some("an admin with statistics access")))?;
            for (k, v) in commands::stats_summary(&stats) {
                println!("{} {v}", output::cell(&k, 34));
            }
            if let Some(dir) = svg {
                for f in commands::stats_svg(&stats, &dir)? {
                    println!("wrote {}", f.display());
                }
            }
        }
        Command::Serve {
            listen,
            fixture,
            members,
            server_key,
        } => serve(listen, fixture, members, server_key).await?,
        // The membership and moderation commands (`route.rs`).
        command => route::membership_command(g, command).await?,
    }
    Ok(())
}

/// `login`: a bot token, or a phone number, code and (if set) 2FA password,
/// each prompted for unless given.
async fn login(
    g: &Global,
    bot_token: Option<String>,
    phone: Option<String>,
    code: Option<String>,
    password: Option<String>,
) -> Result<(), CliError> {
    let (client, store) = connect(g, true).await?;
    let me = if let Some(token) = bot_token {
        client.sign_in_bot(&token).await?
    } else {
        let phone = match phone {
            Some(p) => p,
            None => prompt("phone number")?,
        };
        let token = client.request_login_code(&phone).await?;
        let code = match code {
            Some(c) => c,
            None => prompt("login code")?,
        };
        match client.sign_in(&token, &code).await {
            Ok(me) => me,
            Err(InvocationError::SignIn(SignInError::PasswordRequired(_))) => {
                let password = match password {
                    Some(p) => p,
                    None => prompt_secret("2FA password")?,
                };
                client.check_password(&password).await?
            }
            Err(e) => return Err(e.into()),
        }
    };
    println!(
        "Signed in as {} (session {})",
        describe(&me),
        store.describe()
    );
    Ok(())
}

/// `serve`: a standalone testserver, its JSON line on stdout, until Ctrl-C.
async fn serve(
    listen: SocketAddr,
    fixture: Option<PathBuf>,
    members: usize,
    server_key: Option<PathBuf>,
) -> Result<(), CliError> {
    let mut builder = ferrogram_testserver::TestServer::builder()
        .listen(listen)
        .members(members);
    if let Some(path) = &server_key {
        builder = builder
            .rsa_key_file(path)
            .map_err(|e| CliError::usage(e.to_string()))?;
    }
    if let Some(path) = &fixture {
        builder = builder
            .fixture(path)
            .map_err(|e| CliError::usage(e.to_string()))?;
    }
    let server = builder
        .start()
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    let line =
        serde_json::to_string(&server.info()).map_err(|e| CliError::failure(e.to_string()))?;
    writeln!(out, "{line}")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    eprintln!("ferrogram: interrupted; stopping the server");
    Ok(())
}

/// The commands that change who may do what in a chat, or read it.
async fn administer(g: &Global, command: Command) -> Result<(), CliError> {
    match command {
        Command::Promote {
            chat,
            user,
            rights,
            title,
        } => {
            let client = signed_in(g).await?;
            let rights = commands::admin_rights(&rights, title);
            client
                .edit_admin(chat.as_str(), user.as_str(), rights)
                .await
                .map_err(|e| CliError::from_chat(e, Some("add_admins")))?;
            println!("{user} is now an admin of {chat}");
        }
        Command::Demote { chat, user } => {
            let client = signed_in(g).await?;
            client
                .edit_admin(chat.as_str(), user.as_str(), AdminRights::demote())
                .await
                .map_err(|e| CliError::from_chat(e, Some("add_admins")))?;
            println!("{user} is no longer an admin of {chat}");
        }
        Command::Restrict {
            chat,
            user,
            deny,
            for_,
            until,
            migrate,
        } => {
            let client = signed_in(g).await?;
            let rights = commands::banned_rights(&deny, true)
                .until_date(until_of(for_, until)?)
                .migrate_basic_group(migrate);
            let when = rights
                .until
                .map(output::rfc3339)
                .unwrap_or_else(|| "forever".into());
            client
                .edit_permissions(chat.as_str(), user.as_str(), rights)
                .await
                .map_err(|e| CliError::from_chat(e, Some("ban_users")))?;
            println!("{user} restricted in {chat} until {when}");
        }
        Command::Unrestrict { chat, user } => {
            let client = signed_in(g).await?;
            client
                .edit_permissions(chat.as_str(), user.as_str(), BannedRights::new())
                .await
                .map_err(|e| CliError::from_chat(e, Some("ban_users")))?;
            println!("{user} may do everything members may in {chat}");
        }
        Command::Defaults { chat, deny } => {
            let client = signed_in(g).await?;
            let rights = commands::banned_rights(&deny, false);
            client
                .edit_default_permissions(chat.as_str(), rights)
                .await
                .map_err(|e| CliError::from_chat(e, Some("ban_users")))?;
            println!(
                "default permissions of {chat} set{}",
                if deny.is_empty() {
                    String::from(": everything allowed")
                } else {
                    let names: Vec<&str> = deny.iter().map(|r| r.name()).collect();
                    format!("; denied: {}", names.join(", "))
                }
            );
        }
        Command::Kick { chat, user } => {
            let client = signed_in(g).await?;
            client
                .kick_participant(chat.as_str(), user.as_str())
                .await
                .map_err(|e| CliError::from_chat(e, Some("ban_users")))?;
            println!("{user} removed from {chat}");
        }
        Command::Permissions { chat, user, format } => {
            let client = signed_in(g).await?;
            match user {
                Some(user) => {
                    let p = client.get_permissions(chat.as_str(), user.as_str()).await?;
                    commands::print_permissions(&p, format);
                }
                None => {
                    let d = client.get_default_permissions(chat.as_str()).await?;
                    commands::print_default_permissions(&d, format);
                }
            }
        }
        _ => unreachable!("run() sends only the administration commands here"),
    }
    Ok(())
}

/// A command-line error in one line on stderr (exit 2), as every other
/// error; help and version print as clap prints them.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
    }
    let line = match (
        e.get(ContextKind::InvalidValue),
        e.get(ContextKind::InvalidArg),
    ) {
        (Some(ContextValue::String(value)), Some(ContextValue::String(arg))) => {
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => format!(" (valid: {})", v.join(", ")),
                _ => String::new(),
            };
            format!("unknown value {value:?} for {arg}{valid}")
        }
        _ => e
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or("bad usage")
            .trim_start_matches("error: ")
            .to_owned(),
    };
    eprintln!("ferrogram: {line} (see --help)");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    error::install_panic_hook();
    // The one way to exercise the hook from outside (cli/tests/commands.rs):
    // every real panic is a bug, so the test needs one on purpose.
    if std::env::var_os("FERROGRAM_TEST_PANIC").is_some() {
        panic!("FERROGRAM_TEST_PANIC is set");
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = match &cli.command {
        Command::Demo { members, out } => demo::run(
            *members,
            &out.clone()
                .unwrap_or_else(|| std::env::temp_dir().join("ferrogram-demo")),
        ),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "ferrogram",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        // One command is one sequential workflow: on one thread the connection
        // task and the command hand work to each other without waking a second
        // thread (the session's file I/O still runs on tokio's blocking pool).
        _ => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(CliError::from)
            .and_then(|rt| {
                rt.block_on(async {
                    let result = run(cli).await;
                    connect::close_all().await;
                    result
                })
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferrogram: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn until_takes_a_duration_or_a_time() {
        let t = until_of(Some("1h".into()), None).unwrap().unwrap();
        let left = t.duration_since(SystemTime::now()).unwrap();
        assert!(left > Duration::from_secs(3500) && left <= Duration::from_secs(3600));
        assert!(
            until_of(None, Some("2030-01-01T00:00:00Z".into()))
                .unwrap()
                .is_some()
        );
        assert!(until_of(None, None).unwrap().is_none());
        assert_eq!(until_of(Some("soon".into()), None).unwrap_err().code, 2);
        // Panicked ("overflow when adding duration to instant") before `after`.
        let forever = Some(u64::MAX.to_string());
        assert_eq!(until_of(forever, None).unwrap_err().code, 2);
    }
}
