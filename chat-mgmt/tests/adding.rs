//! Telegram's refusals when adding members ([`Membership::add_members`])
//! against `testserver` over TCP: a user who left by themselves comes back
//! only through a mutual contact (USER_NOT_MUTUAL_CONTACT), a full basic
//! group takes nobody (USERS_TOO_MUCH), a banned user is refused
//! (USER_KICKED); each refusal is the outcome of its user only.

use ferrogram_chat_mgmt::{AddOutcome, ChatManagement, Membership, NewChat};
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
                last_name: Default::default(),
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
    // A bot that may not join groups: refused there, welcome in a channel.
    let bot_id = server.user_id_by_username("ferrogram_test_bot").unwrap();
    server.set_bot_groups_allowed(bot_id, false);
    let outcomes = owner
        .add_members("@comeback", ["@ferrogram_test_bot"])
        .await
        .unwrap();
    assert!(
        refused(&outcomes[0].1, "BOT_GROUPS_BLOCKED"),
        "{outcomes:?}"
    );
    owner
        .create_chat(NewChat::channel("Bot news").username("bot_news"))
        .await
        .unwrap();
    let outcomes = owner
        .add_members("@bot_news", ["@ferrogram_test_bot"])
        .await
        .unwrap();
    assert!(matches!(outcomes[0].1, AddOutcome::Added), "{outcomes:?}");
    let outcomes = owner.add_members(full, ["+9996621181"]).await.unwrap();
    assert!(refused(&outcomes[0].1, "USERS_TOO_MUCH"), "{outcomes:?}");
}

async fn set_invite_privacy(client: &Client, rules: Vec<enums::InputPrivacyRule>) {
    client
        .invoke(&functions::account::SetPrivacy {
            key: enums::InputPrivacyKey::ChatInvite,
            rules,
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_keeps_users_out_as_missing_invitees() {
    let server = TestServer::builder().members(5).start().await.unwrap();
    let owner = owner(&server).await;
    let (gus, gus_id) = user(&server, "Gus", "9996621190").await;
    let (hana, _) = user(&server, "Hana", "9996621191").await;
    // Gus: contacts only; Hana: nobody.
    set_invite_privacy(
        &gus,
        vec![enums::InputPrivacyRule::InputPrivacyValueAllowContacts],
    )
    .await;
    set_invite_privacy(
        &hana,
        vec![enums::InputPrivacyRule::InputPrivacyValueDisallowAll],
    )
    .await;
    let enums::account::PrivacyRules::PrivacyRules(read) = gus
        .invoke(&functions::account::GetPrivacy {
            key: enums::InputPrivacyKey::ChatInvite,
        })
        .await
        .unwrap();
    assert_eq!(read.rules, [enums::PrivacyRule::PrivacyValueAllowContacts]);

    // A new group: both left out, listed as missing.
    let made = owner
        .create_chat(
            NewChat::basic_group("Private people")
                .member("+9996621190")
                .member("+9996621191"),
        )
        .await
        .unwrap();
    assert_eq!(made.missing.len(), 2, "{:?}", made.missing);
    owner
        .create_chat(NewChat::supergroup("Open door").username("open_door"))
        .await
        .unwrap();
    let outcomes = owner
        .add_members("@open_door", ["+9996621190", "+9996621191"])
        .await
        .unwrap();
    assert!(
        outcomes
            .iter()
            .all(|(_, o)| matches!(o, AddOutcome::NotAllowed { .. })),
        "{outcomes:?}"
    );
    // Once Gus has the owner among his contacts, the owner may add him.
    let ada = server.user().unwrap().phone.clone();
    add_contact(&gus, &ada, "Ada").await;
    let outcomes = owner
        .add_members("@open_door", ["+9996621190", "+9996621191"])
        .await
        .unwrap();
    assert!(matches!(outcomes[0].1, AddOutcome::Added), "{outcomes:?}");
    assert!(
        matches!(outcomes[1].1, AddOutcome::NotAllowed { .. }),
        "{outcomes:?}"
    );
    let members = owner.get_participants("@open_door").await.unwrap();
    assert!(members.items.iter().any(|p| p.user.id == gus_id));
    assert_eq!(members.total, 2, "the owner and Gus");
}
