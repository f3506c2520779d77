//! One sort routine for the whole app.
//!
//! The standard library's sort is generic: `v.sort_by_key(f)` puts a copy of its ~3 KB of
//! code into the wasm for every element type and key closure (twiggy counted 120 sort
//! functions in the learner's wasm). [`sort_by_key`] sorts `(key, position)` pairs instead, so
//! every caller shares a single copy; only a few lines per element type remain.

/// Sorts `items` by `key`, ascending; items with equal keys keep their order (a stable sort).
pub fn sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> i64) {
    let mut keys: Vec<(i64, usize)> = items.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    // (key, position) pairs are distinct: the unstable sort keeps equal keys in order
    keys.sort_unstable();
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(keys.into_iter().filter_map(|(_, i)| slots[i].take()));
}

/// A `u64` key as an `i64` key in the same order (for [`sort_by_key`]).
pub fn ordered_u64(k: u64) -> i64 {
    (k ^ (1 << 63)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the shared sort: the order of `sort_by_key` from the standard library, equal
    // keys included (stable), descending keys written as `!k`, u64 keys kept in order.
    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 5, 31, 200] {
            let items: Vec<(i64, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as i64 - 8, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|x| x.0);
            assert_eq!(ours, std_sorted);
            let mut ours = items.clone();
            sort_by_key(&mut ours, |x| !x.0);
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|x| std::cmp::Reverse(x.0));
            assert_eq!(ours, std_sorted);
        }
        let keys = [0u64, 1, u64::MAX, 1 << 63, (1 << 63) - 1, 42];
        let mut ours = keys.to_vec();
        sort_by_key(&mut ours, |k| ordered_u64(*k));
        let mut std_sorted = keys.to_vec();
        std_sorted.sort();
        assert_eq!(ours, std_sorted);
    }
}
