//! The seed's "Chat Statistics" example.

mod support;

use ferrogram_chat_mgmt::client::tl::enums;
use ferrogram_chat_mgmt::{ChatManagement, Error, Stats};
use futures::TryStreamExt;

fn current(v: &enums::StatsAbsValueAndPrev) -> f64 {
    let enums::StatsAbsValueAndPrev::StatsAbsValueAndPrev(v) = v;
    v.current
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let channel = support::chat("@ferrogram_news");

    match client.get_stats(&channel).await {
        Ok(Stats::Broadcast(stats)) => {
            println!("Channel statistics:");
            let enums::StatsDateRangeDays::StatsDateRangeDays(period) = &stats.period;
            println!("Period: {} .. {}", period.min_date, period.max_date);
            println!("Followers: {}", current(&stats.followers));
            println!("Views: {}", current(&stats.views_per_post));
            println!("Shares: {}", current(&stats.shares_per_post));

            // Get message-specific stats
            let mut messages = client.iter_messages(&channel).limit(5);
            while let Some(message) = messages.try_next().await? {
                // Only posts have statistics (a photo or title change is a
                // service message: MSG_ID_INVALID).
                let enums::Message::Message(m) = message else {
                    continue;
                };
                let id = m.id;
                let msg_stats = client.get_message_stats(&channel, id).await?;
                if let Stats::Message(s) = msg_stats {
                    println!("Message {id} views: {:?}", s.views_graph);
                }
            }
        }
        Ok(other) => println!("Statistics: {} graphs", other.graphs().len()),
        // Telegram gives statistics to big channels only, and never to bots.
        Err(Error::StatisticsForbidden(e)) => println!("No statistics here: {e}"),
        Err(Error::BotMethodInvalid(_)) => println!("Bots cannot read statistics"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
