//! [`Pager`]: a paged listing's state machine as a `futures::Stream`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// A listing that fetches pages as it is asked for items: its state, and
/// `next`, which yields the next item (fetching a page when its buffer is
/// empty) or `None` at the end. [`Pager`] turns it into a `futures::Stream`;
/// this crate's [`crate::MessageIter`] and `ferrogram-chat-mgmt`'s iterators
/// are built this way, and so can a user's own listing be.
pub trait Listing: Send + 'static {
    /// What the listing yields (usually a `Result`).
    type Item: Send + 'static;

    /// The next item, or `None` at the end.
    fn next(&mut self) -> impl Future<Output = Option<Self::Item>> + Send + '_;
}

type Step<L> = Pin<Box<dyn Future<Output = (Box<L>, Option<<L as Listing>::Item>)> + Send>>;

/// A [`Listing`] driven as a `futures::Stream`: polling runs the listing's
/// `next` to completion (across as many polls as its requests take), and
/// between items the listing can be read with [`Pager::listing`].
///
/// Dropping the pager while a request is in flight drops that request's
/// future (the client still receives and discards the answer).
pub struct Pager<L: Listing> {
    idle: Option<Box<L>>,
    busy: Option<Step<L>>,
}

impl<L: Listing> Pager<L> {
    /// Drives `listing`.
    pub fn new(listing: L) -> Self {
        Self {
            idle: Some(Box::new(listing)),
            busy: None,
        }
    }

    /// The listing, between items (`None` while an item is being fetched).
    pub fn listing(&self) -> Option<&L> {
        self.idle.as_deref()
    }

    /// The listing, mutably, between items.
    pub fn listing_mut(&mut self) -> Option<&mut L> {
        self.idle.as_deref_mut()
    }
}

impl<L: Listing> futures::Stream for Pager<L> {
    type Item = L::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<L::Item>> {
        let this = self.get_mut();
        let step = match (&mut this.busy, this.idle.take()) {
            (Some(step), _) => step,
            (None, Some(mut listing)) => this.busy.insert(Box::pin(async move {
                let item = listing.next().await;
                (listing, item)
            })),
            // Neither idle nor busy: a step panicked earlier; nothing more.
            (None, None) => return Poll::Ready(None),
        };
        let (listing, item) = ready!(step.as_mut().poll(cx));
        this.busy = None;
        this.idle = Some(listing);
        Poll::Ready(item)
    }
}

impl<L: Listing + fmt::Debug> fmt::Debug for Pager<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.idle {
            Some(listing) => f.debug_tuple("Pager").field(listing).finish(),
            None => f.write_str("Pager(<fetching>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    /// Counts to `end`, yielding to the executor before each item as a
    /// request would.
    struct Count {
        at: u32,
        end: u32,
    }

    impl Listing for Count {
        type Item = u32;

        async fn next(&mut self) -> Option<u32> {
            tokio::task::yield_now().await;
            (self.at < self.end).then(|| {
                self.at += 1;
                self.at
            })
        }
    }

    #[tokio::test]
    async fn a_listing_streams_and_can_be_read_between_items() {
        let mut pager = Pager::new(Count { at: 0, end: 3 });
        assert_eq!(pager.next().await, Some(1));
        assert_eq!(pager.listing().map(|c| c.at), Some(1));
        let rest: Vec<u32> = pager.by_ref().collect().await;
        assert_eq!(rest, [2, 3]);
        assert_eq!(pager.next().await, None, "stays ended");
        fn is_send<T: Send + Unpin>(_: &T) {}
        is_send(&pager);
    }
}
