//! The output `serve` holds in memory, path → bytes, to answer requests and to keep files
//! from for the next rebuild.

use std::sync::Arc;

use crate::hash::HashMap;

/// Files by path. Paths and bytes are shared: a file the next build keeps is the same
/// allocation in both outputs (at 10k advisories copying them was ~430 MB per rebuild).
pub type Files = HashMap<Arc<str>, Arc<Vec<u8>>>;

/// A build's output: a base shared with earlier builds, and the files rebuilt since then,
/// which stand in for the base's at the same paths.
///
/// A rebuild after an edit makes a few dozen files of ~47,000 (at 10k advisories); it gets
/// a new overlay, not a copy of the whole map (94,000 reference counts touched, ~4 ms).
/// Once the overlay is an eighth of the base, the next output is merged into one base.
#[derive(Debug, Default, Clone)]
pub struct Output {
    base: Arc<Files>,
    /// Every path here is also in `base`.
    overlay: Arc<Files>,
}

impl From<Files> for Output {
    fn from(files: Files) -> Self {
        Output {
            base: Arc::new(files),
            overlay: Arc::default(),
        }
    }
}

impl Output {
    pub fn get(&self, path: &str) -> Option<&Arc<Vec<u8>>> {
        self.overlay.get(path).or_else(|| self.base.get(path))
    }

    /// The path as this output shares it, with the bytes.
    pub fn get_key_value(&self, path: &str) -> Option<(&Arc<str>, &Arc<Vec<u8>>)> {
        let (shared, _) = self.base.get_key_value(path)?;
        Some((shared, self.get(path)?))
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.base.contains_key(path)
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.base.len()
    }

    pub fn is_empty(&self) -> bool {
        self.base.is_empty()
    }

    /// Every file, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Arc<Vec<u8>>)> {
        self.base.iter().map(|(path, bytes)| {
            let bytes = self.overlay.get(path).unwrap_or(bytes);
            (path, bytes)
        })
    }

    /// This output with `made` replacing the files at the same paths (a new path is added).
    pub(super) fn replaced(&self, made: Vec<crate::emit::OutputFile>) -> Output {
        let mut overlay = (*self.overlay).clone();
        let mut added = false;
        for f in made {
            let path = match self.base.get_key_value(f.path.as_str()) {
                Some((shared, _)) => shared.clone(),
                None => {
                    added = true;
                    Arc::from(f.path)
                }
            };
            overlay.insert(path, Arc::new(f.bytes));
        }
        // An overlay holds only paths of the base (what `len` and `iter` count on).
        if added || overlay.len() > self.base.len() / 8 {
            let mut base = (*self.base).clone();
            base.extend(overlay);
            return Output::from(base);
        }
        Output {
            base: self.base.clone(),
            overlay: Arc::new(overlay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::OutputFile;

    fn files(n: usize) -> Files {
        (0..n)
            .map(|i| (Arc::from(format!("f{i}")), Arc::new(vec![b'a'])))
            .collect()
    }

    #[test]
    fn replaced_files_stand_in_for_the_base_and_merge_when_many() {
        let first = Output::from(files(16));
        let second = first.replaced(vec![OutputFile::new("f1", "b")]);
        assert_eq!(second.get("f1").map(|b| b.as_slice()), Some(&b"b"[..]));
        assert_eq!(
            first.get("f1").map(|b| b.as_slice()),
            Some(&b"a"[..]),
            "the first is unchanged"
        );
        assert_eq!(second.len(), 16);
        assert!(Arc::ptr_eq(&first.base, &second.base), "the base is shared");
        let made = ["f2", "f3", "f1"].map(|p| OutputFile::new(p, if p == "f2" { "c" } else { "d" }));
        let third = second.replaced(made.to_vec());
        assert!(
            !Arc::ptr_eq(&first.base, &third.base),
            "past an eighth, one map again"
        );
        assert!(third.overlay.is_empty());
        let mut all: Vec<(String, Vec<u8>)> =
            third.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        all.sort();
        assert_eq!(all.len(), 16);
        assert_eq!(all[1], ("f1".to_string(), b"d".to_vec()));
        assert_eq!(third.get("f2").map(|b| b.as_slice()), Some(&b"c"[..]));
        assert_eq!(third.get_key_value("f2").map(|(p, _)| &**p), Some("f2"));
        assert!(third.get("nope").is_none() && !third.contains_key("nope"));
        let fourth = third.replaced(vec![OutputFile::new("new", "e")]);
        assert_eq!(fourth.len(), 17, "a new path is counted");
        assert!(fourth.contains_key("new") && fourth.iter().any(|(p, _)| &**p == "new"));
    }
}
