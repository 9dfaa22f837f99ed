//! The generator's only source of randomness: the same seed gives the same corpus.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and plenty for test data.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (the modulo bias is far below anything a benchmark notices).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    pub(crate) fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// An index drawn with the given relative weights.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut r = self.next() % weights.iter().sum::<u64>();
        let mut i = 0;
        while r >= weights[i] {
            r -= weights[i];
            i += 1;
        }
        i
    }
    /// A Zipf-distributed index (exponent 1) below `n`: index 0 is drawn most often.
    pub(crate) fn zipf(&mut self, n: usize) -> usize {
        let harmonic: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
        let mut u = (self.next() >> 11) as f64 / (1u64 << 53) as f64 * harmonic;
        (1..=n)
            .position(|k| {
                u -= 1.0 / k as f64;
                u <= 0.0
            })
            .unwrap_or(n - 1)
    }
}
