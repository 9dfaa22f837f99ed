//! Deterministic generator of large psirt-site corpora, for benchmarks (`scripts/bench`) and
//! the official CSAF validator at scale (`.ci/csaf-corpus.sh`).
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --count 10000 --seed 1 --out /dev/shm/c10k
//! cd /dev/shm/c10k && SOURCE_DATE_EPOCH=1796083200 psirt-site build --timings
//! ```
//!
//! Writes a complete site in psirt-site's own format: `site.toml`, `content/products.toml`,
//! `content/policy.md` and `content/advisories/<year>/<ID>.md`. The same arguments always give
//! byte-identical output: all randomness comes from the SplitMix64 generator (`rng.rs`),
//! nothing reads the clock and no hash map is iterated.
//!
//! The corpus is a network-equipment vendor's: 50 own products in six families, each with a
//! `vers` scheme (semver, intdot, or the default generic), and three third-party components
//! (OpenSSL, BusyBox, OpenSSH) that are `part_of` the appliances of some families.
//! Advisories are published 2016–2026 with 400–1,500 words of Markdown each (`##` sections,
//! tables, lists, code blocks; about 8 KB per file). Of them, 86 % are about own products
//! (the first product in two or three release trains in about a third of them, each with
//! its range and fix, plus a fixed-only statement for the next train in 40 % of those;
//! `version` for one version, `versions` for a range), 8 % about a third-party component on
//! one to three appliances (`platform`), and 6 % are `csaf_vex` statements with products
//! known not to be affected, with justifications or impact statements, some scoped to one
//! vulnerability. 1–3 vulnerabilities per advisory, each with a site-wide unique CVE id, a
//! CWE from the 71 of `weaknesses.rs` (any of them in any year, the common ones most often),
//! a complete CVSS 3.1 and/or 4.0 base vector, a vendor bug id in half of them, a knowledge-
//! base reference in a third, 3 % exploited in the wild; 10 % of the advisories carry a
//! vendor severity (all with an exploited vulnerability). 1–3 revisions, the first on the
//! publication date; remediations of all five categories; credits for 300 researchers drawn
//! from a Zipf distribution. About 3 % are drafts, 2 % embargoed (published after
//! `--build-time`) and 2 % TLP:GREEN or AMBER, so the publication gate has work to do.
//!
//! `--no-new-keys` writes the same advisories with only the keys psirt-site knew before the
//! content model of #15 (see `front_matter.rs`), to compare against older binaries.
//!
//! When the repository's example key exists (`keys/demo-signing-key.asc`, public half in
//! `static/keys/psirt-public.asc`), both are copied and `site.toml` turns on OpenPGP signing,
//! so that a benchmark measures it; `--no-signing` leaves them out. Build the result with
//! `SOURCE_DATE_EPOCH` = `--build-time` (default 1796083200 = 2026-12-01T00:00:00Z, after the
//! example key was created) so that the gate, and the output, are the same every time.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

mod advisory;
mod affected;
mod body;
mod front_matter;
mod model;
mod rng;
mod vocab;
mod weaknesses;

use model::Product;
use rng::Rng;
use vocab::{POLICY, SW_FAMILY};

const DAY: i64 = 86_400;
/// 2016-01-01T00:00:00Z, the earliest publication date.
const START: i64 = 1_451_606_400;
const DEFAULT_BUILD_TIME: i64 = 1_796_083_200;
const USAGE: &str =
    "usage: gen-corpus --out DIR [--count N] [--seed S] [--build-time EPOCH] [--no-signing] [--no-new-keys]";

struct Options {
    count: usize,
    seed: u64,
    build_time: i64,
    out: PathBuf,
    signing: bool,
    new_keys: bool,
}

fn main() {
    if let Err(e) = options().and_then(|o| run(&o)) {
        eprintln!("gen-corpus: {e}\n{USAGE}");
        std::process::exit(2);
    }
}

fn options() -> Result<Options, String> {
    let (mut count, mut seed, mut out, mut signing, mut new_keys) = (1000, 1, None, true, true);
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
            "--no-new-keys" => new_keys = false,
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok(Options {
        count,
        seed,
        build_time,
        out,
        signing,
        new_keys,
    })
}

