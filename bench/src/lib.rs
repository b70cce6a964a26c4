//! Shared inputs of the benchmarks: the same bytes for every implementation.
#![forbid(unsafe_code)]

/// `channels.channelParticipants`: 200 participants and 200 users, encoded by Telethon.
pub const PARTICIPANTS: &[u8] = include_bytes!("../../cli/fixtures/channel_participants_200.bin");
/// `messages.messages`: 100 messages, encoded by Telethon.
pub const MESSAGES: &[u8] = include_bytes!("../../cli/fixtures/messages_100.bin");
