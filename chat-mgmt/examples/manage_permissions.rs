//! The seed's "User Permissions and Restrictions" example.

mod support;

use std::time::{Duration, SystemTime};

use ferrogram_chat_mgmt::{BannedRights, ChatManagement};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let chat = support::chat("@ferrogram_lounge");
    let user_to_restrict = support::some_member(&client, &chat).await?;

    // Restrict user for 1 hour
    let restriction_end = SystemTime::now() + Duration::from_secs(3600);
    client
        .edit_permissions(
            &chat,
            Some((&user_to_restrict).into()),
            BannedRights {
                send_messages: false, // Cannot send messages
                send_media: false,    // Cannot send media
                send_stickers: false, // Cannot send stickers
                embed_links: false,   // Cannot embed links
                ..BannedRights::default()
            }
            .until_date(Some(restriction_end)),
        )
        .await?;
    println!("Restricted {user_to_restrict} for 1 hour");
    let p = client
        .get_permissions(&chat, Some((&user_to_restrict).into()))
        .await?;
    assert!(p.is_banned);

    // Remove restrictions (restore default permissions)
    client
        .edit_permissions(
            &chat,
            Some((&user_to_restrict).into()),
            BannedRights::default(), // Everything allowed, no time limit
        )
        .await?;
    println!("Removed restrictions from {user_to_restrict}");

    // Set default chat permissions (for all members)
    client
        .edit_permissions(
            &chat,
            None, // None = default permissions
            BannedRights {
                send_polls: false,   // Members cannot send polls
                pin_messages: false, // Members cannot pin messages
                ..BannedRights::default()
            },
        )
        .await?;
    println!("Updated default permissions");
    Ok(())
}
