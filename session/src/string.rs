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
        let options: Vec<&DcOption> = self.dc_options.iter().take(255).collect();
        b.push(options.len() as u8);
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
        b.push(keys.len() as u8);
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
        let mut r = Cursor { b: &bytes, at: 0 };
        let mut data = SessionData::default();
        let home = r.i32()?;
        data.home_dc = (home != 0).then_some(home);
        for _ in 0..r.u8()? {
            let id = r.i32()?;
            let ip = match r.u8()? {
                4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(r.take(4)?).expect("4"))),
                6 => IpAddr::V6(Ipv6Addr::from(
                    <[u8; 16]>::try_from(r.take(16)?).expect("16"),
                )),
                f => {
                    return Err(bad(format!(
                        "unknown address family {f} at byte {}",
                        r.at - 1
                    )));
                }
            };
            let port = u16::from_le_bytes(r.take(2)?.try_into().expect("2"));
            data.dc_options.push(DcOption {
                id,
                addr: SocketAddr::new(ip, port),
            });
        }
        for _ in 0..r.u8()? {
            let dc = r.i32()?;
            let key: [u8; 256] = r.take(256)?.try_into().expect("256");
            data.auth_keys.insert(dc, key);
        }
        if r.at != bytes.len() {
            return Err(bad(format!("{} trailing bytes", bytes.len() - r.at)));
        }
        Ok(data)
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SessionError> {
        let out = self.b.get(self.at..self.at + n).ok_or_else(|| {
            SessionError::InvalidString(format!(
                "truncated: needed {n} bytes at byte {} of {}",
                self.at,
                self.b.len()
            ))
        })?;
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, SessionError> {
        Ok(self.take(1)?[0])
    }

    fn i32(&mut self) -> Result<i32, SessionError> {
        Ok(i32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let mut d = SessionData {
            home_dc: Some(2),
            ..SessionData::default()
        };
        d.dc_options.push(DcOption {
            id: 2,
            addr: "127.0.0.1:4430".parse().unwrap(),
        });
        d.dc_options.push(DcOption {
            id: 4,
            addr: "[2001:db8::1]:443".parse().unwrap(),
        });
        d.auth_keys.insert(2, [7; 256]);
        let s = d.to_session_string();
        assert!(
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(SessionData::from_session_string(&s).unwrap(), d);
        let e = SessionData::from_session_string(&s[..s.len() - 10]).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = SessionData::from_session_string("1BVtsOK").unwrap_err();
        assert!(e.to_string().contains("telethon::import_string"), "{e}");
        assert!(SessionData::from_session_string("fg1!!").is_err());
    }
}
