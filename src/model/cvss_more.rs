//! CVSS beyond the 3.x base metrics: 3.x temporal and environmental metrics, and CVSS 2.0
//! vectors. Their scores come from `cvss-rs`, the crate the CSAF validator checks scores
//! with, so a document's scores always agree with its check.

use std::str::FromStr;

use serde::Serialize;
use serde_json::{Map, Value};

use toml::Spanned;

use super::build::Builder;
use super::cvss::{Severity, check_given_score};
use crate::diag::Code;

/// CVSS 3.x temporal and environmental metrics and their values, as the CSAF 2.0 CVSS 3.x
/// schema's `vectorString` pattern allows them (case as in the specification).
const V3_MORE: &[(&str, &[&str])] = &[
    ("E", &["X", "U", "P", "F", "H"]),
    ("RL", &["X", "O", "T", "W", "U"]),
    ("RC", &["X", "U", "R", "C"]),
    ("CR", &["X", "L", "M", "H"]),
    ("IR", &["X", "L", "M", "H"]),
    ("AR", &["X", "L", "M", "H"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "R"]),
    ("MS", &["X", "U", "C"]),
    ("MC", &["X", "N", "L", "H"]),
    ("MI", &["X", "N", "L", "H"]),
    ("MA", &["X", "N", "L", "H"]),
];

/// Whether `key` is a 3.x temporal or environmental metric; if so, whether `value` is one
/// of its values.
pub(super) fn v3_more_metric(key: &str, value: &str) -> Option<Result<(), String>> {
    let (_, values) = V3_MORE.iter().find(|(k, _)| *k == key)?;
    Some(if values.contains(&value) {
        Ok(())
    } else {
        Err(super::cvss::invalid_value(key, value, values))
    })
}

fn severity_v3(score: f64) -> cvss_rs::v3::Severity {
    match Severity::from_score(score) {
        Severity::None => cvss_rs::v3::Severity::None,
        Severity::Low => cvss_rs::v3::Severity::Low,
        Severity::Medium => cvss_rs::v3::Severity::Medium,
        Severity::High => cvss_rs::v3::Severity::High,
        Severity::Critical => cvss_rs::v3::Severity::Critical,
    }
}

/// The CVSS JSON properties of a 3.x vector's temporal and environmental metrics and
/// scores (`exploitCodeMaturity`, `temporalScore`, …), or `None` for a base vector. With
/// `all_scores`, the temporal and environmental scores are written whatever the vector
/// has (without such metrics they follow from the base metrics, as publishers write them).
pub(super) fn v3_more(vector: &str, all_scores: bool) -> Result<Option<Map<String, Value>>, String> {
    let has = |keys: &[&str]| {
        vector
            .split('/')
            .filter_map(|p| p.split_once(':'))
            .any(|(k, _)| keys.contains(&k))
    };
    let temporal = all_scores || has(&["E", "RL", "RC"]);
    let environmental = all_scores
        || has(&[
            "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA",
        ]);
    if !temporal && !environmental {
        return Ok(None);
    }
    let mut c = cvss_rs::v3::CvssV3::from_str(vector).map_err(|e| format!("invalid CVSS vector: {e}"))?;
    if temporal {
        let t = c.calculated_temporal_score().ok_or("a base metric is missing")?;
        c.temporal_score = Some(t);
        c.temporal_severity = Some(severity_v3(t));
    }
    if environmental {
        let e = c
            .calculated_environmental_score()
            .ok_or("a base metric is missing")?;
        c.environmental_score = Some(e);
        c.environmental_severity = Some(severity_v3(e));
    }
    let Ok(Value::Object(mut m)) = serde_json::to_value(&c) else {
        return Err("the vector cannot be written as CVSS JSON".into());
    };
    // The base properties are written by the caller, as for any base vector.
    for base in ["vectorString", "version", "baseScore", "baseSeverity"] {
        m.remove(base);
    }
    Ok(Some(m))
}

/// The CVSS 2.0 metrics and values (CSAF 2.0 CVSS 2.0 schema pattern); the first six are
/// the base metrics, which every vector must have.
const V2_METRICS: &[(&str, &[&str])] = &[
    ("AV", &["N", "A", "L"]),
    ("AC", &["L", "M", "H"]),
    ("Au", &["M", "S", "N"]),
    ("C", &["N", "P", "C"]),
    ("I", &["N", "P", "C"]),
    ("A", &["N", "P", "C"]),
    ("E", &["U", "POC", "F", "H", "ND"]),
    ("RL", &["OF", "TF", "W", "U", "ND"]),
    ("RC", &["UC", "UR", "C", "ND"]),
    ("CDP", &["N", "L", "LM", "MH", "H", "ND"]),
    ("TD", &["N", "L", "M", "H", "ND"]),
    ("CR", &["L", "M", "H", "ND"]),
    ("IR", &["L", "M", "H", "ND"]),
    ("AR", &["L", "M", "H", "ND"]),
];

/// A CVSS 2.0 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally with temporal and
/// environmental metrics) and its scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvssV2 {
    pub vector: String,
    pub score: f64,
    pub temporal_score: Option<f64>,
    pub environmental_score: Option<f64>,
    /// The CSAF `cvss_v2` object.
    #[serde(skip)]
    pub json: Map<String, Value>,
}

