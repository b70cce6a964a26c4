//! The seed's "Chat Statistics" example.

mod support;

use ferrogram_chat_mgmt::client::tl::enums;
use ferrogram_chat_mgmt::{ChatManagement, Stats};

fn current(v: &enums::StatsAbsValueAndPrev) -> f64 {
    let enums::StatsAbsValueAndPrev::StatsAbsValueAndPrev(v) = v;
    v.current
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _server) = support::connect().await?;
    let channel = support::chat("@ferrogram_news");

    match client.get_stats(&channel, None).await {
        Ok(Stats::Broadcast(stats)) => {
            println!("Channel statistics:");
            let enums::StatsDateRangeDays::StatsDateRangeDays(period) = &stats.period;
            println!("Period: {} .. {}", period.min_date, period.max_date);
            println!("Followers: {}", current(&stats.followers));
            println!("Views: {}", current(&stats.views_per_post));
            println!("Shares: {}", current(&stats.shares_per_post));

            // Get message-specific stats
            let peer = client.get_input_entity(&channel).await?;
            let mut messages = std::pin::pin!(client.iter_messages(peer, Some(5)));
            while let Some(message) = futures::StreamExt::next(&mut messages).await {
                // Only posts have statistics (a photo or title change is a
                // service message: MSG_ID_INVALID).
                let enums::Message::Message(m) = message? else {
                    continue;
                };
                let id = m.id;
                let msg_stats = client.get_stats(&channel, Some(id)).await?;
                if let Stats::Message(s) = msg_stats {
                    println!("Message {id} views: {:?}", s.views_graph);
                }
            }
        }
        Ok(other) => println!("Statistics: {} graphs", other.graphs().len()),
        Err(e) => println!("Could not get statistics: {e}"),
    }
    Ok(())
}
