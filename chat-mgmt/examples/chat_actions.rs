//! The seed's "Chat Actions (Typing Indicators)" example.

mod support;

use std::time::Duration;

use ferrogram_chat_mgmt::ChatManagement;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let chat = support::chat("@ferrogram_test_bot");

    // Show typing indicator
    {
        let _typing = client.action(&chat, "typing").await?;
        // Simulate typing for 3 seconds
        tokio::time::sleep(Duration::from_secs(3)).await;
        client.send_message(&chat, "Hello! I was typing...").await?;
    } // dropped: cancelled

    // Show uploading photo indicator
    let upload = client.action(&chat, "upload_photo").await?;
    // Simulate photo upload preparation, with real progress
    for done in [25, 50, 75, 100] {
        tokio::time::sleep(Duration::from_millis(500)).await;
        upload.progress(done, 100);
    }
    upload.finish().await?;

    // Manual action control
    let manual = client
        .action(&chat, "upload_document")
        .auto_cancel(false)
        .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(manual);
    client.action(&chat, "cancel").await?.finish().await?; // Cancel action
    println!("actions sent");
    Ok(())
}
