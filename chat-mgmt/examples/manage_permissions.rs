//! The seed's "User Permissions and Restrictions" example.

mod support;

use std::time::{Duration, SystemTime};

use ferrogram_chat_mgmt::{BannedRights, ChatManagement, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let chat = support::chat("@ferrogram_lounge");
    let user_to_restrict = support::some_member(&client, &chat).await?;

    // Restrict user for 1 hour
    let restriction_end = SystemTime::now() + Duration::from_secs(3600);
    let muted = BannedRights::new()
        .send_messages(false) // Cannot send messages
        .send_media(false) // Cannot send media
        .send_stickers(false) // Cannot send stickers
        .embed_links(false) // Cannot embed links
        .until_date(Some(restriction_end));
    client
        .edit_permissions(&chat, &user_to_restrict, muted)
        .await?;
    println!("Restricted {user_to_restrict} for 1 hour");
    let p = client.get_permissions(&chat, &user_to_restrict).await?;
    assert!(p.is_banned);
    let denied: Vec<_> = p.banned_rights.iter().flat_map(|r| r.denied()).collect();
    println!("Denied: {denied:?}");

    // Remove restrictions (restore default permissions)
    client
        .edit_permissions(&chat, &user_to_restrict, BannedRights::new()) // Everything allowed, no time limit
        .await?;
    println!("Removed restrictions from {user_to_restrict}");

    // Set default chat permissions (for all members)
    client
        .edit_default_permissions(
            &chat,
            BannedRights::new()
                .send_polls(false) // Members cannot send polls
                .pin_messages(false), // Members cannot pin messages
        )
        .await?;
    println!("Updated default permissions");
    let defaults = client.get_default_permissions(&chat).await?;
    assert!(!defaults.send_polls && defaults.send_messages);

    // A private chat has no permissions: a typed error says so before
    // anything is sent.
    match client
        .edit_permissions("me", &user_to_restrict, BannedRights::read_only())
        .await
    {
        Err(Error::NotPossibleHere(why)) => println!("In a private chat: {why}"),
        other => return Err(format!("a private chat took restrictions: {other:?}").into()),
    }
    Ok(())
}
