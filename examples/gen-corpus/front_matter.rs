//! The `+++` TOML front matter of an advisory.
//!
//! `new_keys` = false writes only what psirt-site understood before the content model of
//! #15, for benchmarks against older binaries: no `category`, `scheme`, `version`,
//! `platform`, VEX reasons, per-vulnerability ids, references, threats or exploitation, no
//! vendor severity, and one statement per product (the first: release trains and further
//! platforms are left out), CWE-20 for the weaknesses those binaries refused in early years,
//! `versions = "all versions"` where they needed versions, and `versions = "<= 8.2.3"` for
//! one version. The advisories are otherwise the same, body included.

use std::fmt::Write as _;

use crate::model::{Advisory, Affected, Kind, People, Versions, Vuln};
use crate::vocab::{REVISION_NOTES, VENDOR_SEVERITY_SCALE};
use crate::weaknesses::{WEAKNESSES, Weakness};
use crate::{DAY, ts};

/// Weaknesses that psirt-site before #15 refused in advisories of 2016 (it checked each date
/// against the CWE list current then); `--no-new-keys` writes CWE-20 instead.
#[rustfmt::skip]
const REFUSED_BEFORE_15: &[&str] = &[
    "CWE-1021", "CWE-1188", "CWE-1191", "CWE-1236", "CWE-1240", "CWE-1284", "CWE-1321", "CWE-1333",
    "CWE-1336", "CWE-1390", "CWE-1392", "CWE-1393", "CWE-352", "CWE-384", "CWE-426",
];

/// `key = "value"` when there is a value (generated texts contain no `"`, `\` or controls).
fn opt(s: &mut String, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = writeln!(s, "{key} = \"{v}\"");
    }
}

/// A TOML array of strings.
pub(crate) fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Distinct product ids of some entries, in order.
fn ids<'a>(a: &'a Advisory, entries: &[usize]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for id in entries.iter().map(|i| a.affected[*i].id.as_str()) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

pub(crate) fn front_matter(a: &Advisory, people: &People, new_keys: bool) -> String {
    let mut s = header(a, new_keys);
    for (i, x) in a.affected.iter().enumerate() {
        let first_of_product = a.affected[..i].iter().all(|y| y.id != x.id);
        if new_keys || first_of_product {
            affected(&mut s, a, x, new_keys);
        }
    }
    for v in &a.vulns {
        vulnerability(&mut s, a, v, new_keys);
    }
    credits_and_references(&mut s, a, people);
    s + "+++\n"
}

fn header(a: &Advisory, new_keys: bool) -> String {
    let (v0, x0) = (&a.vulns[0], &a.affected[0]);
    let (id, published, status, tlp) = (&a.id, ts(a.published), a.status, a.tlp);
    let (component, kind, gain) = (v0.component, WEAKNESSES[v0.cwe].kind, WEAKNESSES[v0.cwe].gain);
    let kind = if a.vulns.len() > 1 {
        "Multiple vulnerabilities"
    } else {
        kind
    };
    let mut names: Vec<&str> = a.affected.iter().map(Affected::shown_name).collect();
    names.dedup();
    let (names, product, cve) = (
        names[..names.len().min(2)].join(" and "),
        x0.shown_name(),
        &v0.cve,
    );
    let (title, summary) = match a.kind {
        Kind::Vex(_) => (
            format!("VEX: Acme Networks products and {cve} in the {component}"),
            format!(
                "Which Acme Networks products are affected by {cve} in the {component}, and why the others are not."
            ),
        ),
        _ => (
            format!("{kind} in the {component} of {names}"),
            format!("An attacker could {gain} through the {component} of {product}."),
        ),
    };
    let mut s = format!("+++\nid = \"{id}\"\ntitle = \"{title}\"\n");
    s += &format!("published = {published}\nstatus = \"{status}\"\ntlp = \"{tlp}\"\n");
    if new_keys && matches!(a.kind, Kind::Vex(_)) {
        s += "category = \"csaf_vex\"\n";
    }
    s += &format!("summary = \"{summary}\"\n");
    if let Some(text) = a.vendor_severity.filter(|_| new_keys) {
        s += &format!("\n[vendor_severity]\ntext = \"{text}\"\nnamespace = \"{VENDOR_SEVERITY_SCALE}\"\n");
    }
    for (i, date) in a.revisions.iter().enumerate() {
        let note = REVISION_NOTES[(a.published as usize + i) % REVISION_NOTES.len()];
        let note = if i == 0 { "Initial public release" } else { note };
        s += &format!("\n[[revisions]]\ndate = {}\nsummary = \"{note}\"\n", ts(*date));
    }
    s
}

fn affected(s: &mut String, a: &Advisory, x: &Affected, new_keys: bool) {
    let _ = write!(s, "\n[[affected]]\nproduct = \"{}\"\n", x.id);
    if new_keys {
        opt(s, "platform", x.platform.as_ref().map(|(id, _)| id.as_str()));
    }
    match &x.versions {
        Some(Versions::One(v)) if new_keys => opt(s, "version", Some(v)),
        // Older binaries knew only `versions`; a bare version there is a warning now, and
        // thousands of warnings would distort the comparison, so write a range both read alike.
        Some(Versions::One(v)) => opt(s, "versions", Some(&format!("<= {v}"))),
        Some(v) => opt(s, "versions", Some(v.text())),
        // Before #15, only known-not-affected statements could leave out the versions.
        None if !new_keys && x.status == "under_investigation" => opt(s, "versions", Some("all versions")),
        None => {}
    }
    opt(s, "fixed", x.fixed.as_deref());
    let status = Some(x.status).filter(|s| !matches!(*s, "known_affected" | "fixed"));
    opt(s, "status", status);
    if new_keys {
        opt(s, "justification", x.justification);
        opt(s, "impact", x.impact.as_deref());
        if let Some(k) = x.only {
            let _ = writeln!(s, "vulnerabilities = [\"{}\"]", a.vulns[k].cve);
        }
    }
}

