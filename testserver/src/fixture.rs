//! The JSON fixture format: accounts, chats, fault knobs, migrations.
//!
//! ```json
//! {
//!   "users": [{"first_name": "Grace", "last_name": "Hopper", "phone": "9996627777",
//!              "username": "grace", "password": "secret"}],
//!   "bots": [{"name": "Helper Bot", "username": "helper_bot"}],
//!   "faults": {
//!     "drop_connection_after": 3,
//!     "drop_connection_every": 500,
//!     "drop_connections_randomly": {"seed": 1, "probability": 0.1},
//!     "delay_replies_ms": 50,
//!     "force_bad_server_salt": 1,
//!     "flood_wait": [{"method": "messages.sendMessage", "seconds": 5, "times": 2}],
//!     "rate_limit": [{"method": "channels.editBanned", "requests": 30, "window_secs": 1}],
//!     "duplicate_replies": 1,
//!     "corrupt_frames": 1,
//!     "drop_updates": 1,
//!     "hostile": {"kind": "garbage_frame", "times": 1},
//!     "bad_msg_notifications": {"code": 32, "times": 1}
//!   },
//!   "migrate": [{"username": "grace", "dc": 1}],
//!   "chats": [{"type": "supergroup", "title": "Rust Moderators", "username": "rust_mods",
//!              "creator": "grace", "synthetic_members": 100000,
//!              "members": [{"user": "helper_bot", "role": "admin", "rights": ["ban_users"]}]}]
//! }
//! ```
//!
//! `chats` entries are described at [`crate::spec::ChatSpec::from_json`].
//!
//! Every key is optional; unknown keys are errors (so a typo never silently does
//! nothing). Users live on the DC their phone names (`99966X...` → DC X) or the
//! home DC; their login code follows [`crate::world::login_code`]. `times` absent
//! means "until cleared".

use std::time::Duration;

use serde_json::Value;

/// A parsed fixture.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Fixture {
    pub users: Vec<FixtureUser>,
    pub bots: Vec<FixtureBot>,
    pub faults: Vec<FaultSetting>,
    pub migrate: Vec<(String, i32)>,
    pub chats: Vec<crate::spec::ChatSpec>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FixtureUser {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FixtureBot {
    pub name: String,
    pub username: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FaultSetting {
    DropAfter(u64),
    DropEvery(u64),
    DropRandomly(u64, f64),
    Delay(Duration),
    BadSalt(u64),
    FloodWait(String, u32, Option<u64>),
    RateLimit(String, u32, Duration),
    Duplicate(u64),
    Corrupt(u64),
    DropUpdates(u64),
    Hostile(crate::Hostile, u64),
    BadMsg(i32, u64),
}

impl FaultSetting {
    pub(crate) fn apply(&self, f: &crate::Faults) {
        match self {
            Self::DropAfter(n) => f.drop_connection_after(*n),
            Self::DropEvery(n) => f.drop_connection_every(*n),
            Self::DropRandomly(seed, p) => f.drop_connections_randomly(*seed, *p),
            Self::Delay(d) => f.delay_replies(*d),
            Self::BadSalt(n) => f.force_bad_server_salt(*n),
            Self::FloodWait(m, s, t) => f.flood_wait(m, *s, *t),
            Self::RateLimit(m, n, w) => f.rate_limit(m, *n, *w),
            Self::Duplicate(n) => f.duplicate_replies(*n),
            Self::Corrupt(n) => f.corrupt_frames(*n),
            Self::DropUpdates(n) => f.drop_updates(*n),
            Self::Hostile(kind, n) => f.hostile(*kind, *n),
            Self::BadMsg(code, n) => f.bad_msg_notifications(*code, *n),
        }
    }
}

type R<T> = Result<T, String>;

fn object<'a>(v: &'a Value, at: &str, keys: &[&str]) -> R<&'a serde_json::Map<String, Value>> {
    let m = v
        .as_object()
        .ok_or_else(|| format!("{at}: expected an object"))?;
    for k in m.keys() {
        if !keys.contains(&k.as_str()) {
            return Err(format!(
                "{at}: unknown key {k:?} (expected one of {keys:?})"
            ));
        }
    }
    Ok(m)
}

fn string(m: &serde_json::Map<String, Value>, at: &str, key: &str) -> R<Option<String>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{at}.{key}: expected a string")),
    }
}

fn uint(m: &serde_json::Map<String, Value>, at: &str, key: &str) -> R<Option<u64>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{at}.{key}: expected a non-negative integer")),
    }
}

