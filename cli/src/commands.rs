//! The administrator's commands, on `ferrogram-chat-mgmt`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ferrogram_chat_mgmt::{
    AdminLogFilter, AdminLogKind, AdminRight, AdminRights, BannedRight, BannedRights, ChatAction,
    ChatManagement, Participant, ParticipantFilter, ParticipantPermissions, Role, Stats,
};
use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::enums;

use crate::error::CliError;
use crate::output::{Format, Progress, cell, csv_field, rfc3339, unix};

/// Which participants (the seed's filters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FilterArg {
    Admins,
    Bots,
    Kicked,
    Banned,
    Recent,
    Contacts,
    Mentions,
}

/// One participant as the CLI prints it, borrowing the participant's text (a
/// big export writes one row per member: no copies of the names).
pub struct Row<'a> {
    pub id: i64,
    pub username: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: &'static str,
    pub rank: &'a str,
    pub joined: String,
    pub until: String,
}

pub const CSV_HEADER: &str = "id,username,first_name,last_name,role,rank,joined,until";

impl<'a> Row<'a> {
    pub fn of(p: &'a Participant) -> Self {
        let (role, rank, until) = match &p.role {
            Role::Creator { rank } => ("creator", rank.as_deref(), None),
            Role::Admin { rank, .. } => ("admin", rank.as_deref(), None),
            Role::Restricted { rights, .. } => ("restricted", None, rights.until),
            Role::Banned { rights, .. } => ("banned", None, rights.until),
            _ => ("member", None, None),
        };
        Self {
            id: p.user.id,
            username: p.user.username.as_deref().unwrap_or_default(),
            first_name: p.user.first_name.as_deref().unwrap_or_default(),
            last_name: p.user.last_name.as_deref().unwrap_or_default(),
            role,
            // Any member's tag (layer 223), an admin's title included.
            rank: rank.or(p.rank.as_deref()).unwrap_or_default(),
            joined: p.date.map(rfc3339).unwrap_or_default(),
            until: until.map(rfc3339).unwrap_or_default(),
        }
    }

    pub fn print(&self, format: Format, out: &mut impl Write) -> std::io::Result<()> {
        match format {
            Format::Csv => writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                self.id,
                csv_field(self.username),
                csv_field(self.first_name),
                csv_field(self.last_name),
                self.role,
                csv_field(self.rank),
                self.joined,
                self.until
            ),
            Format::Json => writeln!(
                out,
                "{}",
                serde_json::json!({
                    "id": self.id,
                    "username": self.username,
                    "first_name": self.first_name,
                    "last_name": self.last_name,
                    "role": self.role,
                    "rank": self.rank,
                    "joined": self.joined,
                    "until": self.until,
                })
            ),
            Format::Table => writeln!(
                out,
                "{} {} {} {} {} {}",
                cell(&self.id.to_string(), 14),
                cell(
                    &if self.username.is_empty() {
                        String::new()
                    } else {
                        format!("@{}", self.username)
                    },
                    22
                ),
                cell(format!("{} {}", self.first_name, self.last_name).trim(), 26),
                cell(self.role, 10),
                cell(self.rank, 12),
                &self.joined.get(..10).unwrap_or("")
            ),
        }
    }
}

pub fn table_header(out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {} {} {} joined",
        cell("id", 14),
        cell("username", 22),
        cell("name", 26),
        cell("role", 10),
        cell("rank", 12)
    )
}

/// `participants`: streams rows as they come (constant memory); `aggressive`
/// is the pause between searches when set.
#[allow(clippy::too_many_arguments)]
pub async fn participants(
    client: &Client,
    chat: &str,
    filter: Option<FilterArg>,
    search: Option<String>,
    limit: Option<usize>,
    aggressive: Option<Duration>,
    format: Format,
) -> Result<usize, CliError> {
    let q = search.clone().unwrap_or_default();
    let filter = match filter {
        None | Some(FilterArg::Recent) => ParticipantFilter::Recent,
        Some(FilterArg::Admins) => ParticipantFilter::Admins,
        Some(FilterArg::Bots) => ParticipantFilter::Bots,
        Some(FilterArg::Kicked) => ParticipantFilter::Kicked(String::new()),
        Some(FilterArg::Banned) => ParticipantFilter::Banned(String::new()),
        Some(FilterArg::Contacts) => ParticipantFilter::Contacts(String::new()),
        Some(FilterArg::Mentions) => ParticipantFilter::Mentions(String::new()),
    };
    let mut it = client
        .iter_participants(chat)
        .filter(filter)
        .search(q)
        .aggressive(aggressive.is_some())
        .pace(aggressive.unwrap_or_default());
    if let Some(n) = limit {
        it = it.limit(n);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Csv => writeln!(out, "{CSV_HEADER}")?,
        Format::Table => table_header(&mut out)?,
        Format::Json => {}
    }
    let mut progress = Progress::new("members");
    let mut n = 0;
    while let Some(p) = it.next().await {
        let p = p.map_err(|e| CliError::from_chat(e, None))?;
        Row::of(&p).print(format, &mut out)?;
        n += 1;
        progress.update(n, it.total());
    }
    progress.finish();
    out.flush()?;
    if format == Format::Table {
        eprintln!("{n} listed of {} in all", it.total().unwrap_or(n));
    }
    Ok(n)
}

