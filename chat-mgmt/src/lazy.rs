//! What the listings share: a [`Pager`] made when the first item is asked
//! for, from the options their builders set.

use std::pin::Pin;
use std::task::{Context, Poll};

use ferrogram_client::{Client, Listing, Pager, PeerRef};
use futures::Stream;

/// A listing not started yet (the client and the chat), or started.
pub(crate) enum Lazy<L: Listing> {
    /// Options may still change.
    Waiting(Client, PeerRef),
    /// Running.
    Running(Pager<L>),
}

impl<L: Listing> Lazy<L> {
    /// Polls the listing, first making it with `make` if it has not started.
    pub(crate) fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        make: impl FnOnce(Client, PeerRef) -> L,
    ) -> Poll<Option<L::Item>> {
        if let Self::Waiting(client, chat) = self {
            let listing = make(client.clone(), chat.clone());
            *self = Self::Running(Pager::new(listing));
        }
        match self {
            Self::Running(pager) => Pin::new(pager).poll_next(cx),
            Self::Waiting(..) => Poll::Ready(None),
        }
    }

    /// The running listing, between items.
    pub(crate) fn listing(&self) -> Option<&L> {
        match self {
            Self::Running(pager) => pager.listing(),
            Self::Waiting(..) => None,
        }
    }

    /// Whether the first item has been asked for.
    pub(crate) fn started(&self) -> bool {
        matches!(self, Self::Running(_))
    }
}
