//! The soak's bookkeeping of message ids and texts, in bitmaps: a listener
//! that kept every id and text it saw in hash maps grew by some 25 MiB over
//! a 30-minute run, which the RSS check could not tell from a client leak.
//! A bitmap over message ids costs one bit an id (12 KiB for 100,000).

use std::collections::HashMap;
use std::sync::Mutex;

/// A set of message ids (positive `i32`s), one bit each.
#[derive(Default, Clone, Debug)]
pub struct Ids {
    words: Vec<u64>,
    len: usize,
}

impl Ids {
    /// Adds `id`; whether it was not there yet. Ids below 1 are not message
    /// ids: they are not kept (and count as new).
    pub fn insert(&mut self, id: i32) -> bool {
        let Some(i) = usize::try_from(id).ok().filter(|i| *i > 0) else {
            return true;
        };
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        if w >= self.words.len() {
            // Doubling, as a Vec does, but at least to the word needed.
            let want = (w + 1).max(self.words.len() * 2);
            self.words.resize(want, 0);
        }
        let fresh = self.words[w] & bit == 0;
        self.words[w] |= bit;
        self.len += usize::from(fresh);
        fresh
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: i32) -> bool {
        usize::try_from(id).is_ok_and(|i| {
            i > 0
                && self
                    .words
                    .get(i / 64)
                    .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
        })
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = i32> + '_ {
        self.words.iter().enumerate().flat_map(|(w, bits)| {
            (0..64)
                .filter(move |b| bits & (1u64 << b) != 0)
                .filter_map(move |b| i32::try_from(w * 64 + b).ok())
        })
    }

    /// Adds every id of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = i32>) {
        for id in other {
            self.insert(id);
        }
    }
}

/// What a listener saw of the lounge.
#[derive(Default)]
pub struct Seen(Mutex<Inner>);

#[derive(Default)]
struct Inner {
    /// Every message id seen.
    ids: Ids,
    /// Ids delivered more than once.
    twice: Ids,
    /// The message numbers seen of each sender: every text sent is
    /// `"{sender} {n}"` with a number no other message of that sender has,
    /// so a number seen twice is a send that created two messages.
    numbers: HashMap<String, Ids>,
    /// Texts of distinct messages that were the same.
    texts_twice: Vec<String>,
}

impl Seen {
    /// Records message `id` with `text`.
    pub fn saw(&self, id: i32, text: &str) {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !s.ids.insert(id) {
            s.twice.insert(id);
            return;
        }
        let Some((sender, n)) = text.rsplit_once(' ') else {
            return;
        };
        let Ok(n) = n.parse::<i32>() else {
            return;
        };
        let fresh = match s.numbers.get_mut(sender) {
            Some(numbers) => numbers.insert(n),
            None => {
                let mut numbers = Ids::default();
                numbers.insert(n);
                s.numbers.insert(sender.to_owned(), numbers);
                true
            }
        };
        if !fresh {
            s.texts_twice.push(format!("{text:?}"));
        }
    }

    /// Whether message `id` was seen.
    pub fn has(&self, id: i32) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .ids
            .contains(id)
    }

    /// The ids seen, those seen more than once, and the repeated texts.
    pub fn snapshot(&self) -> (Ids, Ids, Vec<String>) {
        let s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        (s.ids.clone(), s.twice.clone(), s.texts_twice.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_a_set() {
        let mut ids = Ids::default();
        assert!(ids.insert(1));
        assert!(ids.insert(200_000));
        assert!(!ids.insert(1));
        assert!(ids.insert(0) && ids.insert(-5), "not message ids: not kept");
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(200_000) && !ids.contains(199_999) && !ids.contains(-5));
        assert_eq!(ids.iter().collect::<Vec<_>>(), [1, 200_000]);
    }

    #[test]
    fn a_number_twice_is_a_text_twice() {
        let seen = Seen::default();
        seen.saw(10, "soak 3 7");
        seen.saw(10, "soak 3 7");
        seen.saw(11, "soak 4 7");
        seen.saw(12, "soak 3 7");
        seen.saw(13, "soak: the start");
        let (ids, twice, texts) = seen.snapshot();
        assert_eq!(ids.iter().collect::<Vec<_>>(), [10, 11, 12, 13]);
        assert_eq!(twice.iter().collect::<Vec<_>>(), [10]);
        assert_eq!(texts, ["\"soak 3 7\""]);
    }
}