/// Admin rights from `--right` (none: every classic right).
pub fn admin_rights(rights: &[AdminRight], title: Option<String>) -> AdminRights {
    let base = if rights.is_empty() {
        AdminRights::all()
    } else {
        AdminRights::new()
    };
    let rights = base.grant(rights.iter().copied());
    match title {
        Some(t) => rights.title(t),
        None => rights,
    }
}

/// Member rights with `--deny` denied (`none_means_read_only`: no `--deny`
/// denies everything but reading).
pub fn banned_rights(deny: &[BannedRight], none_means_read_only: bool) -> BannedRights {
    if deny.is_empty() && none_means_read_only {
        BannedRights::read_only()
    } else {
        BannedRights::new().deny(deny.iter().copied())
    }
}

/// What every member may do, one line per right.
pub fn print_default_permissions(d: &BannedRights, format: Format) {
    let mut fields: Vec<(&str, String)> = vec![("defaults", "chat-wide".into())];
    for &r in BannedRight::ALL {
        fields.push((r.name(), d.get(r).to_string()));
    }
    print_fields(fields, format);
}

pub fn print_permissions(p: &ParticipantPermissions, format: Format) {
    let mut fields: Vec<(&str, String)> = Vec::new();
    let role = match &p.role {
        Role::Creator { .. } => "creator",
        Role::Admin { .. } => "admin",
        Role::Restricted { .. } => "restricted",
        Role::Banned { .. } => "banned",
        _ if p.has_left => "not a member",
        _ => "member",
    };
    fields.push(("role", role.into()));
    for (k, v) in [
        ("is_admin", p.is_admin),
        ("is_creator", p.is_creator),
        ("is_banned", p.is_banned),
        ("has_left", p.has_left),
        ("has_default_permissions", p.has_default_permissions),
        ("can_change_info", p.can_change_info()),
        ("can_post_messages", p.can_post_messages()),
        ("can_edit_messages", p.can_edit_messages()),
        ("can_delete_messages", p.can_delete_messages()),
        ("can_ban_users", p.can_ban_users()),
        ("can_invite_users", p.can_invite_users()),
        ("can_pin_messages", p.can_pin_messages()),
        ("can_add_admins", p.can_add_admins()),
        ("can_manage_call", p.can_manage_call()),
        ("can_manage_topics", p.can_manage_topics()),
        ("anonymous", p.anonymous()),
    ] {
        fields.push((k, v.to_string()));
    }
    if let Some(r) = &p.banned_rights {
        let denied: Vec<&str> = r.denied().map(BannedRight::name).collect();
        fields.push(("denied", denied.join(",")));
        fields.push((
            "until",
            r.until.map(rfc3339).unwrap_or_else(|| "forever".into()),
        ));
    }
    print_fields(fields, format);
}

fn print_fields(fields: Vec<(&str, String)>, format: Format) {
    match format {
        Format::Json => {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .into_iter()
                .map(|(k, v)| {
                    let v = match v.as_str() {
                        "true" => serde_json::Value::Bool(true),
                        "false" => serde_json::Value::Bool(false),
                        _ => serde_json::Value::String(v),
                    };
                    (k.to_owned(), v)
                })
                .collect();
            println!("{}", serde_json::Value::Object(map));
        }
        Format::Csv => {
            println!("name,value");
            for (k, v) in fields {
                println!("{k},{}", csv_field(&v));
            }
        }
        Format::Table => {
            for (k, v) in fields {
                println!("{} {v}", cell(k, 26));
            }
        }
    }
}

