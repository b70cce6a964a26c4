//! The seed's "Admin Management" example.

mod support;

use ferrogram_chat_mgmt::{AdminRights, ChatManagement, ParticipantFilter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let chat = support::chat("@ferrogram_lounge");
    let user_to_promote = support::some_member(&client, &chat).await?;

    // Get current admins
    let admins = client
        .get_participants(&chat, |p| p.filter(ParticipantFilter::Admins))
        .await?;
    println!("Current admins: {}", admins.items.len());

    // Promote user to admin with specific permissions
    client
        .edit_admin(
            &chat,
            &user_to_promote,
            AdminRights {
                change_info: Some(true),         // Can change chat info
                delete_messages: Some(true),     // Can delete messages
                ban_users: Some(true),           // Can ban users
                invite_users: Some(true),        // Can invite users
                pin_messages: Some(true),        // Can pin messages
                title: Some("Moderator".into()), // Custom admin title
                ..AdminRights::default()
            },
        )
        .await?;
    println!("Promoted {user_to_promote} to admin");
    let p = client
        .get_permissions(&chat, Some((&user_to_promote).into()))
        .await?;
    assert!(p.is_admin && p.can_ban_users());

    // Demote admin (remove admin rights)
    client
        .edit_admin(
            &chat,
            &user_to_promote,
            AdminRights {
                is_admin: Some(false),
                ..AdminRights::default()
            },
        )
        .await?;
    println!("Demoted {user_to_promote}");
    let p = client
        .get_permissions(&chat, Some((&user_to_promote).into()))
        .await?;
    assert!(!p.is_admin);
    Ok(())
}