impl CvssV2 {
    pub fn parse(vector: &str) -> Result<Self, String> {
        check_v2_spelling(vector)?;
        let mut c =
            cvss_rs::v2_0::CvssV2::from_str(vector).map_err(|e| format!("invalid CVSS vector: {e}"))?;
        let score = c.calculated_base_score().ok_or("a base metric is missing")?;
        let has = |keys: &[&str]| {
            vector
                .split('/')
                .any(|p| keys.iter().any(|k| p.starts_with(&format!("{k}:"))))
        };
        c.base_score = score;
        if has(&["E", "RL", "RC"]) {
            c.temporal_score = c.calculated_temporal_score();
        }
        if has(&["CDP", "TD", "CR", "IR", "AR"]) {
            c.environmental_score = c.calculated_environmental_score();
        }
        let Ok(Value::Object(mut json)) = serde_json::to_value(&c) else {
            return Err("the vector cannot be written as CVSS JSON".into());
        };
        // CVSS 2.0 JSON has no severity property.
        json.remove("severity");
        Ok(CvssV2 {
            vector: vector.to_string(),
            score,
            temporal_score: c.temporal_score,
            environmental_score: c.environmental_score,
            json,
        })
    }

    /// The CVSS 2.0 qualitative rating (NVD): Low, Medium or High; 2.0 has no Critical.
    pub fn severity(&self) -> Severity {
        match self.score {
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::None,
        }
    }
}

/// Every metric known, with a valid value, at most once; the six base metrics present.
/// Case is as in the specification (`Au`, not `AU`): the CSAF schema compares exactly.
fn check_v2_spelling(vector: &str) -> Result<(), String> {
    if vector.starts_with("CVSS:") || vector.starts_with('(') {
        return Err(
            "write the CVSS 2.0 vector without prefix or parentheses, e.g. AV:N/AC:L/Au:N/C:P/I:P/A:P".into(),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for part in vector.split('/') {
        let Some((key, value)) = part.split_once(':') else {
            return Err(format!("`{part}` is not a `METRIC:VALUE` pair"));
        };
        let Some((k, values)) = V2_METRICS.iter().find(|(k, _)| *k == key) else {
            return Err(format!("`{key}` is not a CVSS 2.0 metric (case matters: `Au`)"));
        };
        if !values.contains(&value) {
            return Err(super::cvss::invalid_value(key, value, values));
        }
        if seen.contains(k) {
            return Err(format!("metric `{key}` is given more than once"));
        }
        seen.push(k);
    }
    match V2_METRICS[..6].iter().find(|(k, _)| !seen.contains(k)) {
        Some((missing, _)) => Err(format!("base metric `{missing}` is missing")),
        None => Ok(()),
    }
}

impl Builder<'_> {
    /// A vector and the optional score written beside it: parsed, and the score checked.
    pub(super) fn cvss<T>(
        &mut self,
        vector: &Option<Spanned<String>>,
        given: &Option<Spanned<f64>>,
        parse: fn(&str) -> Result<T, String>,
        score: fn(&T) -> f64,
    ) -> Option<T> {
        if let Some(g) = given
            && let Err(msg) = check_given_score(*g.get_ref())
        {
            let help = "remove the score (it is computed from the vector) or write it as in 9.8";
            self.error(Code::InvalidCvss, g, msg, help);
            return None;
        }
        let Some(vector) = vector else {
            if let Some(g) = given {
                self.error(
                    Code::MissingField,
                    g,
                    "a score needs its vector".into(),
                    "add the vector",
                );
            }
            return None;
        };
        let parsed = match parse(vector.get_ref()) {
            Ok(p) => p,
            Err(msg) => {
                let v = vector.get_ref();
                let help = if msg.starts_with("this is a ") {
                    "rename the key as the message says: a vector's version decides its key"
                } else if v.starts_with("CVSS:4.0/") {
                    "write the full vector, e.g. CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
                } else if v.starts_with("CVSS:") {
                    "write the full vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
                } else {
                    "write the full CVSS 2.0 vector without prefix, e.g. AV:N/AC:L/Au:N/C:P/I:P/A:P"
                };
                self.error(Code::InvalidCvss, vector, msg, help);
                return None;
            }
        };
        if let Some(g) = given {
            let computed = score(&parsed);
            if (g.get_ref() - computed).abs() > 0.05 {
                self.error(
                    Code::CvssScoreMismatch,
                    g,
                    format!(
                        "score {} disagrees with its vector, which scores {computed}",
                        g.get_ref()
                    ),
                    "remove the score (it is computed) or fix the vector",
                );
            }
        }
        Some(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_scores() {
        let c = CvssV2::parse("AV:N/AC:L/Au:N/C:P/I:P/A:P").expect("valid");
        assert_eq!(c.score, 7.5);
        assert_eq!(c.severity(), Severity::High);
        assert_eq!(c.json["accessVector"], "NETWORK");
        assert!(!c.json.contains_key("severity"));
        let c = CvssV2::parse("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/RL:OF/RC:C").expect("valid");
        assert_eq!(c.temporal_score, Some(5.9));
        for bad in [
            "AV:N/AC:L/Au:N/C:P/I:P",
            "AV:N/AC:L/AU:N/C:P/I:P/A:P",
            "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "AV:N/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        ] {
            assert!(CvssV2::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn v3_temporal_and_environmental_scores() {
        let m = v3_more(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C",
            false,
        )
        .expect("valid")
        .expect("temporal metrics");
        assert_eq!(m["temporalScore"], 8.8);
        assert_eq!(m["exploitCodeMaturity"], "PROOF_OF_CONCEPT");
        assert!(!m.contains_key("environmentalScore"));
        let m = v3_more("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:A/CR:H", false)
            .expect("valid")
            .expect("environmental metrics");
        assert!(m.contains_key("environmentalScore"));
        assert!(
            v3_more("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", false)
                .expect("valid")
                .is_none()
        );
    }
}
