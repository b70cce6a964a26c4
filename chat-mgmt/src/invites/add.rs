//! Adding members ([`crate::Membership::add_members`]): one call for all
//! of them, and, when Telegram refuses that call because of one user, one
//! call each, so every user gets an outcome of their own.

use ferrogram_client::{Client, PeerRef};
use ferrogram_tl_types::{enums, functions};

use crate::target::{Target, input_user, user_id};
use crate::{Error, Result};

/// What became of one user [`crate::Membership::add_members`] was asked to
/// add.
#[derive(Debug)]
#[non_exhaustive]
pub enum AddOutcome {
    /// In the chat now (or already was).
    Added,
    /// Telegram left them out for their privacy or premium settings
    /// (`missing_invitees`): send them an invite link instead.
    NotAllowed {
        /// Premium would let the caller add them.
        premium_would_allow_invite: bool,
        /// They accept messages from premium users only.
        premium_required_for_pm: bool,
    },
    /// Refused, with the reason (`USER_KICKED`, `USER_CHANNELS_TOO_MUCH`,
    /// `USER_NOT_MUTUAL_CONTACT`, an unknown user, ...).
    Failed(Error),
}

/// Adds each of `users`; the outcome of each, in the order given.
pub(crate) async fn add(
    client: &Client,
    chat: PeerRef,
    users: Vec<PeerRef>,
) -> Result<Vec<(PeerRef, AddOutcome)>> {
    let target = Target::resolve(client, chat).await?;
    // Outcomes by position: the users that do not resolve are known first.
    let mut out: Vec<(usize, PeerRef, AddOutcome)> = Vec::with_capacity(users.len());
    let mut resolved = Vec::new();
    for (i, u) in users.into_iter().enumerate() {
        match input_user(client, u.clone()).await {
            Ok(input) => resolved.push((i, u, input)),
            Err(e) => out.push((i, u, AddOutcome::Failed(e))),
        }
    }
    decide(client, &target, resolved, &mut out).await?;
    out.sort_by_key(|(i, _, _)| *i);
    Ok(out.into_iter().map(|(_, u, o)| (u, o)).collect())
}

/// The outcome of each resolved user, added to `out`.
async fn decide(
    client: &Client,
    target: &Target,
    resolved: Vec<(usize, PeerRef, enums::InputUser)>,
    out: &mut Vec<(usize, PeerRef, AddOutcome)>,
) -> Result<()> {
    match target {
        Target::Channel { channel, .. } => {
            let all = invite(
                client,
                channel,
                resolved.iter().map(|r| r.2.clone()).collect(),
            )
            .await;
            match all {
                Ok(missing) => {
                    for (i, u, input) in resolved {
                        let id = user_id(client, &input).await.unwrap_or(0);
                        out.push((i, u, outcome_of(id, &missing)));
                    }
                }
                // One call for each, so the refusal finds its user.
                Err(_) if resolved.len() > 1 => {
                    for (i, u, input) in resolved {
                        let id = user_id(client, &input).await.unwrap_or(0);
                        let one = match invite(client, channel, vec![input]).await {
                            Ok(missing) => outcome_of(id, &missing),
                            Err(e) => AddOutcome::Failed(e),
                        };
                        out.push((i, u, one));
                    }
                }
                Err(e) => {
                    if let Some((i, u, _)) = resolved.into_iter().next() {
                        out.push((i, u, AddOutcome::Failed(e)));
                    }
                }
            }
        }
        Target::Chat { chat_id, .. } => {
            // Basic groups take one user a call.
            for (i, u, input) in resolved {
                let added = client
                    .invoke(&functions::messages::AddChatUser {
                        chat_id: *chat_id,
                        user_id: input,
                        fwd_limit: 100,
                    })
                    .await;
                let one = match added {
                    Ok(enums::messages::InvitedUsers::InvitedUsers(i)) => {
                        outcome_of(0, &missing_of(&i.missing_invitees))
                    }
                    Err(e) if e.is("USER_ALREADY_PARTICIPANT") => AddOutcome::Added,
                    Err(e) => AddOutcome::Failed(e.into()),
                };
                out.push((i, u, one));
            }
        }
        Target::User { .. } => {
            return Err(Error::NotPossibleHere(
                "members are added to groups and channels".into(),
            ));
        }
    }
    Ok(())
}

/// `(user, premium_would_allow_invite, premium_required_for_pm)`.
type Missing = Vec<(i64, bool, bool)>;

fn missing_of(m: &[enums::MissingInvitee]) -> Missing {
    m.iter()
        .map(|enums::MissingInvitee::MissingInvitee(m)| {
            (
                m.user_id,
                m.premium_would_allow_invite,
                m.premium_required_for_pm,
            )
        })
        .collect()
}

/// `id`'s outcome when the call went through; a single user's call with a
/// missing invitee (whose id the caller may not know) counts as theirs.
fn outcome_of(id: i64, missing: &Missing) -> AddOutcome {
    let mine = missing
        .iter()
        .find(|m| m.0 == id || (id == 0 && missing.len() == 1));
    match mine {
        Some(&(_, premium_would_allow_invite, premium_required_for_pm)) => AddOutcome::NotAllowed {
            premium_would_allow_invite,
            premium_required_for_pm,
        },
        None => AddOutcome::Added,
    }
}

async fn invite(
    client: &Client,
    channel: &enums::InputChannel,
    users: Vec<enums::InputUser>,
) -> Result<Missing> {
    let enums::messages::InvitedUsers::InvitedUsers(i) = client
        .invoke(&functions::channels::InviteToChannel {
            channel: channel.clone(),
            users,
        })
        .await?;
    Ok(missing_of(&i.missing_invitees))
}
