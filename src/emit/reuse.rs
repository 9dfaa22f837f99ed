//! What the emitters may take from a previous build instead of making again. The emit
//! stage only asks; the pipeline's cache (`pipeline::cache`) decides what it has.
//!
//! An advisory's own files (its page; its CSAF document with hashes and signature) are a
//! pure function of the advisory and a site-wide context ([`advisory_context`]): the key
//! of that pair names them in the cache. Every other file is made on every build, and the
//! output keeps it unchanged when its bytes are.

use std::sync::Arc;

use crate::digest::{self, Key};
use crate::model::Advisory;
use crate::signing::Signer;
use crate::site::Site;
use crate::theme::Theme;
use crate::view::SiteView;

use super::EmitOptions;

/// A previous build's files made from the same inputs, as the pipeline's cache has them.
pub trait Reuse: Sync {
    /// The files made under `key` by the previous build, if every one is still there.
    fn files(&self, key: &Key) -> Option<Vec<Reused>>;

    /// A piece of a file (an entry of the ROLIE feed) that the previous build made under
    /// `key`; only a build in the same process has them (`serve`).
    fn fragment(&self, _key: &Key) -> Option<Arc<[u8]>> {
        None
    }

    /// Every advisory's derived values as the previous build worked them out; only a
    /// build in the same process has them (`serve`).
    fn derived(&self) -> Option<&super::derived::Memo> {
        None
    }
}

/// Pieces of files by the key of what each is made from, for the next build
/// ([`Reuse::fragment`]).
pub type Fragments = Vec<(Key, Arc<[u8]>)>;

/// A file of the previous output, unchanged since the previous build made it: the sink
/// keeps it without reading it (`build`: a file of the previous output folder; `serve`: one
/// of the previous output held in memory, whose bytes the new output shares).
#[derive(Debug, Clone)]
pub struct Reused {
    pub path: String,
    /// The file's identity as the cache found it (`build`), so that the sink need not look
    /// it up again.
    pub file: Option<FileId>,
}

/// A file's device and inode number: which file it is, whatever its name.
pub type FileId = (u64, u64);

/// No previous build: everything is made.
pub struct NoReuse;

impl Reuse for NoReuse {
    fn files(&self, _key: &Key) -> Option<Vec<Reused>> {
        None
    }
}

/// The digest of everything an advisory's page and CSAF document read besides the advisory
/// itself: the whole `site.toml`, the product catalog (as the advisory was parsed against it
/// and as the site shows it), the parts every page shares (navigation, build date, …), the
/// theme's templates, minification and live reload, the signing key and psirt-site's
/// version. Anything else would make two builds' advisory files differ although their keys
/// agree; `tests/cache.rs` builds with every kind of change and compares with clean builds.
pub fn advisory_context(site: &Site, theme: &Theme, signer: Option<&Signer>, opts: EmitOptions) -> Key {
    let config = format!("{:?}", site.config);
    let catalogs = format!("{:?}{:?}", site.catalog, site.full_catalog);
    let shared = serde_json::to_vec(&SiteView::new(site, "advisories", opts.live_reload)).unwrap_or_default();
    let signer = signer.map(Signer::fingerprint).unwrap_or_default();
    let flags = [
        u8::from(site.config.minify),
        u8::from(opts.live_reload),
        u8::from(site.signing),
        u8::from(site.mode == crate::site::Mode::Preview),
    ];
    digest::key(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        config.as_bytes(),
        catalogs.as_bytes(),
        &shared,
        &theme.fingerprint,
        signer.as_bytes(),
        &flags,
    ])
}

/// The key of one advisory's files: the site-wide context, the advisory's source (path and
/// text) and the gate's verdict on it (a preview shows why it is held back).
pub fn advisory_key(site: &Site, context: &Key, a: &Advisory) -> Key {
    // Written out only for a held-back advisory (a few in a preview); the text of the
    // verdict is the same either way.
    let verdict = match site.visibility(a) {
        crate::site::Visibility::Published => std::borrow::Cow::Borrowed("Published"),
        held => std::borrow::Cow::Owned(format!("{held:?}")),
    };
    digest::key(&[context, &a.fingerprint, verdict.as_bytes()])
}

