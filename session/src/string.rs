//! The string form: home DC, DC options and auth keys in one URL-safe string.
//!
//! `fg1` followed by unpadded base64url of: home DC (i32 LE, 0 = unknown), the
//! number of DC options (u8), each as id (i32 LE), address family (4 or 6), the
//! address (4 or 16 bytes) and port (u16 LE), the number of auth keys (u8), each as
//! DC id (i32 LE) and the 256-byte key. The peer cache and update state are left
//! out: they are rebuilt from the network, and the string stays small enough for an
//! environment variable.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{DcOption, SessionData, SessionError};

const PREFIX: &str = "fg1";

impl SessionData {
    /// The string form (see the module docs of `string`); secrets inside, so
    /// treat it like a password.
    pub fn to_session_string(&self) -> String {
        let mut b = Vec::new();
        b.extend_from_slice(&self.home_dc.unwrap_or(0).to_le_bytes());
        // The format counts in one byte: more than 255 options or keys cannot
        // be written (a session holds a handful).
        let options: Vec<&DcOption> = self.dc_options.iter().take(255).collect();
        b.push(u8::try_from(options.len()).unwrap_or(u8::MAX));
        for o in options {
            b.extend_from_slice(&o.id.to_le_bytes());
            match o.addr.ip() {
                IpAddr::V4(ip) => {
                    b.push(4);
                    b.extend_from_slice(&ip.octets());
                }
                IpAddr::V6(ip) => {
                    b.push(6);
                    b.extend_from_slice(&ip.octets());
                }
            }
            b.extend_from_slice(&o.addr.port().to_le_bytes());
        }
        let keys: Vec<_> = self.auth_keys.iter().take(255).collect();
        b.push(u8::try_from(keys.len()).unwrap_or(u8::MAX));
        for (dc, key) in keys {
            b.extend_from_slice(&dc.to_le_bytes());
            b.extend_from_slice(key);
        }
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(b))
    }

    /// Reads the string form. Errors say what is wrong and where.
    pub fn from_session_string(s: &str) -> Result<Self, SessionError> {
        let bad = |m: String| SessionError::InvalidString(m);
        let body = s.trim().strip_prefix(PREFIX).ok_or_else(|| {
            bad(format!(
                "expected a Ferrogram session string starting with {PREFIX:?} (Telethon strings start with \"1\": use telethon::import_string)"
            ))
        })?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|e| bad(format!("not base64url: {e}")))?;
        let mut r = Cursor::new(&bytes);
        let mut data = SessionData::default();
        let home = r.i32()?;
        data.home_dc = (home != 0).then_some(home);
        for _ in 0..r.u8()? {
            let id = r.i32()?;
            let ip = match r.u8()? {
                4 => IpAddr::V4(Ipv4Addr::from(r.array::<4>()?)),
                6 => IpAddr::V6(Ipv6Addr::from(r.array::<16>()?)),
                f => {
                    return Err(bad(format!(
                        "unknown address family {f} at byte {}",
                        r.at.saturating_sub(1)
                    )));
                }
            };
            let port = u16::from_le_bytes(r.array()?);
            data.dc_options.push(DcOption {
                id,
                addr: SocketAddr::new(ip, port),
            });
        }
        for _ in 0..r.u8()? {
            let dc = r.i32()?;
            let key: [u8; 256] = r.array()?;
            data.auth_keys.insert(dc, key);
        }
        if r.left() != 0 {
            return Err(bad(format!("{} trailing bytes", r.left())));
        }
        Ok(data)
    }
}

/// A reader over decoded session-string bytes; running out is an
/// [`SessionError::InvalidString`] naming the offset.
pub(crate) struct Cursor<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Self { b, at: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], SessionError> {
        let out = self
            .at
            .checked_add(n)
            .and_then(|end| self.b.get(self.at..end))
            .ok_or_else(|| {
                SessionError::InvalidString(format!(
                    "truncated: needed {n} bytes at byte {} of {}",
                    self.at,
                    self.b.len()
                ))
            })?;
        // `get` succeeded, so `at + n <= len`.
        self.at = self.at.saturating_add(n);
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], SessionError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, SessionError> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    pub(crate) fn i32(&mut self) -> Result<i32, SessionError> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    pub(crate) fn left(&self) -> usize {
        self.b.len().saturating_sub(self.at)
    }
}
