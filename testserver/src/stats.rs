//! Channel and supergroup statistics, derived from the world (members' join
//! dates, posts), served only by the stats DC as on Telegram.

use ferrogram_tl_types::{enums, types};

use crate::chats::{ChatKind, StoredChat};

/// Days covered by the statistics.
pub const STATS_DAYS: i32 = 30;

/// A Telegram-style graph: `{"columns":[["x",...],["y0",...]],"types":..,"names":..}`.
fn graph(title: &str, xs: &[i64], series: &[(&str, Vec<i64>)]) -> enums::StatsGraph {
    let mut columns = vec![{
        let mut c = vec![serde_json::json!("x")];
        c.extend(xs.iter().map(|x| serde_json::json!(x * 1000)));
        serde_json::Value::Array(c)
    }];
    let mut types_ = serde_json::Map::new();
    let mut names = serde_json::Map::new();
    types_.insert("x".into(), serde_json::json!("x"));
    for (i, (name, ys)) in series.iter().enumerate() {
        let key = format!("y{i}");
        let mut c = vec![serde_json::json!(key)];
        c.extend(ys.iter().map(|y| serde_json::json!(y)));
        columns.push(serde_json::Value::Array(c));
        types_.insert(key.clone(), serde_json::json!("line"));
        names.insert(key, serde_json::json!(name));
    }
    let json = serde_json::json!({
        "title": title,
        "columns": columns,
        "types": types_,
        "names": names,
    });
    enums::StatsGraph::from(types::StatsGraph {
        json: enums::DataJSON::from(types::DataJSON {
            data: json.to_string().into(),
        }),
        zoom_token: None,
    })
}

/// Day starts (Unix seconds) of the period ending at `now`.
fn days(now: i32) -> Vec<i64> {
    let today = i64::from(now) - i64::from(now).rem_euclid(86_400);
    (0..STATS_DAYS)
        .rev()
        .map(|d| today - i64::from(d) * 86_400)
        .collect()
}

/// Members at the end of each day, and how many joined that day.
pub(crate) fn growth(chat: &StoredChat, now: i32) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let xs = days(now);
    let mut total = Vec::with_capacity(xs.len());
    let mut joined = Vec::with_capacity(xs.len());
    for &day in &xs {
        let end = day + 86_400;
        total.push(
            chat.participants
                .iter()
                .filter(|p| p.is_member() && i64::from(p.date) < end)
                .count() as i64,
        );
        joined.push(
            chat.participants
                .iter()
                .filter(|p| (day..end).contains(&i64::from(p.date)))
                .count() as i64,
        );
    }
    (xs, total, joined)
}

fn abs(current: f64, previous: f64) -> enums::StatsAbsValueAndPrev {
    enums::StatsAbsValueAndPrev::from(types::StatsAbsValueAndPrev { current, previous })
}

/// The graph an async token stands for.
pub(crate) fn async_graph(chat: &StoredChat, now: i32, which: &str) -> Option<enums::StatsGraph> {
    let (xs, total, joined) = growth(chat, now);
    match which {
        "growth" => Some(graph("Growth", &xs, &[("Total", total)])),
        "joined" => Some(graph("New members", &xs, &[("Joined", joined)])),
        _ => None,
    }
}

