//! Telegram's refusals when adding members ([`Membership::add_members`])
//! against `testserver` over TCP: a user who left by themselves comes back
//! only through a mutual contact (USER_NOT_MUTUAL_CONTACT), a full basic
//! group takes nobody (USERS_TOO_MUCH), a banned user is refused
//! (USER_KICKED); each refusal is the outcome of its user only.

use ferrogram_chat_mgmt::{AddOutcome, Membership, NewChat};
use ferrogram_client::Client;
use ferrogram_client::tl::{enums, functions, types};
use ferrogram_testserver::TestServer;
use ferrogram_testserver::chats::ChatKind;
use ferrogram_testserver::spec::ChatSpec;

mod common;
use common::{owner, user};

async fn add_contact(client: &Client, phone: &str, name: &str) {
    client
        .invoke(&functions::contacts::ImportContacts {
            contacts: vec![enums::InputContact::from(types::InputPhoneContact {
                client_id: 1,
                phone: phone.into(),
                first_name: name.into(),
                last_name: String::new(),
                note: None,
            })],
        })
        .await
        .unwrap();
}

fn refused(o: &AddOutcome, name: &str) -> bool {
    matches!(o, AddOutcome::Failed(e) if e.is(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_left_by_themselves_comes_back_through_a_mutual_contact() {
    let server = TestServer::builder()
        .members(5)
        .chat(ChatSpec::new(ChatKind::Group, "Full house").synthetic_members(199))
        .start()
        .await
        .unwrap();
    let owner = owner(&server).await;
    let (dee, _) = user(&server, "Dee", "9996621180").await;
    server.create_user("Eve", "Extra", "9996621181");
    owner
        .create_chat(
            NewChat::supergroup("Comeback")
                .username("comeback")
                .member("+9996621180"),
        )
        .await
        .unwrap();
    dee.leave_chat("@comeback").await.unwrap();
    // Dee left by herself: the owner, no mutual contact of hers, may not
    // bring her back; Eve, alongside, is added all the same.
    let outcomes = owner
        .add_members("@comeback", ["+9996621180", "+9996621181"])
        .await
        .unwrap();
    assert!(
        refused(&outcomes[0].1, "USER_NOT_MUTUAL_CONTACT"),
        "{outcomes:?}"
    );
    assert!(matches!(outcomes[1].1, AddOutcome::Added), "{outcomes:?}");
    // One side's contact is not enough; both sides' is.
    add_contact(&owner, "9996621180", "Dee").await;
    let again = owner
        .add_members("@comeback", ["+9996621180"])
        .await
        .unwrap();
    assert!(refused(&again[0].1, "USER_NOT_MUTUAL_CONTACT"), "{again:?}");
    let ada = server.user().unwrap().phone.clone();
    add_contact(&dee, &ada, "Ada").await;
    let again = owner
        .add_members("@comeback", ["+9996621180"])
        .await
        .unwrap();
    assert!(matches!(again[0].1, AddOutcome::Added), "{again:?}");

    // A basic group of 200 (Telegram's chat_size_max) takes nobody more.
    let full = server.info().titled("Full house").unwrap().marked_id;
    let outcomes = owner.add_members(full, ["+9996621181"]).await.unwrap();
    assert!(refused(&outcomes[0].1, "USERS_TOO_MUCH"), "{outcomes:?}");
}
