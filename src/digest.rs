//! Digests of what a piece of output is made from: the keys under which the build cache
//! (`pipeline::cache`) finds work a previous build did with the same inputs.

use sha2::{Digest, Sha256};

/// A SHA-256 digest of a step's inputs.
pub type Key = [u8; 32];

/// SHA-256 over length-prefixed parts, so that no two different part lists collide by
/// concatenation.
pub fn key(parts: &[&[u8]]) -> Key {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// [`key`] one part at a time, for inputs with many small parts (no list of them to make
/// first). The parts are gathered in one buffer and hashed in one pass at the end, rather
/// than handed to SHA-256 a few bytes at a time.
#[derive(Default)]
pub struct Hasher(Vec<u8>);

impl Hasher {
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
        self
    }

    /// An optional part: whether there is one, then the part.
    pub fn optional(&mut self, bytes: Option<&[u8]>) -> &mut Self {
        match bytes {
            Some(b) => self.part(b"some").part(b),
            None => self.part(b"none"),
        }
    }

    pub fn finish(self) -> Key {
        Sha256::digest(&self.0).into()
    }
}

/// Lower-case hex, for keys stored as text.
pub fn hex(key: &Key) -> String {
    use std::fmt::Write as _;
    key.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The key a [`hex`] string names; `None` for anything else.
pub fn from_hex(text: &str) -> Option<Key> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_length_prefixed() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"ab", b"c"]), key(&[b"ab", b"c"]));
    }

    #[test]
    fn the_hasher_gives_the_key_of_its_parts() {
        let mut h = Hasher::default();
        h.part(b"ab").part(b"").part(b"c");
        assert_eq!(h.finish(), key(&[b"ab", b"", b"c"]));
    }

    #[test]
    fn optional_parts_are_told_apart() {
        let of = |parts: &[Option<&[u8]>]| {
            let mut h = Hasher::default();
            parts.iter().for_each(|p| {
                h.optional(*p);
            });
            h.finish()
        };
        assert_ne!(of(&[None, Some(b"a")]), of(&[Some(b"a"), None]));
        assert_ne!(of(&[Some(b"")]), of(&[None]));
        assert_eq!(of(&[Some(b"a")]), of(&[Some(b"a")]));
    }

    #[test]
    fn hex_round_trips() {
        let k = key(&[b"x"]);
        assert_eq!(from_hex(&hex(&k)), Some(k));
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex(&"é".repeat(32)), None);
    }
}
