//! What a member is in a chat ([`MemberState`]), as a bulk run records it
//! before acting, and the operation applied to one member ([`BulkOp`]): which
//! members it would not change, which it must pass over, and how to undo it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrogram_tl_types::{enums, types};
use serde::{Deserialize, Serialize};

use crate::participants::{Role, rank_of, role_of};
use crate::{AdminRight, AdminRights, BannedRight, BannedRights, Result};

/// A member's standing in one chat, in names (rights as Telegram's flag
/// names) so that journals and reports read and last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MemberState {
    /// The chat's creator.
    Creator {
        /// Their tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rank: Option<String>,
    },
    /// An admin with these rights granted.
    Admin {
        /// The granted rights (`ban_users`, ...).
        rights: Vec<String>,
        /// Their title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rank: Option<String>,
    },
    /// A member with the chat's default rights.
    Member {
        /// Their tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rank: Option<String>,
    },
    /// A member with these rights denied.
    Restricted {
        /// The denied rights (`send_messages`, ...).
        denied: Vec<String>,
        /// When it ends (Unix seconds; none: for ever).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<i64>,
        /// Their tag.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rank: Option<String>,
    },
    /// Banned: may not view the chat.
    Banned {
        /// The denied rights (`view_messages` among them).
        denied: Vec<String>,
        /// When it ends (Unix seconds; none: for ever).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<i64>,
    },
    /// Not in the chat (left, removed, or never joined).
    Left,
    /// Not in the chat, asking to join.
    Requested,
}

impl MemberState {
    /// A participant as `channels.getParticipant(s)` reports them.
    pub(crate) fn of_participant(p: &enums::ChannelParticipant) -> Self {
        let rank = rank_of(p).filter(|r| !r.is_empty());
        match role_of(p) {
            Some((_, role, _, _)) => Self::of_role(&role, rank),
            None => Self::Left,
        }
    }

    /// A listed participant's role and tag.
    pub(crate) fn of_role(role: &Role, rank: Option<String>) -> Self {
        let rank = rank.filter(|r| !r.is_empty());
        match role {
            Role::Creator { .. } => Self::Creator { rank },
            Role::Admin { rights, .. } => Self::Admin {
                rights: admin_names(rights),
                rank,
            },
            Role::Member => Self::Member { rank },
            Role::Restricted { rights, .. } => Self::Restricted {
                denied: denied_names(rights),
                until: unix(rights.until),
                rank,
            },
            Role::Banned { rights, .. } => Self::Banned {
                denied: denied_names(rights),
                until: unix(rights.until),
            },
        }
    }

    /// Their tag, if any.
    pub fn rank(&self) -> Option<&str> {
        match self {
            Self::Creator { rank }
            | Self::Admin { rank, .. }
            | Self::Member { rank }
            | Self::Restricted { rank, .. } => rank.as_deref(),
            _ => None,
        }
    }

    /// In the chat (not banned, not left, not only asking).
    pub fn is_member(&self) -> bool {
        matches!(
            self,
            Self::Creator { .. }
                | Self::Admin { .. }
                | Self::Member { .. }
                | Self::Restricted { .. }
        )
    }

    /// Short lower-case name of the role (`member`, `restricted`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Creator { .. } => "creator",
            Self::Admin { .. } => "admin",
            Self::Member { .. } => "member",
            Self::Restricted { .. } => "restricted",
            Self::Banned { .. } => "banned",
            Self::Left => "left",
            Self::Requested => "requested",
        }
    }
}

/// One operation on one member, as journals and reports store it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BulkOp {
    /// `channels.editBanned` with these rights denied, until then (nothing
    /// denied: every restriction and ban lifted).
    Restrict {
        /// The denied rights.
        denied: Vec<String>,
        /// When it ends (Unix seconds; none: for ever).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<i64>,
    },
    /// Banned for ever (`view_messages` and everything else denied).
    Ban,
    /// Removed without a lasting ban: banned, then (after one pause for the
    /// whole run) unbanned.
    Kick,
    /// Made an admin with exactly these rights (and this title).
    Promote {
        /// The granted rights.
        rights: Vec<String>,
        /// The title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// Made a plain member.
    Demote,
    /// Tagged (empty: the tag removed).
    SetRank {
        /// The tag.
        rank: String,
    },
    /// Everything they wrote deleted.
    DeleteHistory,
    /// Their join request approved or declined.
    Decide {
        /// Approve (true) or decline.
        approve: bool,
    },
}

