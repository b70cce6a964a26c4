//! The seed's "Admin Log Monitoring" example.

mod support;

use ferrogram_chat_mgmt::client::tl::enums;
use ferrogram_chat_mgmt::{AdminLogFilter, ChatManagement, LogValue};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let channel = support::chat("@ferrogram_lounge");

    // Get recent admin actions
    let mut log = client.iter_admin_log(&channel).limit(20);
    while let Some(event) = log.try_next().await? {
        println!("Event: {:?}", event.action);
        let admin = event.user.as_ref().and_then(|u| u.first_name.clone());
        println!("Admin: {}", admin.unwrap_or_default());
        println!("Date: {:?}", event.date);

        // Check specific event types
        if let Some(LogValue::Message(enums::Message::Message(m))) = event.new() {
            println!("Message involved: {}", m.message);
        }
        if let Some(LogValue::Participant(p)) = event.new() {
            println!(
                "User affected: {:?}",
                ferrogram_chat_mgmt::participant_user_id(&p)
            );
        }
        println!("---");
    }

    // Filter for specific events
    let mut bans = client
        .iter_admin_log(&channel)
        .filter(AdminLogFilter::new().ban(true)) // Only ban events
        .limit(10);
    while let Some(event) = bans.try_next().await? {
        let admin = event.user.as_ref().and_then(|u| u.first_name.clone());
        println!("Ban event by {}", admin.unwrap_or_default());
        if let Some(LogValue::Participant(p)) = event.new() {
            println!(
                "Banned user ID: {:?}",
                ferrogram_chat_mgmt::participant_user_id(&p)
            );
        }
    }
    Ok(())
}
