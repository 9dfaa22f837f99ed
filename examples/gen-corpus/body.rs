//! The Markdown body of an advisory: 400–1,500 words in `##` sections, with tables, lists
//! and code blocks, like the advisories of a real vendor.

use std::fmt::Write as _;

use crate::model::{Advisory, People, Versions, Vuln};
use crate::rng::Rng;
use crate::vocab::SENTENCES;
use crate::weaknesses::{WEAKNESSES, Weakness};
use crate::{DAY, day, ts};

/// 3–6 sentences about `v`, ending in a blank line.
fn paragraph(rng: &mut Rng, a: &Advisory, v: &Vuln) -> String {
    let x = v.products.first().map_or(&a.affected[0], |i| &a.affected[*i]);
    let version = x.versions.as_ref().map_or("1.0", Versions::text);
    let sentences: Vec<String> = (0..rng.range(3, 6))
        .map(|_| {
            let s = rng.pick(SENTENCES).replace("{c}", v.component);
            let s = s.replace("{v}", version).replace("{p}", x.shown_name());
            s.replace("{gain}", WEAKNESSES[v.cwe].gain)
        })
        .collect();
    sentences.join(" ") + "\n\n"
}

pub(crate) fn body(rng: &mut Rng, a: &Advisory, people: &People) -> String {
    let target_words = rng.range(400, 1400) as usize;
    let v0 = &a.vulns[0];
    let mut s = format!("\n## Summary\n\n{}## Details\n\n", paragraph(rng, a, v0));
    for v in &a.vulns {
        let (cve, Weakness { cwe, kind, .. }) = (&v.cve, &WEAKNESSES[v.cwe]);
        s += &format!("**{cve}** ({cwe}, {kind}): {}", paragraph(rng, a, v));
    }
    s += "| Product | Affected versions | Fixed in | Status |\n|---|---|---|---|\n";
    for x in &a.affected {
        let status = x.status.replace('_', " ");
        let name = match &x.platform {
            Some((_, platform)) => format!("{} (in {platform})", x.name),
            None => x.name.clone(),
        };
        let versions = x.versions.as_ref().map_or("all versions", Versions::text);
        let fixed = x.fixed.as_deref().unwrap_or("–");
        let _ = writeln!(s, "| {name} | {versions} | {fixed} | {status} |");
    }
    s += "\n| CVE | CWE | CVSS vector |\n|---|---|---|\n";
    for v in &a.vulns {
        let vector = v.v4.as_ref().unwrap_or(&v.v3);
        let _ = writeln!(s, "| {} | {} | `{vector}` |", v.cve, WEAKNESSES[v.cwe].cwe);
    }
    s += &format!("\n## Impact\n\n{}", paragraph(rng, a, v0));
    for v in &a.vulns {
        let _ = writeln!(s, "- {}: an attacker could {}.", v.cve, WEAKNESSES[v.cwe].gain);
    }
    s += "\n## Remediation\n\n";
    for (i, x) in a.affected.iter().enumerate() {
        let (n, name, status) = (i + 1, x.shown_name(), x.status.replace('_', " "));
        s += &match (&x.fixed, x.status) {
            (_, "known_not_affected") => format!("{n}. {name}: not affected, no action needed.\n"),
            (Some(f), _) => format!("{n}. Upgrade {name} to release {f} or later.\n"),
            (None, _) => format!("{n}. {name}: no fixed release yet ({status}).\n"),
        };
    }
    let (c, slug) = (v0.component, v0.component.replace(' ', "-"));
    s += &format!("\n## Workarounds\n\nWhere the {c} is not needed, turn it off:\n\n```text\nconfigure\n");
    s += &format!("service {slug} disable\ncommit\nshow service {slug} status\n```\n\n");
    s += "## Technical background\n\n";
    // Background paragraphs, some with a log excerpt, until the body has its target length.
    while s.split_whitespace().count() < target_words {
        let v = &a.vulns[rng.below(a.vulns.len())];
        s += &paragraph(rng, a, v);
        if rng.percent(20) {
            let (when, pid) = (ts(a.published - rng.range(2, 30) * DAY), rng.range(300, 9000));
            let (host, len) = (rng.range(2, 254), rng.range(4097, 65535));
            s += &format!("```text\n{when} fw01 {slug}[{pid}]: rejected request from 198.51.100.{host}: ");
            s += &format!("length {len}\n```\n\n");
        }
    }
    let _ = write!(s, "## Timeline\n\n- {}: report received\n", day(v0.discovered));
    for (i, r) in a.revisions.iter().enumerate() {
        let what = if i == 0 { "published" } else { "updated" };
        let _ = writeln!(s, "- {}: advisory {what}", day(*r));
    }
    if let Some(credited) = a.acks.first().filter(|n| !n.is_empty()) {
        let who: Vec<&str> = credited.iter().map(|n| people[*n].0.as_str()).collect();
        let who = who.join(" and ");
        s += &format!("\n## Acknowledgments\n\nAcme Networks thanks {who} for the report.\n");
    }
    s
}