/// The TL name of an admin-log action, without its prefix.
fn action_name(a: &enums::ChannelAdminLogEventAction) -> String {
    let name = ferrogram_tl_types::name_of(a.constructor_id()).unwrap_or("unknown");
    name.trim_start_matches("channelAdminLogEventAction")
        .to_owned()
}

/// A short description of what an event changed.
fn action_detail(a: &enums::ChannelAdminLogEventAction) -> String {
    use enums::ChannelAdminLogEventAction as A;
    match a {
        A::ChangeTitle(x) => format!("{:?} -> {:?}", x.prev_value, x.new_value),
        A::ChangeAbout(x) => format!("{:?} -> {:?}", x.prev_value, x.new_value),
        A::ChangeUsername(x) => format!("{:?} -> {:?}", x.prev_value, x.new_value),
        A::ParticipantToggleBan(x) => format!(
            "user {}",
            ferrogram_chat_mgmt::participant_user_id(&x.new_participant).unwrap_or_default()
        ),
        A::ParticipantToggleAdmin(x) => format!(
            "user {}",
            ferrogram_chat_mgmt::participant_user_id(&x.new_participant).unwrap_or_default()
        ),
        A::ParticipantInvite(x) => format!(
            "user {}",
            ferrogram_chat_mgmt::participant_user_id(&x.participant).unwrap_or_default()
        ),
        _ => String::new(),
    }
}

