//! Build times of the types crate as a user meets them: a dependency of an empty
//! binary crate that decodes and re-encodes the participants fixture, next to
//! grammers-tl-types used the same way, one after the other in one run.

use crate::bench::cargo;
use crate::root;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One side's timings, in seconds.
pub struct BuildTimes {
    /// `cargo build --release`, empty target directory (default release profile).
    pub release: f64,
    /// `cargo build`, empty target directory (default dev profile).
    pub debug: f64,
    /// `cargo build` again after an edit of the user crate's `main.rs`.
    pub incremental_debug: f64,
    /// `cargo build --release` again after an edit of `main.rs`.
    pub incremental_release: f64,
}

/// The user crate: decodes and re-encodes the fixture with `krate`.
fn user_crate(dir: &Path, name: &str, dependency: &str, krate: &str) -> Result<(), String> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependency}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    write_main(dir, krate, 0)
}

fn write_main(dir: &Path, krate: &str, edit: u32) -> Result<(), String> {
    let fixture = root().join("cli/fixtures/channel_participants_200.bin");
    let main = format!(
        "use {krate}::{{Deserializable, Serializable}};\n\n\
         fn main() {{\n    \
             let bytes = include_bytes!({fixture:?});\n    \
             let value = {krate}::enums::channels::ChannelParticipants::from_bytes(bytes).expect(\"decodes\");\n    \
             println!(\"{{}} {edit}\", value.to_bytes().len());\n\
         }}\n"
    );
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())
}

fn timed(dir: &Path, release: bool) -> Result<f64, String> {
    let mut cmd = cargo();
    cmd.arg("build").arg("--quiet").current_dir(dir);
    if release {
        cmd.arg("--release");
    }
    // The user's defaults, not this workspace's settings.
    cmd.env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS");
    let start = Instant::now();
    let status = cmd.status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("build in {} failed", dir.display()));
    }
    Ok(start.elapsed().as_secs_f64())
}

fn measure(dir: &Path, krate: &str) -> Result<BuildTimes, String> {
    // Fetch first, so that downloads are not timed.
    let fetch = cargo()
        .args(["fetch", "--quiet"])
        .current_dir(dir)
        .status()
        .map_err(|e| e.to_string())?;
    if !fetch.success() {
        return Err(format!("cargo fetch in {} failed", dir.display()));
    }
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let release = timed(dir, true)?;
    write_main(dir, krate, 1)?;
    let incremental_release = timed(dir, true)?;
    let _ = std::fs::remove_dir_all(&target);
    let debug = timed(dir, false)?;
    write_main(dir, krate, 2)?;
    let incremental_debug = timed(dir, false)?;
    let _ = std::fs::remove_dir_all(&target);
    Ok(BuildTimes {
        release,
        debug,
        incremental_debug,
        incremental_release,
    })
}

/// Ferrogram's and grammers' build times, measured one after the other.
pub fn measure_both() -> Result<(BuildTimes, BuildTimes), String> {
    let base: PathBuf = root().join("target/bench-builds");
    let _ = std::fs::remove_dir_all(&base);
    let ours = base.join("ferrogram-user");
    let theirs = base.join("grammers-user");
    let tl_types = root().join("tl-types");
    user_crate(
        &ours,
        "ferrogram-user",
        &format!(
            "ferrogram-tl-types = {{ path = {:?} }}",
            tl_types.display().to_string()
        ),
        "ferrogram_tl_types",
    )?;
    user_crate(
        &theirs,
        "grammers-user",
        "grammers-tl-types = { version = \"=0.11.0\", features = [\"tl-api\", \"tl-mtproto\", \"deserializable-functions\"] }",
        "grammers_tl_types",
    )?;
    let a = measure(&ours, "ferrogram_tl_types")?;
    let b = measure(&theirs, "grammers_tl_types")?;
    let _ = std::fs::remove_dir_all(&base);
    Ok((a, b))
}

/// The Markdown table of both sides' build times.
pub fn table(ours: &BuildTimes, theirs: &BuildTimes) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "## Building the types crate, as a user does\n");
    let _ = writeln!(
        md,
        "A binary crate whose `main` decodes and re-encodes the participants fixture depends on the types crate (default features; grammers-tl-types with tl-api, tl-mtproto, deserializable-functions) under the default profiles, built in an empty target directory; then `main.rs` is edited and the crate built again. Ferrogram's first, grammers' right after.\n"
    );
    let _ = writeln!(
        md,
        "| build | ferrogram | grammers | ferrogram / grammers |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|");
    for (what, a, b) in [
        ("clean release", ours.release, theirs.release),
        ("clean debug", ours.debug, theirs.debug),
        (
            "incremental release (main.rs edited)",
            ours.incremental_release,
            theirs.incremental_release,
        ),
        (
            "incremental debug (main.rs edited)",
            ours.incremental_debug,
            theirs.incremental_debug,
        ),
    ] {
        let _ = writeln!(md, "| {what} | {a:.1} s | {b:.1} s | {:.2}× |", a / b);
    }
    let _ = writeln!(
        md,
        "\nBelow 1 means Ferrogram builds faster. The codecs are `#[inline]`, so a user crate compiles the (de)serializers it calls (here those of `channels.channelParticipants`); the incremental rows show what that costs it."
    );
    md
}
