//! "Did you mean": the known key or value closest to a misspelled one.

/// The candidate nearest to `given` when it is near enough to be a slip of the keyboard
/// (case and `-`/`_` ignored; at most a third of the letters wrong).
pub(super) fn closest<'c>(given: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let given = norm(given);
    let limit = (given.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&given, &norm(c)), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// The names serde lists after "expected" (`` `a`, `b` or `c` ``, `` one of `a`, `b` ``).
pub(super) fn expected_names(expected: &str) -> Vec<&str> {
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let known = ["summary", "published", "status", "tlp"];
        assert_eq!(closest("sumary", known), Some("summary"));
        assert_eq!(closest("publshed", known), Some("published"));
        assert_eq!(closest("TLP", known), Some("tlp"));
        assert_eq!(closest("colour", known), None);
        assert_eq!(expected_names("one of `a`, `b_c`, `d`"), ["a", "b_c", "d"]);
    }
}
