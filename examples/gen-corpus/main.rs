//! Deterministic generator of large psirt-site corpora, for benchmarks (`scripts/bench`).
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --count 10000 --seed 1 --out /dev/shm/c10k
//! cd /dev/shm/c10k && SOURCE_DATE_EPOCH=1796083200 psirt-site build --timings
//! ```
//!
//! Writes a complete site in psirt-site's own format: `site.toml`, `content/products.toml`,
//! `content/policy.md` and `content/advisories/<year>/<ID>.md`. The same arguments always give
//! byte-identical output: all randomness comes from the SplitMix64 generator below, nothing
//! reads the clock and no hash map is iterated.
//!
//! The corpus: 50 products in six families; advisories published 2016–2026 with 400–1,500
//! words of Markdown each (`##` sections, tables, lists, code blocks; about 8 KB per file);
//! 1–3 vulnerabilities per advisory, each with a site-wide unique CVE id, a CWE from the 71 of
//! `weaknesses.rs` (any of them in any year, the common ones most often) and a complete CVSS
//! 3.1 and/or 4.0 base vector; 1–3 revisions, the first on the publication date; remediations
//! of all five categories; credits for 300 researchers drawn from a Zipf distribution. About 3 % are drafts, 2 % embargoed (published after
//! `--build-time`) and 2 % TLP:GREEN or AMBER, so the publication gate has work to do.
//!
//! When the repository's example key exists (`keys/demo-signing-key.asc`, public half in
//! `static/keys/psirt-public.asc`), both are copied and `site.toml` turns on OpenPGP signing,
//! so that a benchmark measures it; `--no-signing` leaves them out. Build the result with
//! `SOURCE_DATE_EPOCH` = `--build-time` (default 1796083200 = 2026-12-01T00:00:00Z, after the
//! example key was created) so that the gate, and the output, are the same every time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

mod weaknesses;

use weaknesses::{WEAKNESSES, Weakness};