fn array<'a>(m: &'a serde_json::Map<String, Value>, at: &str, key: &str) -> R<&'a [Value]> {
    match m.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("{at}.{key}: expected an array")),
    }
}

/// Parses a fixture; errors name the offending path (`faults.flood_wait[0].seconds`).
pub(crate) fn parse(text: &str) -> R<Fixture> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let top = object(
        &v,
        "fixture",
        &["users", "bots", "faults", "migrate", "chats"],
    )?;
    let mut fx = Fixture::default();
    for (i, c) in array(top, "fixture", "chats")?.iter().enumerate() {
        fx.chats
            .push(crate::spec::ChatSpec::from_json(c, &format!("chats[{i}]"))?);
    }
    for (i, u) in array(top, "fixture", "users")?.iter().enumerate() {
        let at = format!("users[{i}]");
        let m = object(
            u,
            &at,
            &["first_name", "last_name", "phone", "username", "password"],
        )?;
        let phone = string(m, &at, "phone")?.ok_or_else(|| format!("{at}.phone: required"))?;
        if crate::world::normalize_phone(&phone).len() < 5 {
            return Err(format!("{at}.phone: not a phone number: {phone:?}"));
        }
        fx.users.push(FixtureUser {
            first_name: string(m, &at, "first_name")?
                .ok_or_else(|| format!("{at}.first_name: required"))?,
            last_name: string(m, &at, "last_name")?.unwrap_or_default(),
            phone,
            username: string(m, &at, "username")?,
            password: string(m, &at, "password")?,
        });
    }
    for (i, b) in array(top, "fixture", "bots")?.iter().enumerate() {
        let at = format!("bots[{i}]");
        let m = object(b, &at, &["name", "username"])?;
        fx.bots.push(FixtureBot {
            name: string(m, &at, "name")?.ok_or_else(|| format!("{at}.name: required"))?,
            username: string(m, &at, "username")?,
        });
    }
    if let Some(f) = top.get("faults") {
        fx.faults = parse_faults(f)?;
    }
    for (i, mg) in array(top, "fixture", "migrate")?.iter().enumerate() {
        let at = format!("migrate[{i}]");
        let m = object(mg, &at, &["username", "dc"])?;
        let user = string(m, &at, "username")?.ok_or_else(|| format!("{at}.username: required"))?;
        let dc = uint(m, &at, "dc")?
            .and_then(|d| i32::try_from(d).ok())
            .ok_or_else(|| format!("{at}.dc: required"))?;
        fx.migrate.push((user, dc));
    }
    Ok(fx)
}

