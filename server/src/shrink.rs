//! Giving back the room of maps that a burst of connections grew.
//!
//! A `HashMap` never shrinks on its own: after 1,000 sockets of a flood
//! have come and gone, the per-connection tables would keep room for 1,000
//! for the life of the process. [`after_removal`] returns most of it once a
//! map is mostly empty, at an amortised constant cost per removal.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

/// Capacity below which a map is left alone (not worth reallocating).
const KEEP: usize = 64;

/// Call after removing from `map`: when it uses under a quarter of its
/// room (and has room for more than [`KEEP`]), shrink it to twice its
/// length. Growing back to the old size costs as many insertions as the
/// removals that led here, so the reallocation is amortised.
pub(crate) fn after_removal<K: Eq + Hash, V, S: BuildHasher>(map: &mut HashMap<K, V, S>) {
    if map.capacity() > KEEP && map.len() * 4 < map.capacity() {
        map.shrink_to((map.len() * 2).max(KEEP));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_emptied_after_a_burst_gives_its_room_back() {
        let mut map: HashMap<u64, [u8; 256]> = HashMap::new();
        for i in 0..10_000 {
            map.insert(i, [0; 256]);
        }
        let grown = map.capacity();
        for i in 0..9_990 {
            map.remove(&i);
            after_removal(&mut map);
        }
        assert_eq!(map.len(), 10);
        assert!(
            map.capacity() <= 2 * KEEP,
            "capacity {} after shrinking from {grown}",
            map.capacity()
        );
        // A map in steady use is not reallocated on every removal.
        for i in 0..100 {
            map.insert(100_000 + i, [0; 256]);
        }
        let steady = map.capacity();
        map.remove(&100_000);
        after_removal(&mut map);
        // (A removal may leave a tombstone, which counts one off the room.)
        assert!(
            map.capacity() + 1 >= steady,
            "{} of {steady}",
            map.capacity()
        );
    }
}
