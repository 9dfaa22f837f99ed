//! Advisories: publication dates, kinds, revisions, vulnerabilities and credits.

use std::collections::BTreeMap;

use crate::affected;
use crate::model::{Advisory, Affected, Kind, Product, Vuln};
use crate::rng::Rng;
use crate::vocab::{COMPONENTS, EXPLOITED, THIRD_PARTY, VENDOR_SEVERITIES, VENDOR_SEVERITY_WEIGHTS};
use crate::weaknesses::{WEAKNESSES, Weakness};
use crate::{DAY, START, day};

pub(crate) fn advisories(
    rng: &mut Rng,
    count: usize,
    build_time: i64,
    products: &[Product],
) -> Vec<Advisory> {
    // Publication times first, sorted, so that ids count up through each year. `kind` < 3 is a
    // draft, 3–4 embargoed, 5–6 restricted (TLP), 7–13 interim, the rest final.
    let last_day = (build_time - START) / DAY - 2;
    let mut times: Vec<(i64, u64)> = (0..count)
        .map(|_| {
            let kind = rng.next() % 100;
            let hour = rng.range(7, 18) * 3600;
            let t = match kind {
                3 | 4 => build_time + rng.range(1, 28) * DAY,
                _ => START + rng.range(0, last_day) * DAY,
            };
            (t + hour, kind)
        })
        .collect();
    times.sort_unstable();
    let mut serial: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(count);
    for (published, gate) in times {
        let year = day(published)[..4].to_string();
        let n = serial.entry(year.clone()).or_insert(0);
        *n += 1;
        let id = format!("ACME-SA-{year}-{n:04}");
        let cves = (&year[..], 10_000 + *n * 3);
        out.push(advisory(rng, id, cves, published, gate, build_time, products));
    }
    out
}

/// 86 % about the vendor's own products, 8 % about a third-party component on its
/// appliances, 6 % VEX statements (70 % of them about a third-party component).
fn kind(rng: &mut Rng) -> Kind {
    match rng.weighted(&[86, 8, 6]) {
        0 => Kind::Ordinary,
        1 => Kind::Component(rng.below(THIRD_PARTY.len())),
        _ => Kind::Vex(rng.percent(70).then(|| rng.below(THIRD_PARTY.len()))),
    }
}

fn advisory(
    rng: &mut Rng,
    id: String,
    (year, cve_seq): (&str, usize),
    published: i64,
    gate: u64,
    build_time: i64,
    products: &[Product],
) -> Advisory {
    let mut revisions = vec![published];
    for _ in 0..rng.weighted(&[60, 30, 10]) {
        let next = revisions[revisions.len() - 1] + rng.range(1, 90) * DAY;
        if next < build_time || published > build_time {
            revisions.push(next);
        }
    }
    let kind = kind(rng);
    // What the vulnerabilities are in: a third-party component, or a feature of the firmware.
    let feature = match kind {
        Kind::Component(t) | Kind::Vex(Some(t)) => THIRD_PARTY[t].feature,
        _ => rng.pick(COMPONENTS),
    };
    let mut affected = match kind {
        Kind::Ordinary => affected::ordinary(rng, products, feature),
        Kind::Component(t) => affected::component(rng, products, t),
        Kind::Vex(t) => affected::vex(rng, products, t, feature),
    };
    let vulnerable: Vec<usize> = (0..affected.len())
        .filter(|i| affected[*i].vulnerable())
        .collect();
    let n_vulns = if matches!(kind, Kind::Vex(_)) {
        rng.weighted(&[80, 20])
    } else {
        rng.weighted(&[60, 30, 10])
    };
    let vulns: Vec<Vuln> = (0..=n_vulns)
        .map(|k| (format!("CVE-{year}-{}", cve_seq + k), k))
        .map(|(cve, k)| vulnerability(rng, cve, feature, &affected, &vulnerable, published, k))
        .collect();
    // With several vulnerabilities, some not-affected statements are about one of them only.
    for x in affected.iter_mut().filter(|x| x.status == "known_not_affected") {
        if vulns.len() > 1 && rng.percent(40) {
            x.only = Some(rng.below(vulns.len()));
        }
    }
    // Every vulnerability needs a statement about some product (CSAF: no empty product
    // status); when all statements are scoped and one is left out, the first is about all.
    let covered = |k: usize| affected.iter().any(|x| x.only.is_none_or(|o| o == k));
    if !(0..vulns.len()).all(covered)
        && let Some(first) = affected.first_mut()
    {
        first.only = None;
    }
    let acks = match rng.weighted(&[70, 12, 13, 5]) {
        0 => vec![vec![rng.zipf(300)]],
        1 => vec![vec![rng.zipf(300), rng.zipf(300)], vec![rng.zipf(300)]],
        2 => vec![],
        _ => vec![vec![]],
    };
    let exploited = vulns.iter().any(|v| v.exploited.is_some());
    let vendor_severity = match exploited {
        true => Some(VENDOR_SEVERITIES[0]),
        false => rng
            .percent(10)
            .then(|| VENDOR_SEVERITIES[rng.weighted(VENDOR_SEVERITY_WEIGHTS)]),
    };
    let (status, tlp) = publication(gate);
    Advisory {
        id,
        kind,
        published,
        status,
        tlp,
        revisions,
        affected,
        vulns,
        acks,
        vendor_severity,
    }
}

