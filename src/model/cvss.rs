//! CVSS vectors. Scores are always computed from the vector (RustSec `cvss` crate), never
//! typed by hand; a score given alongside a vector is only a cross-check.

use std::str::FromStr;

use serde::Serialize;

/// Qualitative severity rating (the same scale for CVSS 3.x and 4.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
    ];

    pub fn from_score(score: f64) -> Self {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::None,
        }
    }

    /// `critical`, used in URLs and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// `Critical`, for people.
    pub fn label(self) -> &'static str {
        match self {
            Severity::None => "None",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }

    /// `CRITICAL`, as CVSS JSON `baseSeverity`.
    pub fn upper(self) -> &'static str {
        match self {
            Severity::None => "NONE",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// A CVSS 3.0 or 3.1 base vector with its computed base score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvssV3 {
    pub version: &'static str,
    pub vector: String,
    pub score: f64,
    pub severity: Severity,
    /// The base metrics as CVSS JSON property names and values (`attackVector: NETWORK`).
    #[serde(skip)]
    pub metrics: Vec<(&'static str, &'static str)>,
    /// Temporal and environmental metrics and scores as CVSS JSON properties, when the
    /// vector has any (see `cvss_more.rs`).
    #[serde(skip)]
    pub more: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A CVSS 4.0 vector with its computed score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvssV4 {
    pub vector: String,
    pub score: f64,
    pub severity: Severity,
    /// CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE: which metric groups the score includes.
    pub nomenclature: String,
}

/// Abbreviation, CVSS JSON name, and (short, long) value names of a metric.
type MetricDef = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The eight CVSS 3.x base metrics.
const V3_BASE: &[MetricDef] = &[
    (
        "AV",
        "attackVector",
        &[
            ("N", "NETWORK"),
            ("A", "ADJACENT_NETWORK"),
            ("L", "LOCAL"),
            ("P", "PHYSICAL"),
        ],
    ),
    ("AC", "attackComplexity", &[("L", "LOW"), ("H", "HIGH")]),
    (
        "PR",
        "privilegesRequired",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    ("UI", "userInteraction", &[("N", "NONE"), ("R", "REQUIRED")]),
    ("S", "scope", &[("U", "UNCHANGED"), ("C", "CHANGED")]),
    (
        "C",
        "confidentialityImpact",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    (
        "I",
        "integrityImpact",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    (
        "A",
        "availabilityImpact",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
];

/// Parsing a vector takes three parsers and a scoring (3.x) or a scoring through lookup
/// tables (4.0): ~4 % of the CPU of a build at 10,000 advisories, whose vectors mostly repeat
/// (a PSIRT rates similar flaws alike). Each thread remembers the vectors it parsed. The
/// result is a function of the vector alone, so no output can differ; the memory is bounded
/// (cleared when full), and a `serve` session's threads keep theirs between rebuilds.
fn memoized<T: Clone + 'static>(
    memo: &'static std::thread::LocalKey<Memo<T>>,
    vector: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, String> {
    const MAX_VECTORS: usize = 4096;
    if let Some(hit) = memo.with_borrow(|m| m.get(vector).cloned()) {
        return hit;
    }
    let parsed = parse(vector);
    memo.with_borrow_mut(|m| {
        if m.len() >= MAX_VECTORS {
            m.clear();
        }
        m.insert(vector.to_string(), parsed.clone());
    });
    parsed
}

type Memo<T> = std::cell::RefCell<std::collections::HashMap<String, Result<T, String>>>;

thread_local! {
    static V3_VECTORS: Memo<CvssV3> = Memo::default();
    static V4_VECTORS: Memo<CvssV4> = Memo::default();
}

impl CvssV3 {
    /// Parses a complete CVSS 3.0/3.1 vector: the base metrics, and optionally temporal and
    /// environmental ones, whose scores are computed too (a CSAF score must match its vector).
    pub fn parse(vector: &str) -> Result<Self, String> {
        memoized(&V3_VECTORS, vector, Self::parse_uncached)
    }

    fn parse_uncached(vector: &str) -> Result<Self, String> {
        let version = match vector.split('/').next() {
            Some("CVSS:3.1") => "3.1",
            Some("CVSS:3.0") => "3.0",
            _ => return Err(wrong_version(vector, "3")),
        };
        let metrics = v3_base_metrics(vector)?;
        let parsed = cvss::Cvss::from_str(vector).map_err(|e| format!("invalid CVSS vector: {e}"))?;
        let score = round1(parsed.score());
        Ok(CvssV3 {
            version,
            vector: vector.to_string(),
            score,
            severity: Severity::from_score(score),
            metrics,
            more: super::cvss_more::v3_more(vector, false)?,
        })
    }

    /// The same vector with its temporal and environmental scores (and severities) written
    /// even where it has no such metrics (`cvss_v3_all_scores`): a migrated document that
    /// wrote them keeps them.
    pub fn with_all_scores(mut self) -> Result<Self, String> {
        self.more = super::cvss_more::v3_more(&self.vector, true)?;
        Ok(self)
    }

    /// The CVSS JSON object of CSAF's `cvss_v3`.
    pub fn json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("version".into(), self.version.into());
        m.insert("vectorString".into(), self.vector.clone().into());
        for (name, value) in &self.metrics {
            m.insert((*name).to_string(), (*value).into());
        }
        m.insert("baseScore".into(), self.score.into());
        m.insert("baseSeverity".into(), self.severity.upper().into());
        if let Some(more) = &self.more {
            m.extend(more.clone());
        }
        serde_json::Value::Object(m)
    }
}

fn v3_base_metrics(vector: &str) -> Result<Vec<(&'static str, &'static str)>, String> {
    let mut out = Vec::with_capacity(V3_BASE.len());
    let parts: Vec<&str> = vector.split('/').skip(1).collect();
    let mut seen_more: Vec<&str> = Vec::new();
    for part in &parts {
        let Some((key, _)) = part.split_once(':') else {
            return Err(format!("`{part}` is not a `METRIC:VALUE` pair"));
        };
        if !V3_BASE.iter().any(|(abbr, _, _)| *abbr == key) {
            let value = part.split_once(':').map_or("", |(_, v)| v);
            match super::cvss_more::v3_more_metric(key, value) {
                // A set of at most 14 names: linear however long the vector.
                Some(Ok(())) if seen_more.contains(&key) => {
                    return Err(format!("metric `{key}` is given more than once"));
                }
                Some(Ok(())) => {
                    seen_more.push(key);
                    continue;
                }
                Some(Err(_)) if value != value.to_ascii_uppercase() => return Err(miscased_v3(part)),
                Some(Err(msg)) => return Err(msg),
                None => {}
            }
            if V3_BASE.iter().any(|(abbr, _, _)| abbr.eq_ignore_ascii_case(key))
                || super::cvss_more::v3_more_metric(&key.to_ascii_uppercase(), value).is_some()
            {
                return Err(miscased_v3(part));
            }
            return Err(format!("`{key}` is not a CVSS 3.x metric"));
        }
    }
    for (abbr, json, values) in V3_BASE {
        let given: Vec<&str> = parts
            .iter()
            .filter_map(|p| p.split_once(':'))
            .filter(|(k, _)| k == abbr)
            .map(|(_, v)| v)
            .collect();
        let value = match given.as_slice() {
            [v] => *v,
            [] => return Err(format!("base metric `{abbr}` is missing")),
            _ => return Err(format!("base metric `{abbr}` is given more than once")),
        };
        let name = values
            .iter()
            .find(|(short, _)| *short == value)
            .map(|(_, long)| *long)
            .ok_or_else(|| {
                if values.iter().any(|(short, _)| short.eq_ignore_ascii_case(value)) {
                    miscased_v3(&format!("{abbr}:{value}"))
                } else {
                    let allowed: Vec<&str> = values.iter().map(|(short, _)| *short).collect();
                    invalid_value(abbr, value, &allowed)
                }
            })?;
        out.push((*json, name));
    }
    Ok(out)
}

impl CvssV4 {
    /// Parses a CVSS 4.0 vector and computes its score.
    pub fn parse(vector: &str) -> Result<Self, String> {
        memoized(&V4_VECTORS, vector, Self::parse_uncached)
    }

    fn parse_uncached(vector: &str) -> Result<Self, String> {
        if !vector.starts_with("CVSS:4.0/") {
            return Err(wrong_version(vector, "4"));
        }
        let parsed = cvss::v4::Vector::from_str(vector).map_err(|e| {
            v4_invalid_base_value(vector).unwrap_or_else(|| format!("invalid CVSS vector: {e}"))
        })?;
        check_v4_spelling(vector, &parsed.to_string())?;
        let score = round1(parsed.score().value());
        Ok(CvssV4 {
            vector: vector.to_string(),
            score,
            severity: Severity::from_score(score),
            nomenclature: parsed.nomenclature().to_string(),
        })
    }
}

/// The `cvss` crate upper-cases metrics before parsing, so `av:n` would pass; the CVSS 4.0
/// grammar is case-sensitive, and tools that follow it reject such a vector in the CSAF
/// document. Every metric must be spelled as in the crate's canonical form of the same
/// vector (which is the specification's spelling, `U:Red` included).
fn check_v4_spelling(vector: &str, canonical: &str) -> Result<(), String> {
    let known: Vec<&str> = canonical.split('/').skip(1).collect();
    for part in vector.split('/').skip(1) {
        if !known.contains(&part) {
            let proper = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(part))
                .map(|k| format!(", write `{k}`"))
                .unwrap_or_default();
            return Err(format!("{}{proper}", miscased(part, "4.0")));
        }
    }
    Ok(())
}

/// The message for a vector given under the key of another CVSS version (`expected`:
/// "3" for `cvss_v3`, "4" for `cvss_v4`): which version it is and which key takes it.
fn wrong_version(vector: &str, expected: &str) -> String {
    let start = vector.split('/').next().unwrap_or("");
    let (version, key) = match start {
        "CVSS:4.0" => ("CVSS 4.0", "cvss_v4"),
        "CVSS:3.1" | "CVSS:3.0" => ("CVSS 3.x", "cvss_v3"),
        "CVSS:2.0" => ("CVSS 2.0", "cvss_v2"),
        _ if start.starts_with("AV:") => ("CVSS 2.0", "cvss_v2"),
        _ if expected == "3" => return "a CVSS 3 vector starts with `CVSS:3.1/` or `CVSS:3.0/`".into(),
        _ => return "a CVSS 4.0 vector starts with `CVSS:4.0/`".into(),
    };
    let tail = if key == "cvss_v2" {
        " (without a `CVSS:2.0/` prefix)"
    } else {
        ""
    };
    format!("this is a {version} vector: put it in `{key}`{tail}")
}

/// The CVSS 4.0 base metrics and their values (specification, section 2).
const V4_BASE: &[(&str, &[&str])] = &[
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
];

/// The first base metric of a 4.0 vector with a value the metric does not take, as a
/// message listing the values it does take.
fn v4_invalid_base_value(vector: &str) -> Option<String> {
    vector.split('/').skip(1).find_map(|part| {
        let (key, value) = part.split_once(':')?;
        let (_, values) = V4_BASE.iter().find(|(k, _)| *k == key)?;
        (!values.contains(&value)).then(|| invalid_value(key, value, values))
    })
}

/// `AV:Q` is not a value of `AV`: the message lists the values that are.
pub(super) fn invalid_value(metric: &str, value: &str, allowed: &[&str]) -> String {
    format!(
        "`{metric}:{value}` is not a valid value (`{metric}` takes {})",
        allowed.join(", ")
    )
}

/// CVSS vectors are case-sensitive in every version's grammar.
fn miscased(part: &str, version: &str) -> String {
    format!("`{part}` is not spelled as CVSS {version} requires (metrics are case-sensitive)")
}

/// Every CVSS 3.x abbreviation and value is upper case.
fn miscased_v3(part: &str) -> String {
    format!("{}, write `{}`", miscased(part, "3.x"), part.to_ascii_uppercase())
}

/// A score given beside a vector must be one CVSS can produce: a number from 0.0 to 10.0.
/// `nan` compares false with everything, so the cross-check alone would let it through.
pub fn check_given_score(score: f64) -> Result<(), String> {
    if score.is_finite() && (0.0..=10.0).contains(&score) {
        Ok(())
    } else {
        Err(format!("score `{score}` is not a CVSS score (0.0 to 10.0)"))
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_scores_and_metrics() {
        let v = CvssV3::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect("valid");
        assert_eq!(v.score, 9.8);
        assert_eq!(v.severity, Severity::Critical);
        assert_eq!(v.metrics[0], ("attackVector", "NETWORK"));
        assert!(v.more.is_none());
        let v = CvssV3::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/MAV:L")
            .expect("temporal and environmental metrics");
        assert_eq!(v.score, 9.8, "the base score rates the vulnerability");
        let more = v.more.expect("temporal and environmental properties");
        assert_eq!(more["temporalScore"], 8.8);
        assert!(more.contains_key("environmentalScore"));
        let v = CvssV3::parse("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N").expect("valid");
        assert_eq!(v.version, "3.0");
        assert_eq!(v.severity, Severity::Low);
    }

    #[test]
    fn v3_rejects_incomplete_and_odd_vectors() {
        for bad in [
            "CVSS:3.1/AV:N/AC:L",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Q",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/E:U",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/e:p",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:P",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "",
        ] {
            assert!(CvssV3::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn v4_scores() {
        let v =
            CvssV4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").expect("valid");
        assert_eq!(v.score, 9.3);
        assert_eq!(v.severity, Severity::Critical);
        assert!(CvssV4::parse("CVSS:4.0/AV:N").is_err());
    }

    #[test]
    fn vectors_are_case_sensitive() {
        for bad in [
            "CVSS:4.0/av:n/ac:l/at:n/pr:n/ui:n/vc:h/vi:h/va:h/sc:n/si:n/sa:n",
            "CVSS:4.0/AV:n/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:RED",
            "cvss:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        ] {
            assert!(CvssV4::parse(bad).is_err(), "{bad}");
        }
        let urgent = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Red";
        assert!(CvssV4::parse(urgent).is_ok(), "the spec spells U:Red this way");
        for bad in [
            "CVSS:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h",
            "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        ] {
            assert!(CvssV3::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn given_scores_must_be_possible() {
        for ok in [0.0, 5.5, 10.0] {
            assert!(check_given_score(ok).is_ok(), "{ok}");
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.1, 10.1] {
            assert!(check_given_score(bad).is_err(), "{bad}");
        }
    }
}