/// The `faults` object: one setting per key given.
fn parse_faults(f: &Value) -> R<Vec<FaultSetting>> {
    let mut out = Vec::new();
    let at = "faults";
    let m = object(
        f,
        at,
        &[
            "drop_connection_after",
            "drop_connection_every",
            "drop_connections_randomly",
            "delay_replies_ms",
            "force_bad_server_salt",
            "flood_wait",
            "rate_limit",
            "duplicate_replies",
            "corrupt_frames",
            "drop_updates",
            "hostile",
            "bad_msg_notifications",
        ],
    )?;
    if let Some(n) = uint(m, at, "drop_connection_after")? {
        out.push(FaultSetting::DropAfter(n));
    }
    if let Some(n) = uint(m, at, "drop_connection_every")? {
        out.push(FaultSetting::DropEvery(n));
    }
    if let Some(r) = m.get("drop_connections_randomly") {
        let at = "faults.drop_connections_randomly";
        let rm = object(r, at, &["seed", "probability"])?;
        let seed = uint(rm, at, "seed")?.unwrap_or(0);
        let p = rm
            .get("probability")
            .and_then(Value::as_f64)
            .filter(|p| (0.0..=1.0).contains(p))
            .ok_or_else(|| format!("{at}.probability: expected a number in 0..=1"))?;
        out.push(FaultSetting::DropRandomly(seed, p));
    }
    if let Some(ms) = uint(m, at, "delay_replies_ms")? {
        out.push(FaultSetting::Delay(Duration::from_millis(ms)));
    }
    if let Some(n) = uint(m, at, "force_bad_server_salt")? {
        out.push(FaultSetting::BadSalt(n));
    }
    for (i, fw) in array(m, at, "flood_wait")?.iter().enumerate() {
        let at = format!("faults.flood_wait[{i}]");
        let fm = object(fw, &at, &["method", "seconds", "times"])?;
        let method = string(fm, &at, "method")?.ok_or_else(|| format!("{at}.method: required"))?;
        let seconds = uint(fm, &at, "seconds")?
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| format!("{at}.seconds: required"))?;
        out.push(FaultSetting::FloodWait(
            method,
            seconds,
            uint(fm, &at, "times")?,
        ));
    }
    for (i, rl) in array(m, at, "rate_limit")?.iter().enumerate() {
        let at = format!("faults.rate_limit[{i}]");
        let rm = object(rl, &at, &["method", "requests", "window_secs"])?;
        let method = string(rm, &at, "method")?.ok_or_else(|| format!("{at}.method: required"))?;
        let requests = uint(rm, &at, "requests")?
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("{at}.requests: required"))?;
        let window =
            uint(rm, &at, "window_secs")?.ok_or_else(|| format!("{at}.window_secs: required"))?;
        out.push(FaultSetting::RateLimit(
            method,
            requests,
            Duration::from_secs(window),
        ));
    }
    if let Some(n) = uint(m, at, "duplicate_replies")? {
        out.push(FaultSetting::Duplicate(n));
    }
    if let Some(n) = uint(m, at, "corrupt_frames")? {
        out.push(FaultSetting::Corrupt(n));
    }
    if let Some(n) = uint(m, at, "drop_updates")? {
        out.push(FaultSetting::DropUpdates(n));
    }
    if let Some(h) = m.get("hostile") {
        let at = "faults.hostile";
        let hm = object(h, at, &["kind", "times"])?;
        let name = string(hm, at, "kind")?.ok_or_else(|| format!("{at}.kind: required"))?;
        let kind = crate::Hostile::from_name(&name).ok_or_else(|| {
            let all: Vec<&str> = crate::Hostile::ALL.iter().map(|k| k.name()).collect();
            format!("{at}.kind: unknown {name:?} (one of {})", all.join(", "))
        })?;
        out.push(FaultSetting::Hostile(
            kind,
            uint(hm, at, "times")?.unwrap_or(1),
        ));
    }
    if let Some(b) = m.get("bad_msg_notifications") {
        let at = "faults.bad_msg_notifications";
        let bm = object(b, at, &["code", "times"])?;
        let code = uint(bm, at, "code")?
            .and_then(|c| i32::try_from(c).ok())
            .ok_or_else(|| format!("{at}.code: required"))?;
        out.push(FaultSetting::BadMsg(
            code,
            uint(bm, at, "times")?.unwrap_or(1),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key_and_names_bad_paths() {
        let fx = parse(
            r#"{"users": [{"first_name": "G", "phone": "+999 66 2 7777", "password": "p"}],
                "bots": [{"name": "B", "username": "b_bot"}],
                "faults": {"flood_wait": [{"method": "help.getConfig", "seconds": 3}],
                           "rate_limit": [{"method": "channels.editBanned", "requests": 30,
                                           "window_secs": 2}],
                           "drop_connections_randomly": {"seed": 4, "probability": 0.5},
                           "delay_replies_ms": 10,
                           "hostile": {"kind": "deep_nesting", "times": 2},
                           "bad_msg_notifications": {"code": 32}},
                "migrate": [{"username": "b_bot", "dc": 1}]}"#,
        )
        .unwrap();
        assert_eq!(fx.users[0].password.as_deref(), Some("p"));
        assert_eq!(fx.bots[0].username.as_deref(), Some("b_bot"));
        assert!(
            fx.faults
                .contains(&FaultSetting::FloodWait("help.getConfig".into(), 3, None))
        );
        assert!(fx.faults.contains(&FaultSetting::DropRandomly(4, 0.5)));
        assert!(fx.faults.contains(&FaultSetting::RateLimit(
            "channels.editBanned".into(),
            30,
            Duration::from_secs(2)
        )));
        assert!(
            fx.faults
                .contains(&FaultSetting::Hostile(crate::Hostile::DeepNesting, 2))
        );
        assert!(fx.faults.contains(&FaultSetting::BadMsg(32, 1)));
        let e = parse(r#"{"faults": {"hostile": {"kind": "rude"}}}"#).unwrap_err();
        assert!(e.contains("faults.hostile.kind: unknown \"rude\""), "{e}");
        assert_eq!(fx.migrate, [("b_bot".to_owned(), 1)]);

        let e = parse(r#"{"faults": {"flood_wait": [{"method": "x", "secs": 3}]}}"#).unwrap_err();
        assert!(
            e.contains("faults.flood_wait[0]") && e.contains("\"secs\""),
            "{e}"
        );
        let e = parse(r#"{"users": [{"first_name": "G"}]}"#).unwrap_err();
        assert_eq!(e, "users[0].phone: required");
        assert!(parse("[1,").unwrap_err().starts_with("not JSON"));
    }
}
