//! `--log-requests`: one JSON line per decoded request, secrets redacted
//! (behind the `request-log` feature).
//!
//! The parameters are the request as `ferrogram-tl-types`' `serde` feature
//! writes it: an object whose `"_"` names the TL constructor
//! (`"channels.getParticipants"`), with the schema's field names. Fields that
//! carry secrets (tokens, codes, passwords, SRP values, raw `bytes`) are
//! replaced by `"<redacted>"`, at any depth.

use std::io::Write;
use std::sync::Mutex;

use ferrogram_tl_types::AnyObject;
use serde_json::Value;

/// Field names whose values are never logged.
const SECRET_FIELDS: &[&str] = &[
    "bytes",
    "bot_auth_token",
    "phone_code",
    "password",
    "a",
    "m1",
    "srp_b",
    "secret",
    "token",
    "future_auth_token",
    "encrypted_data",
];

/// Where request lines go.
pub(crate) struct RequestLog {
    out: Mutex<Box<dyn Write + Send>>,
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestLog")
    }
}

impl RequestLog {
    pub(crate) fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out: Mutex::new(out),
        }
    }

    /// Writes one line for a request (`request` None: it did not decode).
    pub(crate) fn request(
        &self,
        dc: i32,
        session: i64,
        msg_id: i64,
        method: &str,
        request: Option<&AnyObject>,
    ) {
        let line = serde_json::json!({
            "dc": dc,
            "session": session,
            "msg_id": msg_id,
            "method": method,
            "params": request.map_or(Value::Null, params),
        });
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// A request as JSON, secrets redacted.
pub(crate) fn params(request: &AnyObject) -> Value {
    let mut v = serde_json::to_value(request).unwrap_or(Value::Null);
    redact(&mut v);
    v
}

/// Replaces the value of every secret field, at any depth.
fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, field) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) {
                    *field = Value::String("<redacted>".into());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrogram_tl_types::{Serializable, enums, functions, types};

    fn any(bytes: Vec<u8>) -> AnyObject {
        AnyObject::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn a_request_becomes_json_with_secrets_redacted_at_any_depth() {
        let req = functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: 5,
            api_hash: "h\"q\n\u{7}é".into(),
            bot_auth_token: "123:SECRET".into(),
        };
        let v = params(&any(req.to_bytes()));
        assert_eq!(v["_"], "auth.importBotAuthorization");
        assert_eq!(v["api_id"], 5);
        assert_eq!(v["api_hash"], "h\"q\n\u{7}é");
        assert_eq!(v["bot_auth_token"], "<redacted>");
        assert!(!v.to_string().contains("SECRET"));

        // Nested: the SRP proof inside checkPassword's input.
        let check = functions::auth::CheckPassword {
            password: enums::InputCheckPasswordSRP::from(types::InputCheckPasswordSRP {
                srp_id: 7,
                a: vec![1; 256],
                m1: vec![2; 32],
            }),
        };
        let v = params(&any(check.to_bytes()));
        assert_eq!(v["password"], "<redacted>");

        let peers = functions::messages::GetPeerDialogs {
            peers: vec![enums::InputDialogPeer::from(types::InputDialogPeer {
                peer: enums::InputPeer::from(types::InputPeerUser {
                    user_id: -7,
                    access_hash: i64::MIN,
                }),
            })],
        };
        let v = params(&any(peers.to_bytes()));
        assert_eq!(v["peers"][0]["peer"]["_"], "inputPeerUser");
        assert_eq!(v["peers"][0]["peer"]["user_id"], -7);
        assert_eq!(v["peers"][0]["peer"]["access_hash"], i64::MIN);
    }
}
