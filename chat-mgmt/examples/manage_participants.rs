//! The seed's "Basic Participant Management" example.

mod support;

use ferrogram_chat_mgmt::ChatManagement;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let chat = support::chat("@ferrogram_lounge");

    // Get all participants
    let participants = client.get_participants(&chat).await?;
    println!("Total participants: {}", participants.total);

    // Iterate through participants
    let mut it = client.iter_participants(&chat).limit(50);
    while let Some(p) = it.try_next().await? {
        let user = p.user;
        println!(
            "User: {} (@{})",
            user.first_name.as_deref().unwrap_or(""),
            user.username.as_deref().unwrap_or("")
        );

        // Check if user is admin
        let permissions = client.get_permissions(&chat, user.id).await?;
        if permissions.is_admin {
            println!(" - Admin: {}", user.first_name.as_deref().unwrap_or(""));
        }
    }

    // Search for specific users
    let mut it = client.iter_participants(&chat).search("john");
    while let Some(p) = it.try_next().await? {
        println!(
            "Found user named John: {}",
            p.user.first_name.as_deref().unwrap_or("")
        );
    }
    println!("{:?} match \"john\"", it.total());
    Ok(())
}