/// Every advisory's key (see [`advisory_key`]) and the key of what all list pages share,
/// made once per build.
pub struct Keys<'m> {
    /// Every advisory's key, found by its address (`Memo::get`): every advisory asked
    /// about is one of the site's, the same allocation as in the memo, and an address is
    /// hashed without reading the id.
    memo: &'m super::derived::Memo,
    /// The advisory context and what decides which advisory is on which list page: every
    /// advisory's id, year, severity and products, in site order (`lists_context`).
    pub lists: Key,
}

/// What the lists' context takes of one advisory: what puts it on a list and in a count
/// (id, year of publication, severity, products).
pub fn lists_part(a: &Advisory) -> Key {
    use std::fmt::Write as _;
    let mut line = String::with_capacity(64);
    // Quoted (`{:?}`): no id can pass for a separator.
    let _ = write!(line, "{:?} {} {:?}", a.id.as_str(), a.year(), a.severity());
    for p in a.products() {
        let _ = write!(line, " {:?}", p.as_str());
    }
    digest::key(&[line.as_bytes()])
}

impl<'m> Keys<'m> {
    /// The keys of `memo` (every advisory's), and the lists' context.
    pub fn new(memo: &'m super::derived::Memo, context: &Key) -> Self {
        Keys {
            memo,
            lists: lists_context(memo, context),
        }
    }

    /// The key of an advisory of the site; `None` for another (what shows it is made again).
    pub fn of(&self, a: &Advisory) -> Option<Key> {
        self.memo.get(a).map(|d| d.key)
    }
}

/// The digest of everything a list page reads besides the cards of the advisories it shows:
/// the advisory context (site.toml, catalog, shared page parts, theme, flags) and, for every
/// advisory in site order, what puts it on a list and in a count ([`lists_part`]: id, year
/// of publication, severity, products). A change to any of them makes every list page
/// again; a change that only alters an advisory's card makes only the pages that show it.
fn lists_context(memo: &super::derived::Memo, context: &Key) -> Key {
    let mut h = digest::Hasher::default();
    h.part(b"lists").part(context);
    for d in memo.all() {
        h.part(&d.lists);
    }
    h.finish()
}

/// The key of one list page: the lists' context, the page's path (which says which list and
/// which page of it) and the key of each advisory whose card it shows, in order; `None` when
/// one of them is not the site's (the page is made again).
pub fn list_page_key<'a>(
    keys: &Keys<'_>,
    path: &str,
    shows: impl IntoIterator<Item = &'a Advisory>,
) -> Option<Key> {
    let cards = cards(keys, shows)?;
    Some(digest::key(&[b"list page", &keys.lists, path.as_bytes(), &cards]))
}

/// The keys of `shown`, one after the other; `None` when one is not the site's.
pub fn cards<'a>(keys: &Keys<'_>, shown: impl IntoIterator<Item = &'a Advisory>) -> Option<Vec<u8>> {
    let mut cards = Vec::new();
    for a in shown {
        cards.extend_from_slice(&keys.of(a)?);
    }
    Some(cards)
}

/// The digest of everything the check of a held-back advisory's CSAF document reads besides
/// the advisory: site.toml (publisher, `raw_html`, …), the full product catalog, the mode and
/// psirt-site's version. No theme: the document has no page.
pub fn held_check_context(site: &Site) -> Key {
    let config = format!("{:?}", site.config);
    let catalog = format!("{:?}", site.full_catalog);
    let preview = [u8::from(site.mode == crate::site::Mode::Preview)];
    digest::key(&[
        b"held-back check",
        env!("CARGO_PKG_VERSION").as_bytes(),
        config.as_bytes(),
        catalog.as_bytes(),
        &preview,
    ])
}

/// The key under which a held-back advisory's CSAF document passed the check: the context,
/// the advisory's source and the gate's verdict on it.
pub fn held_check_key(site: &Site, context: &Key, a: &Advisory) -> Key {
    let verdict = format!("{:?}", site.visibility(a));
    digest::key(&[context, &a.fingerprint, verdict.as_bytes()])
}
