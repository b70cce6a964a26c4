//! The seed's "Admin Management" example.

mod support;

use ferrogram_chat_mgmt::{AdminRights, ChatManagement, Error, ParticipantFilter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let chat = support::chat("@ferrogram_lounge");
    let user_to_promote = support::some_member(&client, &chat).await?;

    // Get current admins
    let admins = client
        .get_participants(&chat)
        .filter(ParticipantFilter::Admins)
        .await?;
    println!("Current admins: {}", admins.items.len());

    // Promote user to admin with specific permissions
    let moderator = AdminRights::new()
        .change_info(true) // Can change chat info
        .delete_messages(true) // Can delete messages
        .ban_users(true) // Can ban users
        .invite_users(true) // Can invite users
        .pin_messages(true) // Can pin messages
        .title("Moderator"); // Custom admin title
    client
        .edit_admin(&chat, &user_to_promote, moderator)
        .await?;
    println!("Promoted {user_to_promote} to admin");
    let p = client.get_permissions(&chat, &user_to_promote).await?;
    assert!(p.is_admin && p.can_ban_users());

    // A title longer than Telegram allows is refused with a typed error.
    let too_long = AdminRights::new().pin_messages(true).title("x".repeat(40));
    match client.edit_admin(&chat, &user_to_promote, too_long).await {
        Err(Error::AdminRankInvalid(e)) => println!("Title too long: {e}"),
        other => return Err(format!("a 40-character title: {other:?}").into()),
    }

    // Demote admin (remove admin rights)
    client
        .edit_admin(&chat, &user_to_promote, AdminRights::demote())
        .await?;
    println!("Demoted {user_to_promote}");
    let p = client.get_permissions(&chat, &user_to_promote).await?;
    assert!(!p.is_admin);
    Ok(())
}
