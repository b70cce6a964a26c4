//! Builds a request and an answer, encodes them to TL bytes and reads them
//! back: what a client and a server do with every message. Run:
//! `cargo run -p ferrogram-tl-types --example encode_decode`.

use ferrogram_tl_types::{Deserializable, RemoteCall, Serializable, enums, functions, types};

fn main() -> Result<(), ferrogram_tl_types::DeserializeError> {
    // A request: the first 100 admins of a channel.
    let request = functions::channels::GetParticipants {
        channel: enums::InputChannel::from(types::InputChannel {
            channel_id: 1234567890,
            access_hash: -42,
        }),
        filter: enums::ChannelParticipantsFilter::ChannelParticipantsAdmins,
        offset: 0,
        limit: 100,
        hash: 0,
    };
    let bytes = request.to_bytes();
    println!("channels.getParticipants: {} bytes", bytes.len());
    let back = functions::channels::GetParticipants::from_bytes(&bytes)?;
    assert_eq!(back.limit, 100);

    // Its answer type is named by the function: decode what a server sent.
    let user = types::User {
        id: 7,
        first_name: Some("Ada".into()),
        username: Some("ada".into()),
        ..types::User::default()
    };
    let answer = enums::channels::ChannelParticipants::from(types::channels::ChannelParticipants {
        count: 1,
        participants: vec![enums::ChannelParticipant::from(
            types::ChannelParticipantCreator {
                user_id: 7,
                admin_rights: enums::ChatAdminRights::from(types::ChatAdminRights::default()),
                rank: None,
            },
        )],
        chats: Vec::new(),
        users: vec![enums::User::from(user)],
    });
    let wire = answer.to_bytes();
    let decoded: <functions::channels::GetParticipants as RemoteCall>::Return =
        Deserializable::from_bytes(&wire)?;
    let enums::channels::ChannelParticipants::ChannelParticipants(page) = decoded else {
        unreachable!("encoded as a page")
    };
    let enums::User::User(first) = &page.users[0] else {
        unreachable!("encoded as a user")
    };
    println!(
        "{} participant(s), first @{}",
        page.count,
        first.username.as_deref().unwrap_or("?")
    );

    // Bad bytes are a typed error with the offset and constructor id, never a panic.
    let err = functions::channels::GetParticipants::from_bytes(&bytes[..9]).unwrap_err();
    println!("truncated: {err}");
    Ok(())
}
