//! The set of member ids a listing has yielded.

use std::collections::HashSet;

/// The ids already yielded, in about 8 bytes per member: a sorted vector
/// (grown exactly) plus a small hash set of recent ids merged into it every
/// [`SeenIds::BATCH`] inserts. A plain `HashSet<i64>` costs 10 to 21 bytes
/// per member depending on where it is in its growth.
#[derive(Debug, Default)]
pub(super) struct SeenIds {
    sorted: Vec<i64>,
    recent: HashSet<i64>,
}

impl SeenIds {
    const BATCH: usize = 4096;

    /// Adds `id`; false if it was there already.
    pub(super) fn insert(&mut self, id: i64) -> bool {
        if self.sorted.binary_search(&id).is_ok() || !self.recent.insert(id) {
            return false;
        }
        if self.recent.len() >= Self::BATCH {
            let mut batch: Vec<i64> = self.recent.drain().collect();
            batch.sort_unstable();
            let mut merged = Vec::with_capacity(self.sorted.len() + batch.len());
            let (mut a, mut b) = (self.sorted.iter().peekable(), batch.iter().peekable());
            while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                if x < y {
                    merged.push(*a.next().expect("peeked"));
                } else {
                    merged.push(*b.next().expect("peeked"));
                }
            }
            merged.extend(a);
            merged.extend(b);
            self.sorted = merged;
        }
        true
    }

    pub(super) fn len(&self) -> usize {
        self.sorted.len() + self.recent.len()
    }

    /// Heap bytes held (for the memory benchmark and tests).
    pub(super) fn heap_bytes(&self) -> usize {
        self.sorted.capacity() * 8 + self.recent.capacity() * 9
    }
}

#[cfg(test)]
mod tests {
    use super::SeenIds;

    #[test]
    fn seen_ids_are_exact_and_compact() {
        let mut seen = SeenIds::default();
        let ids: Vec<i64> = (0..100_000i64).map(|i| (i * 7_919) % 1_000_003).collect();
        for &id in &ids {
            assert!(seen.insert(id));
        }
        for &id in ids.iter().step_by(97) {
            assert!(!seen.insert(id), "{id} again");
        }
        assert_eq!(seen.len(), ids.len());
        assert!(!seen.insert(ids[99_999]));
        let per_member = seen.heap_bytes() as f64 / ids.len() as f64;
        assert!(per_member <= 16.0, "{per_member} bytes per member");
    }
}
