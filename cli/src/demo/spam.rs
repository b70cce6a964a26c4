//! The demo's clean-up step: a spammer's messages reported, deleted and
//! the spammer banned in one call, and the channel he posts as alike.

use ferrogram_chat_mgmt::{Membership, Moderation, NewChat, PurgeOptions};

use super::welcome::new_user;
use super::{Demo, LOUNGE, check};
use crate::error::CliError;

impl Demo {
    /// A spammer posts, as himself and as his channel; one `purge` each
    /// reports, deletes and bans.
    pub(super) async fn spam_wave(&mut self) -> Result<(), CliError> {
        self.step("A spam wave cleaned up in one call (report, delete, ban), his channel too");
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
        // He also posts as his public channel (send-as).
        spammer
            .create_chat(NewChat::channel("Sven's deals").username("sven_deals"))
            .await?;
        for i in 1..=3 {
            spammer
                .send_message_as(LOUNGE, "@sven_deals", &format!("deal {i}"))
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
        )?;
        let channel = self
            .client
            .purge(LOUNGE, "@sven_deals", PurgeOptions::new())
            .await?;
        println!(
            "    @sven_deals (posting as a channel): {} reported, {} deleted, banned: {}",
            channel.reported.len(),
            channel.deleted,
            channel.banned
        );
        let banned = self.client.banned_channels(LOUNGE).await?;
        check(
            channel.reported.len() == 3
                && channel.deleted == 3
                && channel.banned
                && banned
                    .iter()
                    .any(|b| b.title.as_deref() == Some("Sven's deals")),
            || {
                format!(
                    "the channel's three posts reported and deleted, the channel banned: {channel:?}"
                )
            },
        )
    }
}

impl Demo {
    /// Twenty accounts join within a minute; one bulk command bans everyone
    /// who joined since, under the server's rate limit, then a dry run
    /// finds nothing left to do.
    pub(super) async fn bot_wave(&mut self) -> Result<(), CliError> {
        use std::time::{Duration, UNIX_EPOCH};

        use ferrogram_chat_mgmt::client::tl::{enums, functions, types};
        use ferrogram_chat_mgmt::{BulkAction, Pace, Selection};

        self.step("A wave of bots banned with one bulk command (paced under a rate limit)");
        // The wave comes an hour later (on the server's clock, which earlier
        // steps moved on too): "who joined since" is the wave alone.
        self.server.clock().advance(Duration::from_secs(3600));
        let since = UNIX_EPOCH + Duration::from_secs(self.server.clock().unix().max(0) as u64);
        let mut wave = Vec::new();
        for i in 0..20 {
            let phone = format!("99966208{i:02}");
            let (bot, id) = new_user(&self.server, "Crypto", &format!("Bot {i}"), &phone).await?;
            let enums::InputPeer::Channel(c) = bot.get_input_entity(LOUNGE).await? else {
                return Err(CliError::failure("the lounge is no channel"));
            };
            bot.invoke(&functions::channels::JoinChannel {
                channel: enums::InputChannel::from(types::InputChannel {
                    channel_id: c.channel_id,
                    access_hash: c.access_hash,
                }),
            })
            .await?;
            wave.push(id);
        }
        println!("    an hour later, 20 accounts join @ferrogram_lounge within seconds");
        // Telegram limits how fast an account may ban: here, 8 a second.
        self.server
            .faults()
            .rate_limit("channels.editBanned", 8, Duration::from_secs(1));
        let before = self
            .server
            .counters()
            .method("channels.editBanned")
            .executed;
        let wave_ban = || {
            self.client
                .bulk(BulkAction::Ban)
                .chat(LOUNGE)
                .select(Selection::JoinedSince(since))
                .pace(Pace::new().per_second(50.0))
        };
        let report = wave_ban().run().await?;
        let executed = self
            .server
            .counters()
            .method("channels.editBanned")
            .executed
            - before;
        println!(
            "    bulk ban of who joined since: {} banned, {} skipped, \
             {} failed; {} FLOOD_WAIT(s) slept through, {executed} requests executed",
            report.totals.changed, report.totals.skipped, report.totals.failed, report.flood_waits
        );
        let again = wave_ban().dry_run(true).run().await?;
        println!(
            "    the same selection, dry run: {} would change, {} unchanged",
            again.totals.would_change, again.totals.unchanged
        );
        self.server
            .faults()
            .rate_limit("channels.editBanned", 0, Duration::from_secs(1));
        let banned = wave.iter().all(|&id| {
            self.server.participant_role("ferrogram_lounge", id)
                == Some(ferrogram_testserver::Role::Banned)
        });
        check(
            banned
                && report.totals.changed == 20
                && executed == 20
                && report.flood_waits >= 1
                && again.totals.would_change == 0,
            || format!("all twenty banned once each, paced: {:?}", report.totals),
        )
    }
}
