//! The Telethon processes of the soak (`peers/telethon_soak.py`, the pinned
//! Telethon): each signs in an account of its own and sends and lists
//! beside the Ferrogram clients, then prints a `RESULT {json}` line.

use std::collections::BTreeMap;
use std::time::Duration;

use ferrogram_testserver::TestServer;

use crate::Args;

/// One Telethon process: its PID and what it printed.
pub struct Peer {
    child: std::process::Child,
    pub pid: u32,
}

/// Starts Telethon process `i` on an account of its own.
pub fn spawn(a: &Args, server: &TestServer, i: usize) -> Result<Peer, String> {
    let (Some(python), Some(script)) = (&a.python, &a.script) else {
        return Err("--telethon needs --python and --script".into());
    };
    let phone = crate::phone(server.dc_id(), 900 + i);
    server.create_user("Telethon", &format!("Soak {i}"), &phone);
    let info = serde_json::to_string(&server.info()).map_err(|e| e.to_string())?;
    let code = ferrogram_testserver::world::login_code(&phone);
    let child = std::process::Command::new(python)
        .arg(script)
        .arg(info)
        .arg(&phone)
        .arg(code)
        .arg(a.seconds.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("{python} {script}: {e}"))?;
    let pid = child.id();
    Ok(Peer { child, pid })
}

/// What the Telethon processes reported, together.
#[derive(Default)]
pub struct Reported {
    /// The ids of the messages they sent.
    pub sent: Vec<i32>,
    pub unanswered: Vec<String>,
    pub rpc_errors: BTreeMap<String, u64>,
}

/// Waits for a Telethon process (bounded) and adds what it reported.
pub async fn result(peer: Peer, into: &mut Reported) -> Result<(), String> {
    let waiting = tokio::task::spawn_blocking(move || peer.child.wait_with_output());
    let out = tokio::time::timeout(Duration::from_secs(120), waiting)
        .await
        .map_err(|_| "a Telethon process did not finish".to_string())?
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or_else(|| format!("no RESULT from Telethon ({}): {text}", out.status))?;
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    into.sent.extend(
        v["sent"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| i32::try_from(x.as_i64()?).ok()),
    );
    for e in v["unanswered"].as_array().into_iter().flatten() {
        into.unanswered.push(format!("telethon: {e}"));
    }
    for (name, n) in v["rpc_errors"].as_object().into_iter().flatten() {
        *into
            .rpc_errors
            .entry(format!("telethon: {name}"))
            .or_default() += n.as_u64().unwrap_or(0);
    }
    Ok(())
}