const DAY: i64 = 86_400;
/// 2016-01-01T00:00:00Z, the earliest publication date.
const START: i64 = 1_451_606_400;
const DEFAULT_BUILD_TIME: i64 = 1_796_083_200;
const SW_FAMILY: &str = "Management software";
const USAGE: &str = "usage: gen-corpus --out DIR [--count N] [--seed S] [--build-time EPOCH] [--no-signing]";

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and plenty for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (the modulo bias is far below anything a benchmark notices).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// An index drawn with the given relative weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut r = self.next() % weights.iter().sum::<u64>();
        let mut i = 0;
        while r >= weights[i] {
            r -= weights[i];
            i += 1;
        }
        i
    }
    /// A Zipf-distributed index (exponent 1) below `n`: index 0 is drawn most often.
    fn zipf(&mut self, n: usize) -> usize {
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

// --- Vocabulary ------------------------------------------------------------------------------

/// (family, id prefix, display name, model prefix, count); the rest of the 50 is `SOFTWARE`.
#[rustfmt::skip]
const FAMILIES: &[(&str, &str, &str, &str, usize)] = &[
    ("Routers", "router", "Router", "X", 10), ("Switches", "switch", "Switch", "S", 10),
    ("Firewalls", "firewall", "Firewall", "FX", 8), ("Wireless", "ap", "Access Point", "W", 8),
    ("Cameras", "camera", "Camera", "C", 6),
];
#[rustfmt::skip]
const SOFTWARE: &[(&str, &str)] = &[
    ("netmanager", "NetManager"), ("netmanager-agent", "NetManager Agent"),
    ("netmanager-mobile", "NetManager Mobile"), ("vpn-client", "Secure VPN Client"),
    ("cloud-portal", "Cloud Portal"), ("log-collector", "Log Collector"),
    ("auth-gateway", "Auth Gateway"), ("update-server", "Update Server"),
];
#[rustfmt::skip]
const COMPONENTS: &[&str] = &[
    "web management interface", "SSL VPN portal", "SNMP agent", "firmware update service",
    "REST API", "command-line interface", "DHCP server", "IPsec daemon", "syslog forwarder",
    "configuration backup feature", "captive portal", "RADIUS client", "LLDP daemon",
    "certificate enrolment service", "diagnostics page", "file transfer service",
];
const FIRST: &str = "Sofia Marek Priya Tomás Jane Ahmed Yuki Lena Carlos Olga Kwame Ingrid Mateo Aisha \
    Lukas Mei Daniel Fatima Jonas Nadia Pedro Hana Erik Chloé Ravi Zofia Omar Elena Kenji Amara \
    Felix Leila Björn Rosa Samuel Anika Diego Noor Pavel Grace";
const LAST: &str = "Lindqvist Nowak Raman Herrera Doe Haddad Tanaka Fischer Mendoza Ivanova Mensah \
    Berg Rossi Khan Weber Chen Cohen Benali Schmidt Petrova Silva Sato Larsen Dubois Iyer Kowalska \
    Farouk Popescu Nakamura Okafor Wagner Rahimi Johansson Ortega Nguyen Müller Castillo Aziz Novak";
#[rustfmt::skip]
const ORGS: &[&str] = &[
    "Baltic Offensive Research", "Cobalt Ridge University", "Northgate Security Labs",
    "Quartz Pentest GmbH", "Harbor Point CERT", "Redline Audit", "Blue Fjord Security",
];
#[rustfmt::skip]
const REVISION_NOTES: &[&str] = &[
    "Added fixed versions for further products", "Corrected the affected version ranges",
    "Updated the CVSS vectors after further analysis", "Added a workaround",
    "Added detection guidance", "Clarified the impact section",
];
/// Sentences for paragraphs: `{c}` component, `{p}` product, `{v}` versions, `{gain}` impact.
#[rustfmt::skip]
const SENTENCES: &[&str] = &[
    "The {c} of {p} does not sufficiently validate data it receives before using it.",
    "An attacker who can reach the {c} can send a crafted request that triggers the flaw.",
    "The affected code path is reachable in the default configuration of {p}.",
    "Successful exploitation allows the attacker to {gain}.",
    "Devices that expose the {c} only on a dedicated management network are at lower risk.",
    "Acme Networks is not aware of public exploit code or of active exploitation at the time of publication.",
    "The fixed release adds strict length and character checks and rejects malformed input with an error.",
    "Repeated failed requests in the log of the {c} can indicate attempts to probe for the vulnerability.",
    "The issue affects hardware appliances and virtual appliances alike.",
    "In clustered deployments every node must be upgraded, because each node runs its own {c}.",
    "The vulnerability was found during a review of the {c}; releases {v} are affected.",
    "Customers who cannot upgrade immediately should restrict access to the {c} to trusted hosts.",
    "No special privileges or user interaction are needed beyond network access to the {c}.",
    "Configuration data, including stored credentials, is at risk on an affected device.",
    "The root cause is a missing check on a length field that is taken from the request.",
    "Later releases in the same series contain the fix; no configuration change is needed after upgrading.",
    "Automated scanners on the internet have been seen looking for exposed instances of the {c}.",
    "Acme Networks recommends treating this update as a priority for internet-facing devices.",
];

// --- Model -----------------------------------------------------------------------------------

struct Product {
    id: String,
    name: String,
    family: &'static str,
    major: i64,
}

/// An `[[affected]]` entry, with its product's id and name copied in.
struct Affected {
    id: String,
    name: String,
    versions: Option<String>,
    fixed: Option<String>,
    status: &'static str,
}

struct Vuln {
    cve: String,
    cwe: usize,
    component: &'static str,
    v3: String,
    v4: Option<String>,
    /// Indices into the advisory's `affected`; `subset` when not all vulnerable ones.
    products: Vec<usize>,
    subset: bool,
    discovered: i64,
}

struct Advisory {
    id: String,
    published: i64,
    status: &'static str,
    tlp: &'static str,
    revisions: Vec<i64>,
    affected: Vec<Affected>,
    vulns: Vec<Vuln>,
    /// Researcher indices per acknowledgment; an empty list is an anonymous credit.
    acks: Vec<Vec<usize>>,
}

type People = [(String, Option<&'static str>)];

fn main() {
    if let Err(e) = run() {
        eprintln!("gen-corpus: {e}\n{USAGE}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let (mut count, mut seed, mut out, mut signing) = (1000, 1, None, true);
    let mut build_time = DEFAULT_BUILD_TIME;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--count" => count = value()?.parse().map_err(|e| format!("--count: {e}"))?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--build-time" => build_time = value()?.parse().map_err(|e| format!("--build-time: {e}"))?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--no-signing" => signing = false,
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    if std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!("{} exists and is not empty", out.display()));
    }
    let mut rng = Rng(seed);
    let (products, people) = (products(), researchers(&mut rng));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let keys = ["keys/demo-signing-key.asc", "static/keys/psirt-public.asc"];
    let signing = signing && keys.iter().all(|k| repo.join(k).is_file());
    for k in keys.iter().filter(|_| signing) {
        let key = std::fs::read_to_string(repo.join(k)).map_err(|e| e.to_string())?;
        write(&out.join(k), &key)?;
    }
    write(&out.join("site.toml"), &site_toml(signing))?;
    write(&out.join("content/products.toml"), &products_toml(&products))?;
    write(&out.join("content/policy.md"), POLICY)?;
    let mut bytes = 0;
    for a in advisories(&mut rng, count, build_time, &products) {
        let text = front_matter(&a, &people) + &body(&mut rng, &a, &people);
        bytes += text.len();
        let path = format!("content/advisories/{}/{}.md", &a.id[8..12], a.id);
        write(&out.join(path), &text)?;
    }
    let (kib, on) = (bytes / 1024, if signing { "on" } else { "off" });
    eprintln!("gen-corpus: {count} advisories, {kib} KiB of Markdown, signing {on}");
    let out = out.display();
    eprintln!("gen-corpus: build {out} with SOURCE_DATE_EPOCH={build_time}");
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    let parent = path.parent().ok_or("no parent folder")?;
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

// --- Generating the data ---------------------------------------------------------------------

fn products() -> Vec<Product> {
    let mut out: Vec<Product> = Vec::new();
    let mut add = |id: String, name: String, family| {
        let major = 2 + (out.len() as i64 * 7) % 9;
        out.push(Product {
            id,
            name,
            family,
            major,
        });
    };
    for &(family, prefix, name, letters, n) in FAMILIES {
        for model in (1..=n).map(|i| format!("{letters}{}", i * 100)) {
            add(
                format!("{prefix}-{}", model.to_lowercase()),
                format!("Acme {name} {model}"),
                family,
            );
        }
    }
    for &(id, name) in SOFTWARE {
        add(id.to_string(), format!("Acme {name}"), SW_FAMILY);
    }
    out
}

/// 300 distinct researchers, 60 % with an organization.
fn researchers(rng: &mut Rng) -> Vec<(String, Option<&'static str>)> {
    let first: Vec<&str> = FIRST.split_whitespace().collect();
    let last: Vec<&str> = LAST.split_whitespace().collect();
    let mut out: Vec<(String, Option<&'static str>)> = Vec::new();
    while out.len() < 300 {
        let name = format!("{} {}", rng.pick(&first), rng.pick(&last));
        let org = rng.percent(60).then(|| *rng.pick(ORGS));
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, org));
        }
    }
    out
}

fn advisories(rng: &mut Rng, count: usize, build_time: i64, products: &[Product]) -> Vec<Advisory> {
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
    for (published, kind) in times {
        let year = day(published)[..4].to_string();
        let n = serial.entry(year.clone()).or_insert(0);
        *n += 1;
        let (id, cve_seq) = (format!("ACME-SA-{year}-{n:04}"), 10_000 + *n * 3);
        let mut revisions = vec![published];
        for _ in 0..rng.weighted(&[60, 30, 10]) {
            let next = revisions[revisions.len() - 1] + rng.range(1, 90) * DAY;
            if next < build_time || published > build_time {
                revisions.push(next);
            }
        }
        let affected = affected(rng, products);
        // Products known not to be affected are the ones without versions.
        let vulnerable: Vec<usize> = (0..affected.len())
            .filter(|i| affected[*i].versions.is_some())
            .collect();
        let vulns = (0..=rng.weighted(&[60, 30, 10]))
            .map(|k| (format!("CVE-{year}-{}", cve_seq + k), k))
            .map(|(cve, k)| vulnerability(rng, cve, &vulnerable, published, k))
            .collect();
        let acks = match rng.weighted(&[70, 12, 13, 5]) {
            0 => vec![vec![rng.zipf(300)]],
            1 => vec![vec![rng.zipf(300), rng.zipf(300)], vec![rng.zipf(300)]],
            2 => vec![],
            _ => vec![vec![]],
        };
        let status = match kind {
            0..=2 => "draft",
            7..=13 => "interim",
            _ => "final",
        };
        let tlp = match kind {
            5 => "GREEN",
            6 => "AMBER",
            _ => "CLEAR",
        };
        out.push(Advisory {
            id,
            published,
            status,
            tlp,
            revisions,
            affected,
            vulns,
            acks,
        });
    }
    out
}

/// 1–4 products, mostly of one family; the first is always known affected.
fn affected(rng: &mut Rng, products: &[Product]) -> Vec<Affected> {
    let first = &products[rng.below(products.len())];
    let family: Vec<&Product> = products.iter().filter(|p| p.family == first.family).collect();
    let all: Vec<&Product> = products.iter().collect();
    let mut chosen = vec![first];
    for _ in 0..rng.weighted(&[50, 30, 15, 5]) {
        let same_family = rng.percent(85);
        let p = *rng.pick(if same_family { &family } else { &all });
        if !chosen.iter().any(|c| c.id == p.id) {
            chosen.push(p);
        }
    }
    let mut out = Vec::new();
    for (i, p) in chosen.into_iter().enumerate() {
        let (major, minor, patch) = (p.major, rng.range(0, 9), rng.range(1, 12));
        let fixed = format!("{major}.{minor}.{patch}");
        let versions = Some(match rng.below(3) {
            0 => format!("< {fixed}"),
            1 => format!(">= {major}.{minor}.0, < {fixed}"),
            _ => format!("{major}.{minor}.{}", patch - 1),
        });
        let (versions, fixed, status) = match (i, rng.below(100)) {
            (1.., 0..=6) => (None, None, "known_not_affected"),
            (1.., 7..=14) => (versions, None, "under_investigation"),
            (_, 15..=24) => (versions, None, "known_affected"),
            _ => (versions, Some(fixed), "known_affected"),
        };
        let (id, name) = (p.id.clone(), p.name.clone());
        out.push(Affected {
            id,
            name,
            versions,
            fixed,
            status,
        });
    }
    out
}

/// One vulnerability, with CVSS vectors that fit its CWE's typical impact.
/// All vulnerable products are concerned, except that later ones may leave out the last.
fn vulnerability(rng: &mut Rng, cve: String, vulnerable: &[usize], published: i64, k: usize) -> Vuln {
    // Any weakness in any year: CSAF 2.0 names come from one CWE list, whatever the date.
    let cwe = rng.zipf(WEAKNESSES.len());
    let Weakness {
        cia,
        user_interaction: ui,
        scope_changed: scope,
        ..
    } = WEAKNESSES[cwe];
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
    // Always 3.1 (CSAF 2.0 has no place for a 4.0 score), for a third of them 4.0 as well.
    let v4 = rng.percent(33).then_some(v4);
    let subset = k > 0 && vulnerable.len() > 1 && rng.percent(30);
    let products = vulnerable[..vulnerable.len() - usize::from(subset)].to_vec();
    let discovered = (published - rng.range(14, 240) * DAY) / DAY * DAY;
    let component = rng.pick(COMPONENTS);
    Vuln {
        cve,
        cwe,
        component,
        v3,
        v4,
        products,
        subset,
        discovered,
    }
}

// --- Writing TOML and Markdown ---------------------------------------------------------------

fn ts(secs: i64) -> String {
    let t = Timestamp::from_second(secs).expect("dates stay in range");
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn day(secs: i64) -> String {
    ts(secs)[..10].to_string()
}

/// `key = "value"` when there is a value (generated texts contain no `"`, `\` or controls).
fn opt(s: &mut String, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = writeln!(s, "{key} = \"{v}\"");
    }
}

/// A TOML array of strings.
fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn site_toml(signing: bool) -> String {
    let mut s = String::from(
        "# Generated by examples/gen-corpus/: a benchmark corpus, not a real vendor.\n\
         title = \"Acme Networks Product Security\"\nbase_url = \"https://security.acme-networks.example\"\n\
         description = \"Security advisories and CSAF documents of Acme Networks.\"\nminify = true\n\n\
         [publisher]\nname = \"Acme Networks PSIRT\"\nnamespace = \"https://acme-networks.example\"\n\
         contact_details = \"psirt@acme-networks.example\"\n\n[contact]\nemail = \"psirt@acme-networks.example\"\n\
         urls = [\"https://acme-networks.example/security/report\"]\n\n[security_txt]\nexpires_after_days = 180\n\
         preferred_languages = [\"en\", \"de\"]\n\n[csaf]\npretty = true\n",
    );
    if signing {
        s += "\n[pgp]\npublic_key = \"static/keys/psirt-public.asc\"\n\n\
              [signing]\nkey_file = \"keys/demo-signing-key.asc\"\n";
    }
    s
}

fn products_toml(products: &[Product]) -> String {
    let mut s = String::from("# Generated by examples/gen-corpus/\n");
    for p in products {
        let (id, name, family, major) = (&p.id, &p.name, p.family, p.major);
        let part = if family == SW_FAMILY { "a" } else { "h" };
        let cpe_name = id.replace('-', "_");
        let cpe = format!("cpe:2.3:{part}:acme_networks:{cpe_name}:-:*:*:*:*:*:*:*");
        s += &format!("\n[[products]]\nid = \"{id}\"\nname = \"{name}\"\nvendor = \"Acme Networks\"\n");
        s += &format!("family = \"{family}\"\ndescription = \"{name} ({family}), release {major}.x.\"\n");
        s += &format!("cpe = \"{cpe}\"\n");
    }
    s
}

fn front_matter(a: &Advisory, people: &People) -> String {
    let (v0, x0) = (&a.vulns[0], &a.affected[0]);
    let (id, published, status, tlp) = (&a.id, ts(a.published), a.status, a.tlp);
    let (component, kind, gain) = (v0.component, WEAKNESSES[v0.cwe].kind, WEAKNESSES[v0.cwe].gain);
    let kind = if a.vulns.len() > 1 {
        "Multiple vulnerabilities"
    } else {
        kind
    };
    let names: Vec<&str> = a.affected.iter().take(2).map(|x| x.name.as_str()).collect();
    let (names, product) = (names.join(" and "), &x0.name);
    let mut s = format!("+++\nid = \"{id}\"\ntitle = \"{kind} in the {component} of {names}\"\n");
    s += &format!("published = {published}\nstatus = \"{status}\"\ntlp = \"{tlp}\"\n");
    s += &format!("summary = \"An attacker could {gain} through the {component} of {product}.\"\n");
    for (i, date) in a.revisions.iter().enumerate() {
        let note = REVISION_NOTES[(a.published as usize + i) % REVISION_NOTES.len()];
        let note = if i == 0 { "Initial public release" } else { note };
        s += &format!("\n[[revisions]]\ndate = {}\nsummary = \"{note}\"\n", ts(*date));
    }
    for x in &a.affected {
        s += &format!("\n[[affected]]\nproduct = \"{}\"\n", x.id);
        opt(&mut s, "versions", x.versions.as_deref());
        opt(&mut s, "fixed", x.fixed.as_deref());
        let status = Some(x.status).filter(|s| *s != "known_affected");
        opt(&mut s, "status", status);
    }
    for v in &a.vulns {
        let Weakness { cwe, kind, gain, .. } = WEAKNESSES[v.cwe];
        let (cve, component) = (&v.cve, v.component);
        s += &format!("\n[[vulnerabilities]]\ncve = \"{cve}\"\ntitle = \"{kind} in the {component}\"\n");
        s += &format!("cwe = \"{cwe}\"\n");
        s += &format!("description = \"A flaw in the {component} lets an attacker {gain}.\"\n");
        opt(&mut s, "cvss_v3", Some(&v.v3));
        opt(&mut s, "cvss_v4", v.v4.as_deref());
        if v.subset {
            let ids = list(v.products.iter().map(|i| a.affected[*i].id.as_str()));
            let _ = writeln!(s, "products = {ids}");
        }
        let _ = writeln!(s, "discovery_date = {}", ts(v.discovered));
        for x in v.products.iter().map(|i| &a.affected[*i]) {
            let name = &x.name;
            let (category, details) = match (&x.fixed, x.status, (a.published / DAY) % 3) {
                (Some(f), ..) => ("vendor_fix", format!("Upgrade {name} to release {f} or later.")),
                (None, "under_investigation", _) => ("none_available", "No fix yet.".into()),
                (None, _, 0) => ("no_fix_planned", format!("{name} is no longer supported.")),
                (None, _, 1) => ("mitigation", format!("Firewall the {component}.")),
                (None, ..) => ("none_available", "A fixed release is being prepared.".into()),
            };
            s += "\n[[vulnerabilities.remediations]]\n";
            s += &format!("category = \"{category}\"\ndetails = \"{details}\"\n");
            let url = format!("https://acme-networks.example/support/downloads/{}", x.id);
            opt(&mut s, "url", Some(url.as_str()).filter(|_| x.fixed.is_some()));
            let _ = writeln!(s, "products = [\"{}\"]", x.id);
        }
        if a.published % 5 < 2 {
            let details = format!("Disable the {component} where it is not needed.");
            s += "\n[[vulnerabilities.remediations]]\ncategory = \"workaround\"\n";
            s += &format!("details = \"{details}\"\n");
        }
    }
    for credited in &a.acks {
        s += "\n[[acknowledgments]]\n";
        match credited.first() {
            None => s += "anonymous = true\n",
            Some(first) => {
                let names = list(credited.iter().map(|n| people[*n].0.as_str()));
                let _ = writeln!(s, "names = {names}");
                opt(&mut s, "organization", people[*first].1);
            }
        }
        let cve = &v0.cve;
        s += &format!("summary = \"Reported {cve} through coordinated disclosure\"\n");
    }
    let (cve, product) = (&v0.cve, &x0.id);
    s += &format!("\n[[references]]\nurl = \"https://nvd.nist.gov/vuln/detail/{cve}\"\n");
    s += &format!("summary = \"NVD: {cve}\"\n");
    s += &format!("\n[[references]]\nurl = \"https://docs.acme-networks.example/hardening/{product}\"\n");
    s + "summary = \"Hardening guide\"\n+++\n"
}

/// 3–6 sentences about `v`, ending in a blank line.
fn paragraph(rng: &mut Rng, a: &Advisory, v: &Vuln) -> String {
    let x = &a.affected[v.products[0]];
    let version = x.versions.as_deref().unwrap_or("1.0");
    let sentences: Vec<String> = (0..rng.range(3, 6))
        .map(|_| {
            let s = rng.pick(SENTENCES).replace("{c}", v.component);
            let s = s.replace("{v}", version).replace("{p}", &x.name);
            s.replace("{gain}", WEAKNESSES[v.cwe].gain)
        })
        .collect();
    sentences.join(" ") + "\n\n"
}

fn body(rng: &mut Rng, a: &Advisory, people: &People) -> String {
    let target_words = rng.range(400, 1400) as usize;
    let v0 = &a.vulns[0];
    let mut s = format!("\n## Summary\n\n{}## Details\n\n", paragraph(rng, a, v0));
    for v in &a.vulns {
        let (cve, Weakness { cwe, kind, .. }) = (&v.cve, &WEAKNESSES[v.cwe]);
        s += &format!("**{cve}** ({cwe}, {kind}): {}", paragraph(rng, a, v));
    }
    s += "| Product | Affected versions | Fixed in | Status |\n|---|---|---|---|\n";
    for x in &a.affected {
        let (name, status) = (&x.name, x.status.replace('_', " "));
        let versions = x.versions.as_deref().unwrap_or("none");
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
        let (n, name, status) = (i + 1, &x.name, x.status.replace('_', " "));
        s += &match &x.fixed {
            Some(f) => format!("{n}. Upgrade {name} to release {f} or later.\n"),
            None => format!("{n}. {name}: no fixed release yet ({status}).\n"),
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

/// A disclosure policy with a section for every topic `psirt-site check` looks for.
const POLICY: &str = "+++\ntitle = \"Vulnerability disclosure policy\"\n+++\n\n\
    Acme Networks welcomes reports from security researchers, customers and partners.\n\n\
    ## Scope\n\nAll hardware, firmware and software sold under the Acme Networks brand.\n\n\
    ## How to report\n\nEmail psirt@acme-networks.example, in English or German.\n\n\
    ## Encryption\n\nEncrypt reports that contain exploit code with our [OpenPGP key](/pgp/).\n\n\
    ## Our commitments\n\nWe answer within 2 business days and triage within 7 days.\n\n\
    ## Coordinated disclosure\n\nWe publish an advisory when a fix is available, within 90 days.\n\n\
    ## Safe harbor\n\nWe will not pursue legal action for good-faith research under this policy.\n\n\
    ## Credit\n\nWe credit reporters in the advisory and in our hall of fame, unless they decline.\n\n\
    ## CVE assignment\n\nAcme Networks is a CVE Numbering Authority for its own products.\n";
