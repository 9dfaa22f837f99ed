//! The ROLIE feed of the provider (CSAF 2.0 §7.1.20): one entry per published document,
//! newest first. By far the largest provider file (~13 MB at 10,000 advisories), so it is
//! made apart from the others (`provider::files`), and made of entries that are written
//! one by one: `serve` takes an unchanged entry's bytes from its last build
//! ([`crate::emit::Reuse::fragment`]) and writes only the entries that changed.

use std::sync::Arc;

use serde::Serialize;

use super::Emitted;
use super::provider::{ROLIE_CSAF_SCHEME, slug, url};
use crate::digest::{self, Key};
use crate::emit::OutputFile;
use crate::routes::{self, CSAF_FEED_FILE, PUBLIC_TLP_DIR};
use crate::site::Site;

/// Where the feed is written.
pub fn path() -> String {
    routes::csaf_file(CSAF_FEED_FILE)
}

/// The key of the feed: the key of each entry in feed order ([`entry_key`]: each
/// published document's path, id, title, dates and summary, the base URL, whether documents
/// are signed, psirt-site's version), the publisher's name, and the build time when there is
/// no document. An edit of an advisory's body keeps the feed; one of its title, dates or
/// summary makes it again.
pub fn key(site: &Site, entry_keys: &[Key]) -> Key {
    let mut h = digest::Hasher::default();
    h.part(b"rolie feed")
        .part(env!("CARGO_PKG_VERSION").as_bytes())
        .part(site.config.publisher.name.as_bytes())
        .part(site.config.base().as_bytes())
        .part(&[u8::from(site.signing)]);
    if entry_keys.is_empty() {
        h.part(crate::model::time::rfc3339(site.build_time).as_bytes());
    }
    for k in entry_keys {
        h.part(k);
    }
    h.finish()
}

/// What a document's entry says of it.
fn document_fields<'a>(d: &'a Emitted<'_>) -> [&'a [u8]; 6] {
    [d.relative, d.id, d.title, d.initial, d.current, d.summary].map(str::as_bytes)
}

/// The key of one entry: the document's fields, the base URL, whether documents are signed
/// and psirt-site's version (nothing else of the site is in an entry).
pub fn entry_key(site: &Site, d: &Emitted<'_>) -> Key {
    let signing = [u8::from(site.signing)];
    let mut parts: Vec<&[u8]> = vec![
        b"rolie entry",
        env!("CARGO_PKG_VERSION").as_bytes(),
        site.config.base().as_bytes(),
        &signing,
    ];
    parts.extend(document_fields(d));
    digest::key(&parts)
}

/// The documents in the order of the feed: newest first, ties by path (stable).
pub fn order<'d, 'a>(docs: &'d [Emitted<'a>]) -> Vec<&'d Emitted<'a>> {
    let mut sorted: Vec<&Emitted<'a>> = docs.iter().collect();
    sorted.sort_by(|a, b| b.current.cmp(a.current).then_with(|| a.relative.cmp(b.relative)));
    sorted
}

/// How deep an entry sits in the feed (`{ "feed": { "entry": [ … ] } }`): the indentation
/// `serde_json`'s pretty printer gives it.
const ENTRY_INDENT: &[u8] = b"      ";

/// One entry, written as it stands in the feed (indented to its place), checked to be one
/// JSON value on its own.
pub fn entry(site: &Site, d: &Emitted<'_>) -> Result<Arc<[u8]>, String> {
    let bytes = serde_json::to_vec_pretty(&feed_entry(site, d)).map_err(|e| e.to_string())?;
    crate::emit::wellformed::check(".json", &bytes)?;
    // A JSON text has line breaks only between tokens (inside strings they are escaped),
    // so indenting after every one re-indents the whole entry and nothing else.
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend_from_slice(ENTRY_INDENT);
        }
        out.extend_from_slice(line);
    }
    Ok(out.into())
}

/// The feed, from its entries in [`order`] (each from [`entry`]): byte for byte what
/// `serde_json::to_vec_pretty` writes for the whole feed, with a final line break. The frame
/// around the entries is checked to be one JSON value; with entries that each are one, the
/// feed is one too, so its 13 MB are not parsed again.
pub fn feed(site: &Site, first: Option<&Emitted<'_>>, entries: &[Arc<[u8]>]) -> Result<OutputFile, String> {
    let frame = serde_json::to_vec_pretty(&frame(site, first)).map_err(|e| e.to_string())?;
    crate::emit::wellformed::check(".json", &frame)?;
    // The entries are the last field: the frame ends `"entry": []` and closes its objects.
    const EMPTY: &[u8] = b"[]\n  }\n}";
    let Some(head) = frame.strip_suffix(EMPTY) else {
        return Err("internal error: the feed's frame does not end with its entries".into());
    };
    let size = head.len() + entries.iter().map(|e| e.len() + 8).sum::<usize>() + EMPTY.len() + 8;
    let mut bytes = Vec::with_capacity(size);
    bytes.extend_from_slice(head);
    if entries.is_empty() {
        bytes.extend_from_slice(b"[]");
    } else {
        bytes.push(b'[');
        for (i, e) in entries.iter().enumerate() {
            bytes.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            bytes.extend_from_slice(ENTRY_INDENT);
            bytes.extend_from_slice(e);
        }
        bytes.extend_from_slice(b"\n    ]");
    }
    bytes.extend_from_slice(b"\n  }\n}\n");
    Ok(OutputFile::new(path(), bytes))
}

