//! Differential test against Telethon 1.45.0 (layer 229), the Python peer.
//!
//! `peers/telethon_tl.py` builds randomised instances (fixed seed) of every constructor
//! and function whose id both Telethon and the vendored layer-230 schema have, and
//! writes Telethon's bytes with the canonical form of what Telethon reads back. Here
//! every one must decode, give the same canonical field values, re-encode to the
//! same bytes, and come back unchanged from the `serde` feature's JSON. The shared set is computed by the script, independently of this crate.

mod peer;

use ferrogram_tl_types::{AnyObject, CanonicalJson};
use std::collections::BTreeSet;

#[test]
fn telethon_objects_decode_compare_and_reencode() {
    let Some(python) = peer::python("Telethon differential TL test") else {
        return;
    };
    let out = std::env::temp_dir().join(format!(
        "ferrogram-telethon-tl-{}.jsonl",
        std::process::id()
    ));
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/schema");
    peer::run(
        &python,
        &[
            &peer::script("telethon_tl.py"),
            schema,
            out.to_str().expect("utf-8 path"),
        ],
    );
    let text = std::fs::read_to_string(&out).expect("peer output");
    let _ = std::fs::remove_file(&out);
    let mut lines = text.lines();
    let header: serde_json::Value =
        serde_json::from_str(lines.next().expect("header")).expect("header json");
    let shared: BTreeSet<u32> = header["shared_ids"]
        .as_array()
        .expect("shared_ids")
        .iter()
        .map(|v| v.as_u64().expect("id") as u32)
        .collect();
    assert_eq!(shared.len() as u64, header["shared"].as_u64().unwrap());

    let mut ok: BTreeSet<u32> = BTreeSet::new();
    let mut bad: BTreeSet<u32> = BTreeSet::new();
    let mut failures = Vec::new();
    let mut samples = 0;
    for line in lines {
        samples += 1;
        let v: serde_json::Value = serde_json::from_str(line).expect("sample json");
        let id = v["id"].as_u64().unwrap() as u32;
        let name = v["name"].as_str().unwrap();
        let bytes = peer::unhex(v["hex"].as_str().unwrap());
        let result = AnyObject::from_bytes(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|obj| {
                let ours: serde_json::Value = serde_json::from_str(&obj.to_canonical_json())
                    .map_err(|e| format!("our canonical json: {e}"))?;
                if ours != v["canon"] {
                    return Err(format!(
                        "field values differ:\n  ours   {ours}\n  theirs {}",
                        v["canon"]
                    ));
                }
                if obj.to_bytes() != bytes {
                    return Err("re-encoding differs from Telethon's bytes".into());
                }
                // And through the serde feature's JSON and back.
                let json = serde_json::to_string(&obj).map_err(|e| format!("to JSON: {e}"))?;
                let back: AnyObject =
                    serde_json::from_str(&json).map_err(|e| format!("from JSON {json}: {e}"))?;
                if back.to_bytes() != bytes {
                    return Err(format!("the JSON round trip changed it: {json}"));
                }
                Ok(())
            });
        match result {
            Ok(()) => {
                ok.insert(id);
            }
            Err(e) => {
                bad.insert(id);
                if failures.len() < 10 {
                    failures.push(format!("{name} ({id:08x}): {e}"));
                }
            }
        }
    }
    let checked: BTreeSet<u32> = ok
        .difference(&bad)
        .copied()
        .filter(|id| shared.contains(id))
        .collect();
    println!(
        "checked {} of {} shared constructors ({samples} samples)",
        checked.len(),
        shared.len()
    );
    println!(
        "only in Telethon (layer {}): {}",
        header["telethon_layer"], header["only_telethon"]
    );
    println!(
        "only in the vendored layer 230: {} ids",
        header["only_vendored"].as_array().map_or(0, Vec::len)
    );
    let failed = header["failed"].as_object().map_or(0, |m| m.len());
    assert!(
        failed == 0,
        "Telethon could not build {failed}: {}",
        header["failed"]
    );
    assert!(
        failures.is_empty(),
        "{} constructors differ, e.g.:\n{}",
        bad.len(),
        failures.join("\n")
    );
    assert_eq!(
        checked.len(),
        shared.len(),
        "unchecked: {:?}",
        shared.difference(&checked).collect::<Vec<_>>()
    );
    assert!(shared.len() > 2400, "suspiciously few shared constructors");
}
