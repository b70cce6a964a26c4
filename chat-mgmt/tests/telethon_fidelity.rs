//! What the chat-management calls send, read from the testserver's request
//! log: page sizes, when listings stop, what `total` counts, `limit(0)`,
//! a chat's current photo, and statistics going straight to the stats DC.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrogram_chat_mgmt::{ChatManagement, ParticipantFilter, Role, Stats};
use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_testserver::TestServer;
use ferrogram_tl_types::{enums, functions, types};
use futures::TryStreamExt;
use serde_json::Value;

/// The request log, in memory.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// Every request so far: (dc, method, params).
    fn requests(&self) -> Vec<(i64, String, Value)> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (
                    v["dc"].as_i64().unwrap(),
                    v["method"].as_str().unwrap().to_owned(),
                    v["params"].clone(),
                )
            })
            .collect()
    }

    /// The params of every request of `method` since `from` requests.
    fn of(&self, method: &str, from: usize) -> Vec<Value> {
        self.requests()
            .into_iter()
            .skip(from)
            .filter(|(_, m, _)| m == method)
            .map(|(_, _, p)| p)
            .collect()
    }

    fn len(&self) -> usize {
        self.requests().len()
    }
}

async fn start(members: usize) -> (TestServer, Log) {
    let log = Log::default();
    let server = TestServer::builder()
        .members(members)
        .log_requests_to(Box::new(log.clone()))
        .start()
        .await
        .unwrap();
    (server, log)
}

async fn owner(server: &TestServer) -> Client {
    let mut c = Config::new(12345, "0123456789abcdef0123456789abcdef");
    c.session = Arc::new(MemorySession::new());
    c.server = Some((server.addr(), server.dc_id()));
    c.rsa_keys = vec![server.rsa_key().public().clone()];
    c.request_timeout = Duration::from_secs(60);
    let client = Client::connect(c).await.unwrap();
    let creds = server.user().unwrap().clone();
    let token = client.request_login_code(&creds.phone).await.unwrap();
    let _ = client.sign_in(&token, &creds.code).await;
    client.check_password(&creds.password).await.unwrap();
    client
}