// The feed as plain structs, serialized directly. Fields are in the order the feed has
// always been written.

#[derive(Serialize)]
struct RolieFeed<'a> {
    feed: RolieBody<'a>,
}

#[derive(Serialize)]
struct RolieBody<'a> {
    id: String,
    title: String,
    link: Vec<RolieLink>,
    category: [RolieCategory; 1],
    updated: String,
    entry: Vec<RolieEntry<'a>>,
}

#[derive(Serialize)]
struct RolieLink {
    rel: &'static str,
    href: String,
}

#[derive(Serialize)]
struct RolieCategory {
    scheme: &'static str,
    term: &'static str,
}

const CSAF_CATEGORY: RolieCategory = RolieCategory {
    scheme: ROLIE_CSAF_SCHEME,
    term: "csaf",
};

#[derive(Serialize)]
struct RolieEntry<'a> {
    id: &'a str,
    title: &'a str,
    link: Vec<RolieLink>,
    published: &'a str,
    updated: &'a str,
    summary: RolieSummary<'a>,
    content: RolieContent,
    format: RolieFormat,
}

#[derive(Serialize)]
struct RolieSummary<'a> {
    content: &'a str,
}

#[derive(Serialize)]
struct RolieContent {
    #[serde(rename = "type")]
    media_type: &'static str,
    src: String,
}

#[derive(Serialize)]
struct RolieFormat {
    schema: &'static str,
    version: &'static str,
}

/// The feed without entries; `first` is the newest document, whose date is the feed's.
fn frame<'a>(site: &Site, first: Option<&Emitted<'_>>) -> RolieFeed<'a> {
    let updated = first.map_or_else(
        || crate::model::time::rfc3339(site.build_time),
        |d| d.current.to_string(),
    );
    RolieFeed {
        feed: RolieBody {
            id: format!("{}-csaf-feed-tlp-white", slug(&site.config.publisher.name)),
            title: format!("{} CSAF feed (TLP:WHITE)", site.config.publisher.name),
            link: vec![RolieLink {
                rel: "self",
                href: url(site, CSAF_FEED_FILE),
            }],
            category: [CSAF_CATEGORY],
            updated,
            entry: Vec::new(),
        },
    }
}

fn feed_entry<'a>(site: &Site, d: &'a Emitted<'_>) -> RolieEntry<'a> {
    let href = url(site, &format!("{PUBLIC_TLP_DIR}/{}", d.relative));
    let mut link = vec![
        RolieLink {
            rel: "self",
            href: href.clone(),
        },
        RolieLink {
            rel: "hash",
            href: format!("{href}.sha256"),
        },
        RolieLink {
            rel: "hash",
            href: format!("{href}.sha512"),
        },
    ];
    if site.signing {
        link.push(RolieLink {
            rel: "signature",
            href: format!("{href}.asc"),
        });
    }
    RolieEntry {
        id: d.id,
        title: d.title,
        link,
        published: d.initial,
        updated: d.current,
        summary: RolieSummary { content: d.summary },
        content: RolieContent {
            media_type: "application/json",
            src: href,
        },
        format: RolieFormat {
            schema: "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
            version: "2.0",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole feed serialized at once, as it was written before entries were written
    /// one by one.
    fn at_once(site: &Site, docs: &[Emitted<'_>]) -> Vec<u8> {
        let sorted = order(docs);
        let mut feed = frame(site, sorted.first().copied());
        feed.feed.entry = sorted.iter().map(|d| feed_entry(site, d)).collect();
        let mut bytes = serde_json::to_vec_pretty(&feed).expect("serializes");
        bytes.push(b'\n');
        bytes
    }

    const IDS: [&str; 3] = ["ACME-SA-2026-0000", "ACME-SA-2026-0001", "ACME-SA-2026-0002"];

    fn doc(n: usize, title: &str) -> Emitted<'_> {
        Emitted {
            relative: format!("2026/acme-sa-2026-{n:04}.json").leak(),
            id: IDS[n],
            title,
            initial: "2026-01-01T00:00:00.000Z",
            current: format!("2026-02-{:02}T00:00:00.000Z", n % 28 + 1).leak(),
            summary: "Line one\nline \"two\"\t\u{2028} <b>",
            entry_key: Key::default(),
        }
    }

    /// The demo site's model.
    use crate::emit::demo_site as demo;

    #[test]
    fn a_feed_of_entries_is_the_feed_written_at_once() {
        let site = demo();
        for count in [0, 1, 3] {
            let docs: Vec<Emitted<'_>> = (0..count).map(|n| doc(n, "A \"quoted\"\ntitle")).collect();
            let entries: Vec<Arc<[u8]>> = order(&docs)
                .into_iter()
                .map(|d| entry(&site, d).expect("entry"))
                .collect();
            let feed = feed(&site, order(&docs).first().copied(), &entries).expect("feed");
            assert_eq!(
                String::from_utf8_lossy(&feed.bytes),
                String::from_utf8_lossy(&at_once(&site, &docs)),
                "{count} documents"
            );
        }
    }

    #[test]
    fn an_entry_key_changes_with_what_the_entry_shows() {
        let site = demo();
        let base = entry_key(&site, &doc(1, "T"));
        assert_eq!(base, entry_key(&site, &doc(1, "T")));
        assert_ne!(base, entry_key(&site, &doc(1, "U")));
        assert_ne!(base, entry_key(&site, &doc(2, "T")));
    }
}
