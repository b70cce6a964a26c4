//! Importing Telethon sessions, so a Telethon user moves over without logging in
//! again.
//!
//! - [`import_sqlite`] reads a Telethon `.session` file (schema versions up to 8,
//!   as Telethon 1.45 writes): the DC, its address and auth key (`sessions`), the
//!   entity cache (`entities`: marked id, access hash, username, phone, name) and
//!   the update state (`update_state`: row 0 is the common state, other rows are
//!   channels by bare id). The file is opened read-only and never modified.
//! - [`import_string`] reads a `StringSession` (`1` + base64url of DC id, IPv4 or
//!   IPv6 address, port and the 256-byte key).
//!
//! Telethon does not record whether a user is a bot or a channel a supergroup:
//! imported users become [`PeerKind::User`] and channels [`PeerKind::Channel`]
//! until the client sees them again. Basic groups' rows carry no access hash.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use rusqlite::{Connection, OpenFlags};

use crate::data::{CHANNEL_MARK, PeerKind};
use crate::{DcOption, PeerInfo, SessionData, SessionError};

/// The newest Telethon SQLite schema this importer knows (Telethon 1.45).
pub const TELETHON_SQLITE_VERSION: i64 = 8;

fn sql(path: &str) -> impl Fn(rusqlite::Error) -> SessionError + '_ {
    move |e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            SessionError::Corrupt {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            SessionError::Locked {
                path: path.to_owned(),
            }
        }
        _ => SessionError::Sqlite {
            path: path.to_owned(),
            source: e,
        },
    }
}

/// The peer a Telethon marked id names.
fn peer_from_marked(marked: i64) -> (PeerKind, i64) {
    if marked >= 0 {
        (PeerKind::User, marked)
    } else if marked <= -CHANNEL_MARK {
        // `marked + CHANNEL_MARK` lies in [i64::MIN + 10^12, 0]: neither step
        // can saturate, even for `i64::MIN` from a hostile file.
        (
            PeerKind::Channel,
            marked.saturating_add(CHANNEL_MARK).saturating_neg(),
        )
    } else {
        (PeerKind::Chat, marked.saturating_neg())
    }
}

