//! A SOCKS5 client (RFC 1928, with RFC 1929 username/password), enough to reach
//! Telegram through a proxy.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A SOCKS5 proxy.
#[derive(Clone, PartialEq, Eq)]
pub struct Socks5Proxy {
    /// The proxy's address.
    pub addr: SocketAddr,
    /// Username and password, if the proxy asks for them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for Socks5Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socks5Proxy")
            .field("addr", &self.addr)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

fn fail(msg: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::ConnectionRefused, msg.into())
}

impl Socks5Proxy {
    /// Connects to `target` through the proxy.
    pub async fn connect(&self, target: SocketAddr) -> std::io::Result<TcpStream> {
        let mut s = TcpStream::connect(self.addr).await?;
        let methods: &[u8] = if self.credentials.is_some() {
            &[0x00, 0x02]
        } else {
            &[0x00]
        };
        let mut hello = vec![0x05, methods.len() as u8];
        hello.extend_from_slice(methods);
        s.write_all(&hello).await?;
        let mut reply = [0u8; 2];
        s.read_exact(&mut reply).await?;
        if reply[0] != 0x05 {
            return Err(fail("not a SOCKS5 proxy"));
        }
        match (reply[1], &self.credentials) {
            (0x00, _) => {}
            (0x02, Some((user, pass))) => {
                if user.len() > 255 || pass.len() > 255 {
                    return Err(fail("SOCKS5 username or password longer than 255 bytes"));
                }
                let mut auth = vec![0x01, user.len() as u8];
                auth.extend_from_slice(user.as_bytes());
                auth.push(pass.len() as u8);
                auth.extend_from_slice(pass.as_bytes());
                s.write_all(&auth).await?;
                let mut r = [0u8; 2];
                s.read_exact(&mut r).await?;
                if r[1] != 0x00 {
                    return Err(fail("the SOCKS5 proxy refused the username or password"));
                }
            }
            (0xff, _) | (_, None) => {
                return Err(fail(
                    "the SOCKS5 proxy accepts none of our authentication methods",
                ));
            }
            (m, _) => return Err(fail(format!("the SOCKS5 proxy chose unknown method {m}"))),
        }
        let mut req = vec![0x05, 0x01, 0x00];
        match target {
            SocketAddr::V4(a) => {
                req.push(0x01);
                req.extend_from_slice(&a.ip().octets());
            }
            SocketAddr::V6(a) => {
                req.push(0x04);
                req.extend_from_slice(&a.ip().octets());
            }
        }
        req.extend_from_slice(&target.port().to_be_bytes());
        s.write_all(&req).await?;
        let mut head = [0u8; 4];
        s.read_exact(&mut head).await?;
        if head[1] != 0x00 {
            return Err(fail(format!(
                "the SOCKS5 proxy could not connect to {target} (reply {})",
                head[1]
            )));
        }
        let skip = match head[3] {
            0x01 => 4 + 2,
            0x04 => 16 + 2,
            0x03 => {
                let mut n = [0u8; 1];
                s.read_exact(&mut n).await?;
                n[0] as usize + 2
            }
            t => return Err(fail(format!("the SOCKS5 proxy answered address type {t}"))),
        };
        let mut rest = vec![0u8; skip];
        s.read_exact(&mut rest).await?;
        Ok(s)
    }
}
