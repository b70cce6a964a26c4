//! The account's rows: read in one transaction, written by the statements
//! every store call shares (peers merged in SQL, DC options, update state).

use std::net::SocketAddr;

use crate::data::PeerKind;
use crate::{AuthKeyBytes, DcOption, PeerInfo, SessionData, UpdateState};

/// The peer columns, in [`peer_row`]'s order.
pub(super) const PEER_COLUMNS: &str =
    "id, kind, access_hash, username, phone, name, min, migrated_to";

/// A `ferrogram_peers` row (selected as [`PEER_COLUMNS`]).
pub(super) fn peer_row(r: &postgres::Row) -> Result<PeerInfo, String> {
    let id: i64 = r.get(0);
    let kind: i16 = r.get(1);
    let kind = PeerKind::from_code(i64::from(kind))
        .ok_or_else(|| format!("peers: unknown kind {kind} for id {id}"))?;
    Ok(PeerInfo {
        id,
        kind,
        access_hash: r.get(2),
        username: r.get(3),
        phone: r.get(4),
        name: r.get(5),
        min: r.get(6),
        migrated_to: r.get(7),
    })
}

/// An account's rows, read in one transaction.
pub(super) struct Rows {
    home_dc: Option<i32>,
    dc_options: Vec<(i32, String, i32)>,
    auth_keys: Vec<(i32, Vec<u8>)>,
    peers: Vec<Result<PeerInfo, String>>,
    update_state: Vec<(i64, i32, i32, i32, i32)>,
}