/// Status and TLP from the draw that also decided drafts and embargoes (see `advisories`).
fn publication(gate: u64) -> (&'static str, &'static str) {
    let status = match gate {
        0..=2 => "draft",
        7..=13 => "interim",
        _ => "final",
    };
    let tlp = match gate {
        5 => "GREEN",
        6 => "AMBER",
        _ => "CLEAR",
    };
    (status, tlp)
}

/// One vulnerability, with CVSS vectors that fit its CWE's typical impact. All vulnerable
/// entries are concerned, except that later ones may leave out the last product's.
fn vulnerability(
    rng: &mut Rng,
    cve: String,
    component: &'static str,
    affected: &[Affected],
    vulnerable: &[usize],
    published: i64,
    k: usize,
) -> Vuln {
    // Any weakness in any year: CSAF 2.0 names come from one CWE list, whatever the date.
    let cwe = rng.zipf(WEAKNESSES.len());
    let (v3, v4) = vectors(rng, &WEAKNESSES[cwe]);
    let last = vulnerable.last().map(|i| &affected[*i].id);
    let others = vulnerable
        .iter()
        .filter(|i| Some(&affected[**i].id) != last)
        .count();
    let subset = k > 0 && others > 0 && rng.percent(30);
    let products: Vec<usize> = match subset {
        true => vulnerable
            .iter()
            .copied()
            .filter(|i| Some(&affected[*i].id) != last)
            .collect(),
        false => vulnerable.to_vec(),
    };
    let discovered = (published - rng.range(14, 240) * DAY) / DAY * DAY;
    let platform = products.first().map_or(&affected[0], |i| &affected[*i]);
    let bug = rng.percent(50).then(|| rng.range(10_000, 99_999));
    let bug = bug.map(|n| format!("{}-{n}", prefix(platform)));
    let kb = rng.percent(35).then(|| rng.range(10_000, 39_999) as u32);
    let exploited = (!products.is_empty() && rng.percent(3)).then(|| {
        let text = rng.pick(EXPLOITED).replace("{c}", component);
        let since = (published / DAY - rng.range(1, 30)) * DAY;
        (text.replace("{p}", platform.shown_name()), since)
    });
    let threat = rng.percent(5);
    Vuln {
        cve,
        cwe,
        component,
        v3,
        v4,
        products,
        subset,
        discovered,
        bug,
        kb,
        exploited,
        threat,
    }
}

/// The bug-tracker prefix of what an entry is about (its platform for a component).
fn prefix(x: &Affected) -> &'static str {
    let id = x.platform.as_ref().map_or(&x.id, |(id, _)| id);
    crate::vocab::BUG_PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map_or("NMS", |(_, b)| b)
}

/// A CVSS 3.1 vector and, for a third, a CVSS 4.0 one (CSAF 2.0 has no place for a 4.0 score).
fn vectors(rng: &mut Rng, w: &Weakness) -> (String, Option<String>) {
    let Weakness {
        cia,
        user_interaction: ui,
        scope_changed: scope,
        ..
    } = *w;
    let (c, i, a) = (&cia[0..1], &cia[1..2], &cia[2..3]);
    let av = *rng.pick(&["N", "N", "N", "A", "L"]);
    let ac = if rng.percent(80) { "L" } else { "H" };
    let pr = *rng.pick(&["N", "N", "L", "H"]);
    let (ui3, s) = (if ui { "R" } else { "N" }, if scope { "C" } else { "U" });
    let v3 = format!("CVSS:3.1/AV:{av}/AC:{ac}/PR:{pr}/UI:{ui3}/S:{s}/C:{c}/I:{i}/A:{a}");
    let at = if rng.percent(85) { "N" } else { "P" };
    let ui4 = if ui { *rng.pick(&["P", "A"]) } else { "N" };
    let sub = if scope { "L" } else { "N" };
    let v4 = format!("CVSS:4.0/AV:{av}/AC:{ac}/AT:{at}/PR:{pr}/UI:{ui4}/VC:{c}/VI:{i}/VA:{a}");
    let v4 = format!("{v4}/SC:{sub}/SI:{sub}/SA:N");
    (v3, rng.percent(33).then_some(v4))
}