/// `stats.broadcastStats` of a channel.
pub(crate) fn broadcast(chat: &StoredChat, now: i32) -> enums::stats::BroadcastStats {
    debug_assert_eq!(chat.kind, ChatKind::Channel);
    let (xs, total, joined) = growth(chat, now);
    let first = *total.first().unwrap_or(&0) as f64;
    let last = *total.last().unwrap_or(&0) as f64;
    let token = |which: &str| {
        enums::StatsGraph::from(types::StatsGraphAsync {
            token: format!("{}:{which}", chat.id).into(),
        })
    };
    let empty = || graph("", &xs, &[]);
    enums::stats::BroadcastStats::from(types::stats::BroadcastStats {
        period: enums::StatsDateRangeDays::from(types::StatsDateRangeDays {
            min_date: *xs.first().unwrap_or(&0) as i32,
            max_date: now,
        }),
        followers: abs(last, first),
        views_per_post: abs(last * 0.4, first * 0.4),
        shares_per_post: abs(last * 0.01, first * 0.01),
        reactions_per_post: abs(last * 0.05, first * 0.05),
        views_per_story: abs(0.0, 0.0),
        shares_per_story: abs(0.0, 0.0),
        reactions_per_story: abs(0.0, 0.0),
        enabled_notifications: enums::StatsPercentValue::from(types::StatsPercentValue {
            part: (last * 0.3).round(),
            total: last,
        }),
        growth_graph: graph("Growth", &xs, &[("Total followers", total)]),
        followers_graph: token("joined"),
        mute_graph: empty(),
        top_hours_graph: empty(),
        interactions_graph: empty(),
        iv_interactions_graph: empty(),
        views_by_source_graph: empty(),
        new_followers_by_source_graph: graph("New followers", &xs, &[("Joined", joined)]),
        languages_graph: empty(),
        reactions_by_emotion_graph: empty(),
        story_interactions_graph: empty(),
        story_reactions_by_emotion_graph: empty(),
        recent_posts_interactions: chat
            .messages
            .iter()
            .rev()
            .filter(|m| m.action.is_none())
            .take(20)
            .map(|m| m.id)
            .map(|id| {
                enums::PostInteractionCounters::from(types::PostInteractionCountersMessage {
                    msg_id: id,
                    views: post_views(chat, id),
                    forwards: post_views(chat, id) / 50,
                    reactions: post_views(chat, id) / 20,
                })
            })
            .collect(),
    })
}

/// Views of post `id` (older posts were seen by more members).
pub(crate) fn post_views(chat: &StoredChat, id: i32) -> i32 {
    let members = chat.count_members();
    // How many posts there are from this one on (1 for the newest).
    let age = chat
        .messages
        .iter()
        .rev()
        .take_while(|m| m.id >= id)
        .filter(|m| m.action.is_none())
        .count()
        .max(1) as i32;
    (members * age.min(10) / 10).max(1)
}

/// `stats.megagroupStats` of a supergroup.
pub(crate) fn megagroup(
    chat: &StoredChat,
    now: i32,
    users: Vec<enums::User>,
) -> enums::stats::MegagroupStats {
    let (xs, total, joined) = growth(chat, now);
    let first = *total.first().unwrap_or(&0) as f64;
    let last = *total.last().unwrap_or(&0) as f64;
    let empty = || graph("", &xs, &[]);
    enums::stats::MegagroupStats::from(types::stats::MegagroupStats {
        period: enums::StatsDateRangeDays::from(types::StatsDateRangeDays {
            min_date: *xs.first().unwrap_or(&0) as i32,
            max_date: now,
        }),
        members: abs(last, first),
        messages: abs(0.0, 0.0),
        viewers: abs((last * 0.6).round(), (first * 0.6).round()),
        posters: abs(0.0, 0.0),
        growth_graph: graph("Growth", &xs, &[("Total members", total)]),
        members_graph: enums::StatsGraph::from(types::StatsGraphAsync {
            token: format!("{}:joined", chat.id).into(),
        }),
        new_members_by_source_graph: graph("New members", &xs, &[("Joined", joined)]),
        languages_graph: empty(),
        messages_graph: empty(),
        actions_graph: empty(),
        top_hours_graph: empty(),
        weekdays_graph: empty(),
        top_posters: Vec::new(),
        top_admins: Vec::new(),
        top_inviters: Vec::new(),
        users,
    })
}

/// `stats.messageStats` of a channel post.
pub(crate) fn message(chat: &StoredChat, id: i32, now: i32) -> enums::stats::MessageStats {
    let xs = days(now);
    let total = post_views(chat, id) as i64;
    let n = xs.len() as i64;
    let views: Vec<i64> = (0..n).map(|i| total * (i + 1) / n).collect();
    enums::stats::MessageStats::from(types::stats::MessageStats {
        views_graph: graph("Views", &xs, &[("Views", views)]),
        reactions_by_emotion_graph: graph("", &xs, &[]),
    })
}