impl BulkOp {
    /// How many passes over the members it takes (a kick: the bans, one
    /// pause, the unbans).
    pub(crate) fn steps(&self) -> u8 {
        if matches!(self, Self::Kick) { 2 } else { 1 }
    }

    /// Whether `state` is already what the op makes of it (nothing to do).
    pub(crate) fn already(&self, state: &MemberState) -> bool {
        use MemberState as S;
        match self {
            Self::Restrict { denied, .. } if denied.is_empty() => {
                !matches!(state, S::Restricted { .. } | S::Banned { .. })
            }
            Self::Restrict { denied, until } => {
                matches!(state, S::Restricted { denied: d, until: u, .. }
                    | S::Banned { denied: d, until: u } if d == denied && u == until)
            }
            Self::Ban => matches!(state, S::Banned { .. }),
            Self::Kick => !state.is_member(),
            Self::Promote { rights, title } => matches!(state, S::Admin { rights: r, rank }
                if r == rights && (title.is_none() || rank == title)),
            Self::Demote => !matches!(state, S::Admin { .. }),
            Self::SetRank { rank } => state.rank().unwrap_or("") == rank,
            Self::DeleteHistory | Self::Decide { .. } => false,
        }
    }

    /// Whether a kick's first pass (the ban) holds.
    pub(crate) fn reached(&self, step: u8, state: &MemberState) -> bool {
        match (self, step) {
            (Self::Kick, 0) => matches!(state, MemberState::Banned { .. }),
            _ => self.already(state),
        }
    }

    /// Why the op passes over a member in `state` (`me`: the caller).
    pub(crate) fn skip(&self, state: &MemberState, me: bool) -> Option<&'static str> {
        use MemberState as S;
        let punitive = matches!(self, Self::Restrict { .. } | Self::Ban | Self::Kick);
        match state {
            S::Creator { .. } if !matches!(self, Self::SetRank { .. }) => {
                Some("the chat's creator")
            }
            _ if me && !matches!(self, Self::SetRank { .. } | Self::DeleteHistory) => {
                Some("yourself")
            }
            S::Admin { .. } if punitive => Some("an admin (demote first)"),
            S::Left | S::Banned { .. } | S::Requested
                if matches!(self, Self::Promote { .. } | Self::SetRank { .. }) =>
            {
                Some("not a member")
            }
            // Telegram restricts members only (USER_NOT_PARTICIPANT); a ban
            // needs no membership.
            S::Left | S::Requested if matches!(self, Self::Restrict { denied, .. } if !denied.iter().any(|d| d == "view_messages")) => {
                Some("not a member")
            }
            _ => None,
        }
    }

    /// The op that puts back `before` after this one changed it (`None`:
    /// not undoable: deletions, kicks, decided requests).
    pub(crate) fn inverse(&self, before: &MemberState) -> Option<BulkOp> {
        use MemberState as S;
        match self {
            Self::Restrict { .. } | Self::Ban => Some(match before {
                S::Restricted { denied, until, .. } | S::Banned { denied, until } => {
                    Self::Restrict {
                        denied: denied.clone(),
                        until: *until,
                    }
                }
                _ => Self::Restrict {
                    denied: Vec::new(),
                    until: None,
                },
            }),
            Self::Promote { .. } | Self::Demote => Some(match before {
                S::Admin { rights, rank } => Self::Promote {
                    rights: rights.clone(),
                    title: rank.clone(),
                },
                _ => Self::Demote,
            }),
            Self::SetRank { .. } => Some(Self::SetRank {
                rank: before.rank().unwrap_or("").to_owned(),
            }),
            Self::Kick | Self::DeleteHistory | Self::Decide { .. } => None,
        }
    }

    /// The rights a restriction sends.
    pub(crate) fn banned_rights(denied: &[String], until: Option<i64>) -> Result<BannedRights> {
        let mut rights = BannedRights::new();
        for name in denied {
            rights.set(name.parse::<BannedRight>()?, false);
        }
        Ok(rights.until_date(until.map(|s| UNIX_EPOCH + Duration::from_secs(s.max(0) as u64))))
    }

    /// The rights a promotion sends: exactly those named.
    pub(crate) fn admin_rights(rights: &[String], title: &Option<String>) -> Result<AdminRights> {
        let mut out = AdminRights::new();
        for &r in AdminRight::ALL {
            out.set(r, false);
        }
        for name in rights {
            out.set(name.parse::<AdminRight>()?, true);
        }
        out.title = title.clone();
        Ok(out)
    }

    /// A short description (`ban`, `restrict send_messages`, ...).
    pub fn describe(&self) -> String {
        match self {
            Self::Restrict { denied, .. } if denied.is_empty() => "unrestrict".into(),
            Self::Restrict { denied, .. } => format!("restrict {}", denied.join(",")),
            Self::Ban => "ban".into(),
            Self::Kick => "kick".into(),
            Self::Promote { rights, .. } => format!("promote {}", rights.join(",")),
            Self::Demote => "demote".into(),
            Self::SetRank { rank } => format!("set rank {rank:?}"),
            Self::DeleteHistory => "delete history".into(),
            Self::Decide { approve: true } => "approve join request".into(),
            Self::Decide { approve: false } => "decline join request".into(),
        }
    }
}

