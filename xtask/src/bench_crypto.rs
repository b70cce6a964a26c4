//! The MTProto crypto section of `BENCHMARKS.md`: criterion's figures for
//! `bench/benches/crypto.rs`, next to grammers-crypto and to `openssl speed` on the
//! same machine in the same run, with the targets as ratios.

use crate::bench::{criterion_mean, human_ns};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

pub const CRYPTO_START: &str = "<!-- crypto -->";
pub const CRYPTO_END: &str = "<!-- /crypto -->";

const SIZES: [(&str, &str, u64); 3] = [
    ("1KiB", "1 KiB", 1 << 10),
    ("64KiB", "64 KiB", 64 << 10),
    ("1MiB", "1 MiB", 1 << 20),
];

/// `openssl speed` throughput in MB/s for one algorithm and block size, if openssl runs.
fn openssl_speed(algorithm: &str, bytes: u64) -> Option<f64> {
    let out = Command::new("openssl")
        .args([
            "speed",
            "-elapsed",
            "-seconds",
            "2",
            "-bytes",
            &bytes.to_string(),
            "-evp",
            algorithm,
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last()?;
    let k: f64 = line
        .split_whitespace()
        .last()?
        .trim_end_matches('k')
        .parse()
        .ok()?;
    Some(k / 1000.0)
}

/// MB/s for `bytes` in `ns`.
fn mbs(bytes: u64, ns: f64) -> f64 {
    bytes as f64 / ns * 1e3
}

/// The section between its markers, from criterion's last run of the crypto
/// benchmarks and a fresh `openssl speed` at each size.
pub fn section(crit: &Path, handshake_ns: f64) -> Result<String, String> {
    let mut md = String::new();
    let _ = writeln!(md, "{CRYPTO_START}\n## MTProto crypto (criterion mean)\n");
    let _ = writeln!(
        md,
        "Next to grammers-crypto 0.11.0 on the same inputs, one core. Packet encryption includes building the 32-byte header and the random padding (12 to 75 bytes here); decryption includes every check (msg_key, length, padding); throughput counts body bytes. Our AES runs on the AES-NI path on this machine when it has AES-NI (`ferrogram_mtproto::crypto::ige_backend()`).\n"
    );
    let _ = writeln!(
        md,
        "| benchmark | ferrogram | grammers | grammers / ferrogram | ferrogram throughput |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    let mut ours = std::collections::HashMap::new();
    let mut row = |md: &mut String, group: String, what: String, bytes: u64| {
        let us = criterion_mean(crit, &group, "ferrogram")?;
        let them = criterion_mean(crit, &group, "grammers")?;
        let tput = if bytes > 0 {
            format!("{:.0} MB/s", mbs(bytes, us))
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "| {what} | {} | {} | {:.2}× | {tput} |",
            human_ns(us),
            human_ns(them),
            them / us
        );
        ours.insert(group, us);
        Ok::<(), String>(())
    };
    for (way, label) in [
        ("ige_encrypt", "AES-256-IGE encrypt"),
        ("ige_decrypt", "AES-256-IGE decrypt"),
        ("packet_encrypt", "MTProto 2.0 packet encrypt"),
        ("packet_decrypt", "MTProto 2.0 packet decrypt"),
    ] {
        for (id, human, bytes) in SIZES {
            row(
                &mut md,
                format!("{way}_{id}"),
                format!("{label} {human}"),
                bytes,
            )?;
        }
    }
    row(
        &mut md,
        "pq_factorize".into(),
        "pq factorization (16 values of 61 to 63 bits)".into(),
        0,
    )?;
    let _ = writeln!(
        md,
        "\nWhole auth-key creation in memory (client and server CPU together: RSA_PAD, RSA decryption, 2048-bit DH on both sides, Telegram's prime recognised): {}. grammers has no server side to compare with.\n",
        human_ns(handshake_ns)
    );
    let _ = writeln!(
        md,
        "### Against the machine's ceiling (`openssl speed -elapsed -seconds 2 -bytes N -evp ...`, same run)\n"
    );
    let _ = writeln!(
        md,
        "CBC encryption is a chain of dependent AES blocks, as IGE is both ways: the fair ceiling for IGE. A packet done one step after the other is bounded by 1/(1/AES + 1/SHA-256) at that size (the sequential bound); decryption hashes inside the IGE loop, so it can pass that bound. Targets: IGE ≥ 0.95× CBC; packet encrypt ≥ 0.90× the bound; packet decrypt of 1 MiB ≥ 1.4× the bound.\n"
    );
    let _ = writeln!(
        md,
        "| size | openssl AES-256-CBC | openssl SHA-256 | sequential bound | IGE encrypt / CBC | IGE decrypt / CBC | packet encrypt / bound | packet decrypt / bound |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for (id, human, bytes) in SIZES {
        let (Some(aes), Some(sha)) = (
            openssl_speed("aes-256-cbc", bytes),
            openssl_speed("sha256", bytes),
        ) else {
            let _ = writeln!(md, "| {human} | openssl unavailable | | | | | | |");
            continue;
        };
        let bound = 1.0 / (1.0 / aes + 1.0 / sha);
        let get = |way: &str| mbs(bytes, ours[&format!("{way}_{id}")]);
        let _ = writeln!(
            md,
            "| {human} | {aes:.0} MB/s | {sha:.0} MB/s | {bound:.0} MB/s | {:.2}× | {:.2}× | {:.2}× | {:.2}× |",
            get("ige_encrypt") / aes,
            get("ige_decrypt") / aes,
            get("packet_encrypt") / bound,
            get("packet_decrypt") / bound,
        );
    }
    let _ = writeln!(md, "{CRYPTO_END}");
    Ok(md)
}