fn vulnerability(s: &mut String, a: &Advisory, v: &Vuln, new_keys: bool) {
    let Weakness { cwe, kind, gain, .. } = WEAKNESSES[v.cwe];
    let (cve, component) = (&v.cve, v.component);
    *s += &format!("\n[[vulnerabilities]]\ncve = \"{cve}\"\ntitle = \"{kind} in the {component}\"\n");
    let refused = !new_keys && REFUSED_BEFORE_15.contains(&cwe);
    *s += &format!("cwe = \"{}\"\n", if refused { "CWE-20" } else { cwe });
    *s += &format!("description = \"A flaw in the {component} lets an attacker {gain}.\"\n");
    opt(s, "cvss_v3", Some(&v.v3));
    opt(s, "cvss_v4", v.v4.as_deref());
    if v.subset {
        let _ = writeln!(s, "products = {}", list(ids(a, &v.products).into_iter()));
    }
    let _ = writeln!(s, "discovery_date = {}", ts(v.discovered));
    if new_keys {
        vulnerability_extras(s, v);
    }
    remediations(s, a, v);
}

/// Bug id, exploitation, an impact threat and references: the keys #15 added.
fn vulnerability_extras(s: &mut String, v: &Vuln) {
    if let Some(bug) = &v.bug {
        let _ = writeln!(s, "ids = [{{ system_name = \"Acme Bug ID\", text = \"{bug}\" }}]");
    }
    if let Some((details, date)) = &v.exploited {
        let _ = write!(s, "\n[vulnerabilities.exploited]\ndate = {}\n", ts(*date));
        let _ = writeln!(s, "details = \"{details}\"");
    }
    if v.threat {
        let details = format!(
            "An attacker who exploits {} gains no access to other devices.",
            v.cve
        );
        let _ = write!(
            s,
            "\n[[vulnerabilities.threats]]\ncategory = \"impact\"\ndetails = \"{details}\"\n"
        );
    }
    if let Some(kb) = v.kb {
        *s += &format!(
            "\n[[vulnerabilities.references]]\nurl = \"https://acme-networks.example/kb/KB-{kb}\"\n"
        );
        *s += &format!("summary = \"KB-{kb}: detection and mitigation of {}\"\n", v.cve);
    }
}

/// One remediation per product the vulnerability concerns, naming every fix of its release
/// trains; on some days a workaround for all of them.
fn remediations(s: &mut String, a: &Advisory, v: &Vuln) {
    let component = v.component;
    for id in ids(a, &v.products) {
        let entries: Vec<&Affected> = v
            .products
            .iter()
            .map(|i| &a.affected[*i])
            .filter(|x| x.id == id)
            .collect();
        let x = entries[0];
        let fixes: Vec<&str> = entries.iter().filter_map(|x| x.fixed.as_deref()).collect();
        let name = &x.name;
        let (category, details) = match (fixes.is_empty(), x.status, (a.published / DAY) % 3) {
            (false, ..) if x.platform.is_some() => {
                let fix = fixes[0];
                (
                    "vendor_fix",
                    format!("Upgrade to a firmware release that includes {name} {fix} or later."),
                )
            }
            (false, ..) => (
                "vendor_fix",
                format!("Upgrade {name} to release {} or later.", fixes.join(" or ")),
            ),
            (true, "under_investigation", _) => ("none_available", "No fix yet.".into()),
            (true, _, 0) => ("no_fix_planned", format!("{name} is no longer supported.")),
            (true, _, 1) => ("mitigation", format!("Firewall the {component}.")),
            (true, ..) => ("none_available", "A fixed release is being prepared.".into()),
        };
        *s += "\n[[vulnerabilities.remediations]]\n";
        *s += &format!("category = \"{category}\"\ndetails = \"{details}\"\n");
        let url = format!("https://acme-networks.example/support/downloads/{id}");
        opt(s, "url", Some(url.as_str()).filter(|_| !fixes.is_empty()));
        let _ = writeln!(s, "products = [\"{id}\"]");
    }
    if a.published % 5 < 2 && !v.products.is_empty() {
        let details = format!("Disable the {component} where it is not needed.");
        *s += "\n[[vulnerabilities.remediations]]\ncategory = \"workaround\"\n";
        *s += &format!("details = \"{details}\"\n");
    }
}

fn credits_and_references(s: &mut String, a: &Advisory, people: &People) {
    let (cve, product) = (&a.vulns[0].cve, &a.affected[0].id);
    for credited in &a.acks {
        *s += "\n[[acknowledgments]]\n";
        match credited.first() {
            None => *s += "anonymous = true\n",
            Some(first) => {
                let names = list(credited.iter().map(|n| people[*n].0.as_str()));
                let _ = writeln!(s, "names = {names}");
                opt(s, "organization", people[*first].1);
            }
        }
        *s += &format!("summary = \"Reported {cve} through coordinated disclosure\"\n");
    }
    *s += &format!("\n[[references]]\nurl = \"https://nvd.nist.gov/vuln/detail/{cve}\"\n");
    *s += &format!("summary = \"NVD: {cve}\"\n");
    *s += &format!("\n[[references]]\nurl = \"https://docs.acme-networks.example/hardening/{product}\"\n");
    *s += "summary = \"Hardening guide\"\n";
}