/// Reads a Telethon SQLite session file.
pub fn import_sqlite(path: impl AsRef<Path>) -> Result<SessionData, SessionError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    if !path.exists() {
        return Err(SessionError::Io {
            path: name,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let err = sql(&name);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(&err)?;
    let has_table = |t: &str| -> Result<bool, SessionError> {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [t],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(&err)
    };
    if !has_table("version")? || !has_table("sessions")? {
        return Err(SessionError::Foreign {
            path: name.clone(),
            reason: "no `version` and `sessions` tables: not a Telethon session".into(),
        });
    }
    let version: i64 = conn
        .query_row("SELECT version FROM version", [], |r| r.get(0))
        .map_err(&err)?;
    if version > TELETHON_SQLITE_VERSION {
        return Err(SessionError::NewerVersion {
            path: name.clone(),
            found: version,
            supported: TELETHON_SQLITE_VERSION,
        });
    }
    let mut data = SessionData::default();
    read_sessions(&conn, &name, &mut data)?;
    if has_table("entities")? {
        read_entities(&conn, &name, &mut data)?;
    }
    if has_table("update_state")? {
        read_update_state(&conn, &name, &mut data)?;
    }
    Ok(data)
}

/// The `sessions` table: each DC's address and auth key; the first row's DC
/// is the home DC.
fn read_sessions(
    conn: &Connection,
    name: &str,
    data: &mut SessionData,
) -> Result<(), SessionError> {
    let err = sql(name);
    let mut st = conn
        .prepare("SELECT dc_id, server_address, port, auth_key FROM sessions")
        .map_err(&err)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
            ))
        })
        .map_err(&err)?;
    for row in rows {
        let (dc, addr, port, key) = row.map_err(&err)?;
        let dc = i32::try_from(dc).map_err(|_| SessionError::Corrupt {
            path: name.to_owned(),
            reason: format!("sessions: DC id {dc} out of range"),
        })?;
        data.home_dc.get_or_insert(dc);
        if let (Some(addr), Some(port)) = (addr, port) {
            let ip: IpAddr = addr.parse().map_err(|_| SessionError::Corrupt {
                path: name.to_owned(),
                reason: format!("sessions: bad server_address {addr:?}"),
            })?;
            let port = u16::try_from(port).map_err(|_| SessionError::Corrupt {
                path: name.to_owned(),
                reason: format!("sessions: bad port {port}"),
            })?;
            data.dc_options.push(DcOption {
                id: dc,
                addr: SocketAddr::new(ip, port),
            });
        }
        match key {
            Some(k) if k.len() == 256 => {
                data.auth_keys.insert(dc, k.try_into().expect("256 bytes"));
            }
            Some(k) if !k.is_empty() => {
                return Err(SessionError::Corrupt {
                    path: name.to_owned(),
                    reason: format!("sessions: auth key of {} bytes, not 256", k.len()),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// The `entities` table: the peers Telethon has seen (marked ids).
fn read_entities(
    conn: &Connection,
    name: &str,
    data: &mut SessionData,
) -> Result<(), SessionError> {
    let err = sql(name);
    let mut st = conn
        .prepare("SELECT id, hash, username, phone, name FROM entities")
        .map_err(&err)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<rusqlite::types::Value>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .map_err(&err)?;
    let mut peers = Vec::new();
    for row in rows {
        let (marked, hash, username, phone, display) = row.map_err(&err)?;
        let (kind, id) = peer_from_marked(marked);
        let phone = match phone {
            Some(rusqlite::types::Value::Integer(n)) => Some(n.to_string()),
            Some(rusqlite::types::Value::Text(t)) => Some(t),
            _ => None,
        };
        peers.push(PeerInfo {
            id,
            kind,
            access_hash: (kind != PeerKind::Chat).then_some(hash),
            username,
            phone,
            name: display,
            min: false,
            migrated_to: None,
        });
    }
    data.merge_peers(&peers);
    Ok(())
}

/// The `update_state` table: row 0 is the common state, the others channels'
/// pts by bare id.
fn read_update_state(
    conn: &Connection,
    name: &str,
    data: &mut SessionData,
) -> Result<(), SessionError> {
    let err = sql(name);
    let mut st = conn
        .prepare("SELECT id, pts, qts, date, seq FROM update_state")
        .map_err(&err)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<f64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })
        .map_err(&err)?;
    for row in rows {
        let (id, pts, qts, date, seq) = row.map_err(&err)?;
        let int = |v: Option<i64>, what: &str| {
            i32::try_from(v.unwrap_or(0)).map_err(|_| SessionError::Corrupt {
                path: name.to_owned(),
                reason: format!("update_state: {what} {v:?} out of range for row {id}"),
            })
        };
        let pts = int(pts, "pts")?;
        if id == 0 {
            let date = date.unwrap_or(0.0);
            // Telethon writes the date as a float timestamp; once it is
            // known finite and in range, `as` only drops the fraction.
            if !(date.is_finite() && (0.0..=f64::from(i32::MAX)).contains(&date)) {
                return Err(SessionError::Corrupt {
                    path: name.to_owned(),
                    reason: format!("update_state: date {date} out of range"),
                });
            }
            data.update_state.pts = pts;
            data.update_state.qts = int(qts, "qts")?;
            #[allow(clippy::cast_possible_truncation, reason = "checked just above")]
            let date = date as i32;
            data.update_state.date = date;
            data.update_state.seq = int(seq, "seq")?;
        } else {
            data.update_state.channels.insert(id, pts);
        }
    }
    Ok(())
}

/// Reads a Telethon `StringSession` string.
pub fn import_string(s: &str) -> Result<SessionData, SessionError> {
    let bad = |m: String| SessionError::InvalidString(m);
    let body = s
        .trim()
        .strip_prefix('1')
        .ok_or_else(|| bad("a Telethon StringSession starts with \"1\"".into()))?;
    let bytes = URL_SAFE
        .decode(body)
        .or_else(|_| URL_SAFE_NO_PAD.decode(body.trim_end_matches('=')))
        .map_err(|e| bad(format!("not base64url: {e}")))?;
    let ip_len = match bytes.len() {
        263 => 4,
        275 => 16,
        n => {
            return Err(bad(format!(
                "{n} bytes decoded; a StringSession holds 263 (IPv4) or 275 (IPv6)"
            )));
        }
    };
    // The length is one of the two above, so the reads cannot run out.
    let mut r = crate::string::Cursor::new(&bytes);
    let dc = i32::from(r.u8()?);
    let ip = if ip_len == 4 {
        IpAddr::V4(Ipv4Addr::from(r.array::<4>()?))
    } else {
        IpAddr::V6(Ipv6Addr::from(r.array::<16>()?))
    };
    let port = u16::from_be_bytes(r.array()?);
    let key: [u8; 256] = r.array()?;
    let mut data = SessionData {
        home_dc: Some(dc),
        dc_options: vec![DcOption {
            id: dc,
            addr: SocketAddr::new(ip, port),
        }],
        ..SessionData::default()
    };
    if key.iter().any(|b| *b != 0) {
        data.auth_keys.insert(dc, key);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_marked_ids_do_not_overflow() {
        assert_eq!(
            peer_from_marked(i64::MIN),
            (PeerKind::Channel, i64::MAX - (CHANNEL_MARK - 1))
        );
        assert_eq!(peer_from_marked(-CHANNEL_MARK - 5), (PeerKind::Channel, 5));
        assert_eq!(peer_from_marked(-7), (PeerKind::Chat, 7));
        assert_eq!(peer_from_marked(i64::MAX), (PeerKind::User, i64::MAX));
    }
}