fn limits(pages: &[Value]) -> Vec<i64> {
    pages.iter().map(|p| p["limit"].as_i64().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participant_pages_ask_for_what_is_wanted_and_stop_at_the_end() {
    let (server, log) = start(450).await;
    let client = owner(&server).await;
    let members = server.info().chat("ferrogram_lounge").unwrap().members as usize;

    let at = log.len();
    let got = client
        .get_participants("@ferrogram_lounge")
        .limit(250)
        .await
        .unwrap();
    assert_eq!(got.items.len(), 250);
    assert_eq!(got.total, members, "the plain listing's total: the members");
    let pages = log.of("channels.getParticipants", at);
    assert_eq!(limits(&pages), [200, 50], "limit(250): 200 then 50");
    assert_eq!(pages[0]["filter"]["_"], "channelParticipantsRecent");

    let at = log.len();
    client
        .get_participants("@ferrogram_lounge")
        .limit(10)
        .await
        .unwrap();
    assert_eq!(limits(&log.of("channels.getParticipants", at)), [10]);

    // The whole list: full pages, then a short one at the count ends it
    // (no empty page asked for).
    let at = log.len();
    let all = client.get_participants("@ferrogram_lounge").await.unwrap();
    assert_eq!(all.items.len(), members);
    let pages = log.of("channels.getParticipants", at);
    assert_eq!(pages.len(), members.div_ceil(200), "{:?}", limits(&pages));
    assert!(
        !members.is_multiple_of(200),
        "the world ends on a short page"
    );

    // limit(0): the plain listing's total is the member count from the full
    // channel (Telethon's), and nothing is listed.
    let at = log.len();
    let none = client
        .get_participants("@ferrogram_lounge")
        .limit(0)
        .await
        .unwrap();
    assert_eq!((none.items.len(), none.total), (0, members));
    assert_eq!(log.of("channels.getFullChannel", at).len(), 1);
    assert!(log.of("channels.getParticipants", at).is_empty());

    // A filter's total is its matches, also with limit(0) (one participant
    // asked for).
    let admins = client
        .get_participants("@ferrogram_lounge")
        .filter(ParticipantFilter::Admins)
        .await
        .unwrap();
    assert_eq!(admins.total, admins.items.len());
    assert!(admins.total < members);
    let at = log.len();
    let counted = client
        .get_participants("@ferrogram_lounge")
        .filter(ParticipantFilter::Admins)
        .limit(0)
        .await
        .unwrap();
    assert_eq!(counted.total, admins.total);
    assert_eq!(limits(&log.of("channels.getParticipants", at)), [1]);

    // A search's total is its matches, as the stream reports it.
    let mut found = client.iter_participants("@ferrogram_lounge").search("ma");
    let mut n = 0;
    while found.try_next().await.unwrap().is_some() {
        n += 1;
    }
    assert!(n > 0 && n < members);
    assert_eq!(found.total(), Some(n));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_group_totals_count_matches_and_roles_name_levels() {
    let (server, _log) = start(60).await;
    let client = owner(&server).await;
    let team = server
        .info()
        .chats
        .iter()
        .find(|c| c.kind == ferrogram_testserver::chats::ChatKind::Group)
        .unwrap()
        .clone();
    let all = client.get_participants(team.marked_id).await.unwrap();
    assert_eq!(all.total, all.items.len());
    let admins = client
        .get_participants(team.marked_id)
        .filter(ParticipantFilter::Admins)
        .await
        .unwrap();
    assert_eq!(admins.total, admins.items.len());
    assert!(admins.total < all.total, "a filter's total is its matches");
    // Levels are roles: the creator, admins with Telethon's basic-group
    // rights, members.
    let me = client.get_permissions(team.marked_id, "me").await.unwrap();
    assert!(matches!(me.role, Role::Creator { .. }) && me.is_creator && me.anonymous());
    let admin = admins
        .items
        .iter()
        .find(|p| matches!(p.role, Role::Admin { .. }))
        .expect("the default basic group has the bot as an admin");
    let p = client
        .get_permissions(team.marked_id, admin.user.id)
        .await
        .unwrap();
    assert!(matches!(p.role, Role::Admin { .. }) && p.is_admin && !p.is_creator);
    assert!(p.anonymous() && !p.can_add_admins());
    assert_eq!(p.role, admin.role, "the listing and get_permissions agree");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_photos_limit_zero_and_the_current_chat_photo() {
    let (server, log) = start(40).await;
    let client = owner(&server).await;
    for shade in [0x10u8, 0x90, 0xf0] {
        client.upload_profile_photo(&[shade; 3000]).await.unwrap();
    }
    // limit(0) asks for one photo to learn the total, and yields none.
    let at = log.len();
    let none = client.get_profile_photos("me").limit(0).await.unwrap();
    assert_eq!((none.items.len(), none.total), (0, 3));
    assert_eq!(limits(&log.of("photos.getUserPhotos", at)), [1]);

    // A channel whose current photo no service message carries: the
    // photo leads the history, once, and counts in the total.
    let news = client.get_input_entity("@ferrogram_news").await.unwrap();
    let enums::InputPeer::Channel(c) = news else {
        panic!("{news:?}")
    };
    let channel = enums::InputChannel::from(types::InputChannel {
        channel_id: c.channel_id,
        access_hash: c.access_hash,
    });
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(&functions::channels::GetFullChannel {
            channel: channel.clone(),
        })
        .await
        .unwrap();
    let enums::ChatFull::ChannelFull(cf) = full.full_chat else {
        panic!()
    };
    let enums::Photo::Photo(current) = &cf.chat_photo else {
        panic!("the news channel has a photo")
    };
    let history = client.get_profile_photos("@ferrogram_news").await.unwrap();
    assert_eq!(history.items.len(), 1, "the current photo only");
    assert_eq!(history.items[0].id, current.id, "the current photo leads");
    assert_eq!(history.total, 1);
    // With a service message for it too (a new photo), it is yielded once.
    let file = client.upload_file(&[7u8; 2500], "new.jpg").await.unwrap();
    client
        .invoke(&functions::channels::EditPhoto {
            channel: channel.clone(),
            photo: enums::InputChatPhoto::from(types::InputChatUploadedPhoto {
                file: Some(file),
                video: None,
                video_start_ts: None,
                video_emoji_markup: None,
            }),
        })
        .await
        .unwrap();
    let history = client.get_profile_photos("@ferrogram_news").await.unwrap();
    let ids: Vec<i64> = history.items.iter().map(|p| p.id).collect();
    // The old photo had no message: nothing finds it any more, as on Telegram.
    assert_eq!(ids.len(), 1, "the new photo, once: {ids:?}");
    assert_ne!(ids[0], current.id, "the new one leads");
    assert_eq!(history.total, 1);
    let zero = client
        .get_profile_photos("@ferrogram_news")
        .limit(0)
        .await
        .unwrap();
    assert_eq!(zero.total, history.total, "limit(0) counts the same");
    // Pages after the first do not add it again.
    let mut paged = client.iter_profile_photos("@ferrogram_news");
    let mut ids = Vec::new();
    while let Some(p) = paged.try_next().await.unwrap() {
        ids.push(p.id);
    }
    assert_eq!(ids, history.items.iter().map(|p| p.id).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_go_straight_to_the_stats_dc() {
    let (server, log) = start(40).await;
    let client = owner(&server).await;
    let home = i64::from(server.dc_id());
    let at = log.len();
    let stats = client.get_stats("@ferrogram_news").await.unwrap();
    assert!(matches!(stats, Stats::Broadcast(_)));
    let m = client
        .get_message_stats("@ferrogram_news", 3)
        .await
        .unwrap();
    assert!(matches!(m, Stats::Message(_)));
    let stats_requests: Vec<(i64, String)> = log
        .requests()
        .into_iter()
        .skip(at)
        .filter(|(_, m, _)| m.starts_with("stats."))
        .map(|(dc, m, _)| (dc, m))
        .collect();
    assert!(
        stats_requests
            .iter()
            .any(|(_, m)| m == "stats.loadAsyncGraph"),
        "{stats_requests:?}"
    );
    assert!(
        stats_requests.iter().all(|(dc, _)| *dc != home),
        "no stats.* request goes home first: {stats_requests:?}"
    );
}