fn run(o: &Options) -> Result<(), String> {
    let out = &o.out;
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(format!("{} exists and is not empty", out.display()));
    }
    let mut rng = Rng(o.seed);
    let (products, people) = (model::products(), model::researchers(&mut rng));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let keys = ["keys/demo-signing-key.asc", "static/keys/psirt-public.asc"];
    let signing = o.signing && keys.iter().all(|k| repo.join(k).is_file());
    for k in keys.iter().filter(|_| signing) {
        let key = std::fs::read_to_string(repo.join(k)).map_err(|e| e.to_string())?;
        write(&out.join(k), &key)?;
    }
    write(&out.join("site.toml"), &site_toml(signing, o.new_keys))?;
    write(
        &out.join("content/products.toml"),
        &products_toml(&products, o.new_keys),
    )?;
    write(&out.join("content/policy.md"), POLICY)?;
    let mut bytes = 0;
    for a in advisory::advisories(&mut rng, o.count, o.build_time, &products) {
        let text = front_matter::front_matter(&a, &people, o.new_keys) + &body::body(&mut rng, &a, &people);
        bytes += text.len();
        let path = format!("content/advisories/{}/{}.md", &a.id[8..12], a.id);
        write(&out.join(path), &text)?;
    }
    let (count, kib, on) = (o.count, bytes / 1024, if signing { "on" } else { "off" });
    let keys = if o.new_keys {
        ""
    } else {
        ", without the keys of #15"
    };
    eprintln!("gen-corpus: {count} advisories, {kib} KiB of Markdown, signing {on}{keys}");
    eprintln!(
        "gen-corpus: build {} with SOURCE_DATE_EPOCH={}",
        out.display(),
        o.build_time
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    let parent = path.parent().ok_or("no parent folder")?;
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn ts(secs: i64) -> String {
    let t = Timestamp::from_second(secs).expect("dates stay in range");
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn day(secs: i64) -> String {
    ts(secs)[..10].to_string()
}

fn site_toml(signing: bool, new_keys: bool) -> String {
    let mut s = String::from("# Generated by examples/gen-corpus/: a benchmark corpus, not a real vendor.\n");
    // Its addresses are on a domain reserved for examples; binaries before the key refuse it.
    if new_keys {
        s += "allow_example_domains = true\n";
    }
    s.push_str(
        "\
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

/// The catalog: own products with a CPE, components with a package URL; `scheme` and
/// `part_of` only with the keys of #15.
fn products_toml(products: &[Product], new_keys: bool) -> String {
    let mut s = String::from("# Generated by examples/gen-corpus/\n");
    for p in products {
        let (id, name, vendor, family) = (&p.id, &p.name, p.vendor, p.family);
        s += &format!("\n[[products]]\nid = \"{id}\"\nname = \"{name}\"\nvendor = \"{vendor}\"\n");
        match p.third_party {
            Some(t) => {
                let purl = vocab::THIRD_PARTY[t].purl;
                s += &format!("description = \"{name}, built into the firmware of Acme appliances.\"\n");
                s += &format!("purl = \"{purl}\"\n");
            }
            None => {
                let part = if family == SW_FAMILY { "a" } else { "h" };
                let cpe = format!(
                    "cpe:2.3:{part}:acme_networks:{}:-:*:*:*:*:*:*:*",
                    id.replace('-', "_")
                );
                s += &format!(
                    "family = \"{family}\"\ndescription = \"{name} ({family}), release {}.x.\"\n",
                    p.major
                );
                s += &format!("cpe = \"{cpe}\"\n");
            }
        }
        if let Some(scheme) = p.scheme.filter(|_| new_keys) {
            s += &format!("scheme = \"{scheme}\"\n");
        }
        if new_keys && !p.part_of.is_empty() {
            s += "part_of = [\n";
            for q in &p.part_of {
                s += &format!(
                    "  {{ product = \"{}\", relationship = \"default_component_of\" }},\n",
                    products[*q].id
                );
            }
            s += "]\n";
        }
    }
    s
}
