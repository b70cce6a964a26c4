//! The demo's clean-up step: a spammer's messages reported, deleted and
//! the spammer banned in one call.

use ferrogram_chat_mgmt::{Moderation, PurgeOptions};

use super::welcome::new_user;
use super::{Demo, LOUNGE, check};
use crate::error::CliError;

impl Demo {
    /// A spammer posts; one `purge` reports, deletes and bans.
    pub(super) async fn spam_wave(&mut self) -> Result<(), CliError> {
        self.step("A spam wave cleaned up in one call (report, delete, ban)");
        let (spammer, id) = new_user(&self.server, "Sven", "Spammer", "9996620780").await?;
        // The lounge is public: the spammer joins by its username.
        let lounge = spammer.get_input_entity(LOUNGE).await?;
        let ferrogram_chat_mgmt::client::tl::enums::InputPeer::Channel(c) = lounge else {
            return Err(CliError::failure("the lounge is no channel"));
        };
        use ferrogram_chat_mgmt::client::tl::{enums, functions, types};
        spammer
            .invoke(&functions::channels::JoinChannel {
                channel: enums::InputChannel::from(types::InputChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }),
            })
            .await?;
        for i in 1..=5 {
            spammer
                .send_message(LOUNGE, &format!("cheap followers, offer {i}"))
                .await?;
        }
        let done = self
            .client
            .purge(LOUNGE, "+9996620780", PurgeOptions::new())
            .await?;
        println!(
            "    Sven Spammer: {} messages reported, {} deleted, banned: {}",
            done.reported.len(),
            done.deleted,
            done.banned
        );
        let role = self.server.participant_role("ferrogram_lounge", id);
        check(
            done.reported.len() == 5
                && done.deleted == 5
                && done.banned
                && role == Some(ferrogram_testserver::Role::Banned),
            || format!("all five reported and deleted, the spammer banned: {done:?}"),
        )
    }
}
