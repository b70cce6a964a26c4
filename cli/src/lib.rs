//! The parts of the `ferrogram` command-line tool that read what a user types
//! and are worth reusing or fuzzing on their own: [`time`] (the `--until` dates
//! and `--for` durations) and [`profile`] (what `login` remembers beside the
//! session file). The tool itself is the `ferrogram` binary of this
//! package; `cargo install ferrogram-cli` installs it.
#![forbid(unsafe_code)]

pub mod profile;
pub mod time;