pub async fn admin_log(
    client: &Client,
    chat: &str,
    filters: &[AdminLogKind],
    admins: &[String],
    search: Option<String>,
    limit: Option<usize>,
    format: Format,
) -> Result<usize, CliError> {
    let filter = AdminLogFilter::new().with(filters.iter().copied());
    let mut it = client
        .iter_admin_log(chat)
        .filter(filter)
        .admins(admins.iter().map(|a| PeerRef::from(a.as_str())))
        .search(search.unwrap_or_default());
    if let Some(n) = limit {
        it = it.limit(n);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Csv => writeln!(out, "id,date,admin_id,admin,action,detail")?,
        Format::Table => writeln!(
            out,
            "{} {} {} {} detail",
            cell("id", 8),
            cell("date", 20),
            cell("admin", 22),
            cell("action", 26)
        )?,
        Format::Json => {}
    }
    let mut n = 0;
    while let Some(e) = it.next().await {
        let e = e.map_err(|e| CliError::from_chat(e, Some("an admin of this chat")))?;
        let admin = e
            .user
            .as_ref()
            .map(|u| {
                u.username
                    .as_ref()
                    .map(|n| format!("@{n}"))
                    .unwrap_or_else(|| u.first_name.as_deref().unwrap_or_default().to_owned())
            })
            .unwrap_or_default();
        let (action, detail) = (action_name(&e.action), action_detail(&e.action));
        match format {
            Format::Csv => writeln!(
                out,
                "{},{},{},{},{},{}",
                e.id,
                rfc3339(e.date),
                e.user_id,
                csv_field(&admin),
                action,
                csv_field(&detail)
            )?,
            Format::Json => writeln!(
                out,
                "{}",
                serde_json::json!({
                    "id": e.id,
                    "date": rfc3339(e.date),
                    "admin_id": e.user_id,
                    "admin": admin,
                    "action": action,
                    "detail": detail,
                })
            )?,
            Format::Table => writeln!(
                out,
                "{} {} {} {} {detail}",
                cell(&e.id.to_string(), 8),
                cell(&rfc3339(e.date), 20),
                cell(&admin, 22),
                cell(&action, 26)
            )?,
        }
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

pub async fn typing(
    client: &Client,
    chat: &str,
    action: ChatAction,
    duration: Duration,
) -> Result<u32, CliError> {
    let started = Instant::now();
    let guard = client
        .action(chat, action)
        .await
        .map_err(|e| CliError::from_chat(e, Some("send_messages")))?;
    tokio::time::sleep(duration).await;
    let sent = guard.times_sent();
    guard
        .finish()
        .await
        .map_err(|e| CliError::from_chat(e, Some("send_messages")))?;
    println!(
        "{action} shown in {chat} for {:.1?} ({sent} sends, then cancelled)",
        started.elapsed()
    );
    Ok(sent)
}

/// The largest size of a photo: (type, bytes).
pub async fn photos(
    client: &Client,
    entity: &str,
    limit: Option<usize>,
    download: Option<&Path>,
    format: Format,
) -> Result<usize, CliError> {
    let mut it = client.iter_profile_photos(entity);
    if let Some(n) = limit {
        it = it.limit(n);
    }
    if let Some(dir) = download {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    }
    if format == Format::Csv {
        println!("id,date,dc,size,file");
    }
    let mut n = 0;
    while let Some(p) = it.next().await {
        let p = p.map_err(|e| CliError::from_chat(e, None))?;
        let (_, size) = ferrogram_client::largest_photo_size(&p);
        let file = match download {
            Some(dir) => {
                let bytes = client.download_photo(&p).await?;
                let path = dir.join(format!("{}.jpg", p.id));
                std::fs::write(&path, &bytes).map_err(|e| {
                    CliError::failure(format!("cannot write {}: {e}", path.display()))
                })?;
                path.display().to_string()
            }
            None => String::new(),
        };
        match format {
            Format::Csv => println!(
                "{},{},{},{size},{}",
                p.id,
                unix(p.date),
                p.dc_id,
                csv_field(&file)
            ),
            Format::Json => println!(
                "{}",
                serde_json::json!({"id": p.id, "date": unix(p.date), "dc": p.dc_id, "size": size, "file": file})
            ),
            Format::Table => println!(
                "photo {} from {} on DC {}, {size} bytes {file}",
                p.id,
                unix(p.date),
                p.dc_id
            ),
        }
        n += 1;
    }
    if format == Format::Table {
        eprintln!("{n} photos of {}", it.total().unwrap_or(n));
    }
    Ok(n)
}

/// A number as people read it: whole when it is, else one decimal.
fn num(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn abs(v: &enums::StatsAbsValueAndPrev) -> String {
    let enums::StatsAbsValueAndPrev::StatsAbsValueAndPrev(v) = v;
    let change = v.current - v.previous;
    format!(
        "{} ({}{} on the previous period)",
        num(v.current),
        if change >= 0.0 { "+" } else { "" },
        num(change)
    )
}

/// The text summary of statistics, one `name: value` per line.
pub fn stats_summary(stats: &Stats) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match stats {
        Stats::Broadcast(s) => {
            let enums::StatsDateRangeDays::StatsDateRangeDays(p) = &s.period;
            out.push((
                "period".into(),
                format!("{} .. {}", unix(p.min_date), unix(p.max_date)),
            ));
            out.push(("followers".into(), abs(&s.followers)));
            out.push(("views per post".into(), abs(&s.views_per_post)));
            out.push(("shares per post".into(), abs(&s.shares_per_post)));
            out.push(("reactions per post".into(), abs(&s.reactions_per_post)));
            let enums::StatsPercentValue::StatsPercentValue(n) = &s.enabled_notifications;
            out.push((
                "notifications on".into(),
                format!("{:.1}%", 100.0 * n.part / n.total.max(1.0)),
            ));
        }
        Stats::Megagroup(s) => {
            let enums::StatsDateRangeDays::StatsDateRangeDays(p) = &s.period;
            out.push((
                "period".into(),
                format!("{} .. {}", unix(p.min_date), unix(p.max_date)),
            ));
            out.push(("members".into(), abs(&s.members)));
            out.push(("messages".into(), abs(&s.messages)));
            out.push(("viewers".into(), abs(&s.viewers)));
            out.push(("posters".into(), abs(&s.posters)));
        }
        _ => {}
    }
    for (name, g) in stats.graphs() {
        let state = match g {
            enums::StatsGraph::StatsGraph(_) => "data",
            enums::StatsGraph::Error(e) => &format!("error: {}", e.error),
            enums::StatsGraph::Async(_) => "not loaded",
        };
        out.push((name.to_owned(), state.to_owned()));
    }
    out
}

/// Draws every graph with data as `<dir>/<name>.svg`; returns the files.
pub fn stats_svg(stats: &Stats, dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    let mut files = Vec::new();
    for (name, g) in stats.graphs() {
        let enums::StatsGraph::StatsGraph(g) = g else {
            continue;
        };
        let enums::DataJSON::DataJSON(data) = &g.json;
        let Some(chart) = crate::svg::Chart::from_json(name, &data.data) else {
            continue;
        };
        if chart.is_empty() {
            continue;
        }
        let path = dir.join(format!("{name}.svg"));
        chart
            .draw(&path)
            .map_err(|e| CliError::failure(format!("cannot draw {}: {e}", path.display())))?;
        files.push(path);
    }
    Ok(files)
}
