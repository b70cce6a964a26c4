//! `messages.*`, by concept.

pub(crate) mod chats;
pub(crate) mod delete;
pub(crate) mod groups;
pub(crate) mod history;
pub(crate) mod invite_links;
pub(crate) mod invites;
pub(crate) mod join_requests;
pub(crate) mod leaving;
pub(crate) mod migrate;
pub(crate) mod ownership;
pub(crate) mod pins;
pub(crate) mod ranks;
pub(crate) mod reactions;
pub(crate) mod send;
pub(crate) mod topics;