pub(super) fn load(
    tx: &mut postgres::Transaction<'_>,
    account: &str,
    peers_of: &str,
) -> Result<Rows, postgres::Error> {
    let home_dc = tx
        .query_one(
            "SELECT home_dc FROM ferrogram_accounts WHERE account = $1",
            &[&account],
        )?
        .get(0);
    let dc_options = tx
        .query(
            "SELECT id, ip, port FROM ferrogram_dc_options WHERE account = $1 ORDER BY position",
            &[&account],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let auth_keys = tx
        .query(
            "SELECT dc_id, auth_key FROM ferrogram_auth_keys WHERE account = $1",
            &[&account],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let peers = tx
        .query(
            &format!("SELECT {PEER_COLUMNS} FROM ferrogram_peers WHERE account = $1"),
            &[&peers_of],
        )?
        .iter()
        .map(peer_row)
        .collect();
    let update_state = tx
        .query(
            "SELECT channel_id, pts, qts, date, seq FROM ferrogram_update_state WHERE account = $1",
            &[&account],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    Ok(Rows {
        home_dc,
        dc_options,
        auth_keys,
        peers,
        update_state,
    })
}

impl Rows {
    pub(super) fn into_data(self) -> Result<SessionData, String> {
        let mut d = SessionData {
            home_dc: self.home_dc,
            ..SessionData::default()
        };
        for (id, ip, port) in self.dc_options {
            let ip = ip
                .parse()
                .map_err(|_| format!("dc_options: bad address {ip:?}"))?;
            let port = u16::try_from(port).map_err(|_| format!("dc_options: bad port {port}"))?;
            d.dc_options.push(DcOption {
                id,
                addr: SocketAddr::new(ip, port),
            });
        }
        for (dc, key) in self.auth_keys {
            let key: AuthKeyBytes = key
                .try_into()
                .map_err(|k: Vec<u8>| format!("auth key for DC {dc} has {} bytes", k.len()))?;
            d.auth_keys.insert(dc, key);
        }
        for p in self.peers {
            let p = p?;
            d.peers.insert(p.marked_id(), p);
        }
        for (channel, pts, qts, date, seq) in self.update_state {
            d.update_state.set_row(channel, pts, qts, date, seq);
        }
        Ok(d)
    }
}

pub(super) fn write_dc_options(
    tx: &mut postgres::Transaction<'_>,
    account: &str,
    options: &[DcOption],
) -> Result<(), postgres::Error> {
    tx.execute(
        "DELETE FROM ferrogram_dc_options WHERE account = $1",
        &[&account],
    )?;
    let mut position = 0i32;
    for o in options {
        tx.execute(
            "INSERT INTO ferrogram_dc_options (account, position, id, ip, port)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &account,
                &position,
                &o.id,
                &o.addr.ip().to_string(),
                &i32::from(o.addr.port()),
            ],
        )?;
        position = position.saturating_add(1);
    }
    Ok(())
}

/// Writes peers merged as [`PeerInfo::merge`] merges, in the database
/// itself (another process may have written the row meanwhile): a `min`
/// sighting never replaces a full one's access hash, unknown fields keep
/// what was known, a username moves to its newest holder. One statement
/// for the whole batch.
pub(super) fn upsert_peers(
    tx: &mut postgres::Transaction<'_>,
    account: &str,
    peers: &[PeerInfo],
) -> Result<Vec<postgres::Row>, postgres::Error> {
    if peers.is_empty() {
        return Ok(Vec::new());
    }
    let marked: Vec<i64> = peers.iter().map(PeerInfo::marked_id).collect();
    let ids: Vec<i64> = peers.iter().map(|p| p.id).collect();
    let kinds: Vec<i16> = peers
        .iter()
        .map(|p| i16::try_from(p.kind.to_code()).unwrap_or(i16::MAX))
        .collect();
    let hashes: Vec<Option<i64>> = peers.iter().map(|p| p.access_hash).collect();
    let usernames: Vec<Option<String>> = peers.iter().map(|p| p.username.clone()).collect();
    let phones: Vec<Option<String>> = peers.iter().map(|p| p.phone.clone()).collect();
    let names: Vec<Option<String>> = peers.iter().map(|p| p.name.clone()).collect();
    let mins: Vec<bool> = peers.iter().map(|p| p.min).collect();
    let migrated: Vec<Option<i64>> = peers.iter().map(|p| p.migrated_to).collect();
    tx.execute(
        "UPDATE ferrogram_peers AS p SET username = NULL
         FROM UNNEST($2::text[], $3::bigint[]) AS n(username, marked_id)
         WHERE p.account = $1 AND p.username = n.username AND p.marked_id <> n.marked_id",
        &[&account, &usernames, &marked],
    )?;
    tx.query(
        &format!(
            "INSERT INTO ferrogram_peers AS p
                 (account, marked_id, id, kind, access_hash, username, phone, name, min, migrated_to)
             SELECT $1, * FROM UNNEST($2::bigint[], $3::bigint[], $4::smallint[], $5::bigint[],
                                      $6::text[], $7::text[], $8::text[], $9::boolean[],
                                      $10::bigint[])
             ON CONFLICT (account, marked_id) DO UPDATE SET
                 kind = CASE WHEN EXCLUDED.min AND NOT p.min THEN p.kind ELSE EXCLUDED.kind END,
                 access_hash = CASE
                     WHEN (EXCLUDED.min AND NOT p.min) OR EXCLUDED.access_hash IS NULL
                     THEN p.access_hash ELSE EXCLUDED.access_hash END,
                 username = COALESCE(EXCLUDED.username, p.username),
                 phone = COALESCE(EXCLUDED.phone, p.phone),
                 name = COALESCE(EXCLUDED.name, p.name),
                 min = p.min AND EXCLUDED.min,
                 migrated_to = COALESCE(EXCLUDED.migrated_to, p.migrated_to)
             RETURNING {PEER_COLUMNS}"
        ),
        &[
            &account, &marked, &ids, &kinds, &hashes, &usernames, &phones, &names, &mins,
            &migrated,
        ],
    )
}

pub(super) fn write_update_state(
    tx: &mut postgres::Transaction<'_>,
    account: &str,
    s: &UpdateState,
) -> Result<(), postgres::Error> {
    // Channel 0 is the common box's row (a channel id from a hostile server
    // must not make the statement touch it twice).
    let known = s.channels.iter().filter(|(c, _)| **c != 0);
    let (channels, pts): (Vec<i64>, Vec<i32>) = known.map(|(c, p)| (*c, *p)).unzip();
    // One statement (one round trip): the channels no longer known go, the
    // common box (channel 0) and every channel's pts are set. The two parts
    // touch different rows, as one statement's parts must.
    tx.execute(
        "WITH gone AS (
             DELETE FROM ferrogram_update_state
             WHERE account = $1 AND channel_id <> 0 AND NOT (channel_id = ANY($2)))
         INSERT INTO ferrogram_update_state (account, channel_id, pts, qts, date, seq)
         SELECT $1, c, p, q, d, s FROM (
             SELECT 0::bigint, $3::integer, $4::integer, $5::integer, $6::integer
             UNION ALL
             SELECT c, p, 0, 0, 0 FROM UNNEST($2::bigint[], $7::integer[]) AS u(c, p)
         ) AS r(c, p, q, d, s)
         ON CONFLICT (account, channel_id) DO UPDATE SET
             pts = EXCLUDED.pts, qts = EXCLUDED.qts, date = EXCLUDED.date, seq = EXCLUDED.seq",
        &[&account, &channels, &s.pts, &s.qts, &s.date, &s.seq, &pts],
    )?;
    Ok(())
}
