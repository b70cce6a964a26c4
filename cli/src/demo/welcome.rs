//! The demo's last membership steps: a welcome bot hearing a join, and a
//! basic group turned into a supergroup that keeps its old id.

use std::sync::Arc;
use std::time::Duration;

use ferrogram_chat_mgmt::{
    ChatManagement, JoinMethod, Membership, MembershipEventKind, NewChat, Role,
};
use ferrogram_client::{Client, Config};
use ferrogram_session::MemorySession;
use ferrogram_tl_types::{enums, functions, types};

use super::{Demo, LOUNGE, check};
use crate::error::CliError;

/// A client of the embedded server, not signed in.
pub(super) async fn connect(server: &ferrogram_testserver::TestServer) -> Result<Client, CliError> {
    let config = Config::new(12345, "0123456789abcdef0123456789abcdef")
        .session(Arc::new(MemorySession::new()))
        .server(server.addr(), server.dc_id())
        .rsa_key(server.rsa_key().public().clone());
    Ok(Client::connect(config).await?)
}

/// A new account of the embedded server, signed in; its id.
pub(super) async fn new_user(
    server: &ferrogram_testserver::TestServer,
    first: &str,
    last: &str,
    phone: &str,
) -> Result<(Client, i64), CliError> {
    let id = server.create_user(first, last, phone);
    let client = connect(server).await?;
    let token = client.request_login_code(phone).await?;
    client
        .sign_in(&token, &ferrogram_testserver::world::login_code(phone))
        .await?;
    Ok((client, id))
}

impl Demo {
    /// A welcome bot, admin of the lounge, hears a newcomer join.
    pub(super) async fn welcome_bot(&mut self) -> Result<(), CliError> {
        self.step("A welcome bot hears a newcomer join (membership events)");
        let bot = connect(&self.server).await?;
        let token = self.server.bot_token().unwrap_or_default().to_owned();
        bot.sign_in_bot(&token).await?;
        let mut events = bot.membership_events();
        events.start().await?;
        let (otto, otto_id) = new_user(&self.server, "Otto", "Onboard", "9996620778").await?;
        let enums::InputPeer::Channel(c) = otto.get_input_entity(LOUNGE).await? else {
            return Err(CliError::failure("the lounge is no channel"));
        };
        otto.invoke(&functions::channels::JoinChannel {
            channel: enums::InputChannel::from(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }),
        })
        .await?;
        let heard = tokio::time::timeout(Duration::from_secs(20), events.next())
            .await
            .map_err(|_| CliError::failure("the bot heard nothing in 20 s"))?
            .ok_or_else(|| CliError::failure("the event stream ended"))??;
        println!(
            "    bot: user {} {:?} in {} (by {})",
            heard.user_id, heard.kind, heard.chat_id, heard.actor_id
        );
        check(
            heard.user_id == otto_id
                && heard.kind == MembershipEventKind::Joined(JoinMethod::Directly),
            || format!("Otto's join, as it happened: {heard:?}"),
        )
    }

    /// A basic group becomes a supergroup; its old id keeps working.
    pub(super) async fn migrate(&mut self) -> Result<(), CliError> {
        self.step("A basic group turned into a supergroup, managed through its old id");
        let (_, ida) = new_user(&self.server, "Ida", "Early", "9996620779").await?;
        let group = self
            .client
            .create_chat(NewChat::basic_group("Demo crew").member("+9996620779"))
            .await?;
        let migrated = self.client.migrate_chat(group.marked_id).await?;
        let members = self.client.get_participants(group.marked_id).await?;
        let creator = members
            .items
            .iter()
            .any(|p| p.user.id == self.me.id && matches!(p.role, Role::Creator { .. }));
        println!(
            "    basic group {} -> supergroup {}: {} members, you its creator; the old id still works",
            group.marked_id,
            -(1_000_000_000_000 + migrated.channel_id),
            members.total
        );
        check(
            !migrated.already
                && members.total == 2
                && creator
                && members.items.iter().any(|p| p.user.id == ida),
            || format!("both members in the supergroup: {members:?}"),
        )
    }
}
