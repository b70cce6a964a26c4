//! `ferrogram`: the Telegram chat administrator's command-line tool.
//!
//! `ferrogram demo` is the README's showcase: it runs everything Ferrogram can do so
//! far, offline, and exits non-zero if any step does not do what it should.
#![forbid(unsafe_code)]

mod demo;
mod handshake;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Telegram chat administration from the command line.
#[derive(Parser)]
#[command(name = "ferrogram", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Walk through what Ferrogram does, offline, against built-in data.
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => demo::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferrogram: {e}");
            ExitCode::FAILURE
        }
    }
}