/// The granted rights' names, in Telegram's order.
pub(crate) fn admin_names(rights: &types::ChatAdminRights) -> Vec<String> {
    let all = AdminRights::from_tl(rights);
    AdminRight::ALL
        .iter()
        .filter(|&&r| all.get(r) == Some(true))
        .map(|r| r.name().to_owned())
        .collect()
}

/// The denied rights' names, in Telegram's order.
pub(crate) fn denied_names(rights: &BannedRights) -> Vec<String> {
    rights.denied().map(|r| r.name().to_owned()).collect()
}

/// Unix seconds of an optional time.
pub(crate) fn unix(t: Option<SystemTime>) -> Option<i64> {
    t.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> MemberState {
        MemberState::Member { rank: None }
    }

    #[test]
    fn ops_know_what_is_done_what_to_pass_over_and_how_to_undo() {
        let mute = BulkOp::Restrict {
            denied: vec!["send_messages".into()],
            until: None,
        };
        let muted = MemberState::Restricted {
            denied: vec!["send_messages".into()],
            until: None,
            rank: None,
        };
        assert!(mute.already(&muted) && !mute.already(&member()));
        assert_eq!(
            mute.inverse(&member()),
            Some(BulkOp::Restrict {
                denied: vec![],
                until: None
            })
        );
        let admin = MemberState::Admin {
            rights: vec!["ban_users".into()],
            rank: Some("mod".into()),
        };
        assert_eq!(mute.skip(&admin, false), Some("an admin (demote first)"));
        assert_eq!(BulkOp::Ban.skip(&member(), true), Some("yourself"));
        assert_eq!(
            BulkOp::Demote.inverse(&admin),
            Some(BulkOp::Promote {
                rights: vec!["ban_users".into()],
                title: Some("mod".into())
            })
        );
        assert!(BulkOp::Kick.already(&MemberState::Left));
        assert!(BulkOp::Kick.reached(
            0,
            &MemberState::Banned {
                denied: vec![],
                until: None
            }
        ));
        assert_eq!(BulkOp::Kick.inverse(&member()), None);
        let rights = BulkOp::banned_rights(&["send_media".into()], Some(2_000_000_000)).unwrap();
        assert!(!rights.send_media && rights.send_messages);
        assert!(BulkOp::banned_rights(&["fly".into()], None).is_err());
        let json = serde_json::to_string(&mute).unwrap();
        assert_eq!(json, r#"{"op":"restrict","denied":["send_messages"]}"#);
        assert_eq!(serde_json::from_str::<BulkOp>(&json).unwrap(), mute);
    }
}
