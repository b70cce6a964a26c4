//! Ferrogram's build tasks, run as `cargo xtask <task>`:
//!
//! - `codegen [--check]`: regenerate `tl-types/src/generated/` from the vendored schema.
//! - `test`: everything CI checks (formatting, clippy, the whole test suite with the
//!   Python peers installed, and a short smoke run of every fuzz target).
//! - `bench`: the `bench/` workspace, side by side with peers; rewrites `BENCHMARKS.md`.
//! - `fuzz [TARGET] [SECONDS]`: run fuzz targets with libFuzzer on the stable toolchain.

mod codegen;

use std::path::PathBuf;
use std::process::ExitCode;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&root(), args.iter().any(|a| a == "--check")),
        _ => Err(
            "usage: cargo xtask <codegen [--check] | test | bench | fuzz [TARGET] [SECONDS]>"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
