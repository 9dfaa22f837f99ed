//! Hash maps and sets for the build's own lookups by id, path and key.
//!
//! A rebuild in `serve` looks up every advisory, output path and cache key a few times;
//! with std's SipHash that was ~5 % of its CPU. foldhash (already built for hashbrown) is
//! several times faster on short strings and 32-byte keys, and is still seeded at random
//! per map, so crafted ids cannot pick their buckets in advance.

pub type RandomState = foldhash::fast::RandomState;
pub type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;
pub type HashSet<T> = std::collections::HashSet<T, RandomState>;
