//! What `ferrogram login` remembers next to the session file
//! (`<session>.profile.json`), so that later commands need no flags: the API
//! credentials, a custom server, its DC and RSA key. The file is read as
//! untrusted text: anything but the JSON [`Profile::to_json`] writes is a
//! [`ProfileError`] (the `cli_profile` fuzz target holds the parser to that).

use std::net::SocketAddr;

/// The remembered settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Profile {
    /// `--api-id`.
    pub api_id: Option<i32>,
    /// `--api-hash`.
    pub api_hash: Option<String>,
    /// `--server`.
    pub server: Option<SocketAddr>,
    /// The DC `--server` answered for.
    pub dc: Option<i32>,
    /// The PEM of `--rsa-key`.
    pub rsa_key_pem: Option<String>,
}

/// Why a profile's text is not one `ferrogram` wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileError(pub String);

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Parses a profile's text.
    pub fn from_json(text: &str) -> Result<Self, ProfileError> {
        let bad = |why: String| ProfileError(why);
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let serde_json::Value::Object(m) = &v else {
            return Err(bad("not an object".into()));
        };
        let int = |key: &str| -> Result<Option<i32>, ProfileError> {
            match m.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(n) => n
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .map(Some)
                    .ok_or_else(|| bad(format!("{key} is not a 32-bit integer"))),
            }
        };
        let text = |key: &str| -> Result<Option<String>, ProfileError> {
            match m.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(bad(format!("{key} is not a string"))),
            }
        };
        Ok(Self {
            api_id: int("api_id")?,
            api_hash: text("api_hash")?,
            server: text("server")?
                .map(|s| s.parse().map_err(|_| bad(format!("bad server {s:?}"))))
                .transpose()?,
            dc: int("dc")?,
            rsa_key_pem: text("rsa_key_pem")?,
        })
    }

    /// The text [`Profile::from_json`] reads back.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "api_id": self.api_id,
            "api_hash": self.api_hash,
            "server": self.server.map(|s| s.to_string()),
            "dc": self.dc,
            "rsa_key_pem": self.rsa_key_pem,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let p = Profile {
            api_id: Some(12345),
            api_hash: Some("abc".into()),
            server: Some("127.0.0.1:4430".parse().unwrap()),
            dc: Some(2),
            rsa_key_pem: Some("-----BEGIN RSA PUBLIC KEY-----".into()),
        };
        assert_eq!(Profile::from_json(&p.to_json()).unwrap(), p);
        assert_eq!(Profile::from_json("{}").unwrap(), Profile::default());
        for text in [
            "{not json",
            "[1, 2]",
            r#"{"api_id": 99999999999}"#,
            r#"{"api_id": "1"}"#,
            r#"{"server": "nowhere"}"#,
            r#"{"rsa_key_pem": 5}"#,
        ] {
            assert!(Profile::from_json(text).is_err(), "{text}");
        }
    }
}
