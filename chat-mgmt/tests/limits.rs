//! The client configuration's limits ([`ChatManagement::chat_limits`])
//! against `testserver` over TCP.

use ferrogram_chat_mgmt::ChatManagement;
use ferrogram_client::tl::{enums, functions};
use ferrogram_testserver::TestServer;

mod common;
use common::bot;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limits_come_from_the_app_config() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let client = bot(&server).await;
    let limits = client.chat_limits().await.unwrap();
    assert_eq!(limits.antispam_group_size_min, Some(200));
    assert_eq!(limits.hidden_members_group_size_min, Some(100));
    assert_eq!(limits.pinned_topics_max, Some(5));
    assert_eq!(limits.antispam_user_id, Some(5_434_988_373));
    // The hash it came with means "not modified".
    let enums::help::AppConfig::AppConfig(c) = client
        .invoke(&functions::help::GetAppConfig { hash: 0 })
        .await
        .unwrap()
    else {
        panic!("a configuration for hash 0");
    };
    let again = client
        .invoke(&functions::help::GetAppConfig { hash: c.hash })
        .await
        .unwrap();
    assert!(matches!(again, enums::help::AppConfig::NotModified));
}
