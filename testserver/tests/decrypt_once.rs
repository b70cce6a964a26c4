//! The driver decrypts each client packet once: the envelope it decrypts to
//! find the session is what the session checks and unpacks. (Its own test
//! binary, so no other server in the process decrypts client packets.)

mod common;

use common::{ALL_FRAMINGS, Client, INTERMEDIATE, with_layer};
use ferrogram_mtproto::session::client_packets_decrypted;
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::{Serializable, functions};

#[tokio::test]
async fn each_client_packet_is_decrypted_once() {
    let before = client_packets_decrypted();
    let server = TestServer::builder().members(50).start().await.unwrap();
    let mut c = Client::connect(&server, 2, INTERMEDIATE, 1).await;
    c.invoke_raw(with_layer(functions::help::GetConfig {}))
        .await
        .unwrap()
        .unwrap();
    // Several requests and service messages in one container, then one alone.
    let mut ids: Vec<u64> = (0..4)
        .map(|i| c.session.enqueue(functions::Ping { ping_id: i }.to_bytes()))
        .collect();
    ids.push(
        c.session
            .enqueue(functions::help::GetNearestDc {}.to_bytes()),
    );
    for id in ids {
        c.wait_for(id).await.unwrap().unwrap();
    }
    let mut other = Client::connect(&server, 2, ALL_FRAMINGS[0], 2).await;
    other
        .invoke_raw(functions::help::GetConfig {}.to_bytes())
        .await
        .unwrap()
        .unwrap();
    let received = server.counters().encrypted_packets;
    assert!(received >= 4, "{received} packets");
    assert_eq!(client_packets_decrypted() - before, received);
}
