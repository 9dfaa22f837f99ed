//! Watching the site for `serve`: `site.toml` and the source folders, debounced, each
//! batch of relevant changes answered with one rebuild (every stage runs; unchanged
//! advisories and their pages and CSAF files come from the cache, see `pipeline::cache`).
//!
//! Folders are watched recursively rather than single files: editors that save by writing
//! a temporary file and renaming it over the original would otherwise drop the watch.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer,
};

use super::Shared;
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Code, Diagnostic, SourceMap};

/// Source folders below the site root; each is watched once it exists.
const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];

/// Changes closer together than this become one rebuild. An editor's save (a temporary
/// file renamed over the original, or a write and a metadata change) takes a few
/// milliseconds; a longer wait only delays the reload. A save that takes longer costs a
/// second rebuild, not a wrong one: what the watcher reports while a rebuild runs is
/// rebuilt after it (`Cache::note_changes`).
const DEBOUNCE: Duration = Duration::from_millis(20);

/// How often the debouncer looks for changes that have settled: a batch is handed over at
/// most this long after [`DEBOUNCE`] has passed (the default, a quarter of it, would add
/// up to 5 ms).
const TICK: Duration = Duration::from_millis(3);

struct Inner {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Which of [`WATCHED_DIRS`] have a watch.
    watched: [bool; 4],
}

/// Owns the debouncer; the event handler reaches it through the same lock to watch
/// folders created after the start (e.g. a first `templates/`).
pub(super) struct Watcher {
    inner: Arc<Mutex<Option<Inner>>>,
}

fn lock(m: &Mutex<Option<Inner>>) -> MutexGuard<'_, Option<Inner>> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Watcher {
    /// Starts watching `root` (absolute); every relevant change rebuilds `shared`.
    pub(super) fn start(root: &Path, shared: Arc<Shared>) -> Result<Watcher, Diagnostic> {
        let filter = Filter {
            root: root.to_path_buf(),
            output: output_dir(root),
        };
        let holder: Arc<Mutex<Option<Inner>>> = Arc::new(Mutex::new(None));
        let handler = {
            let holder = holder.clone();
            move |result: DebounceEventResult| match result {
                Ok(events) => on_events(&events, &filter, &holder, &shared),
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: file watching: {e}");
                    }
                }
            }
        };
        let debouncer = new_debouncer(DEBOUNCE, Some(TICK), handler)
            .map_err(|e| Diagnostic::error(Code::Io, format!("cannot watch the site for changes: {e}")))?;
        let mut inner = Inner {
            debouncer,
            watched: [false; 4],
        };
        // The root itself only for site.toml (non-recursive: it may hold target/, .git/…).
        inner
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Diagnostic::error(Code::Io, format!("cannot watch {}: {e}", root.display())))?;
        ensure_watches(&mut inner, root);
        *lock(&holder) = Some(inner);
        Ok(Watcher { inner: holder })
    }

    /// Stops watching; waits for a rebuild in progress to finish.
    pub(super) fn stop(self) {
        drop(self);
    }
}

impl Drop for Watcher {
    /// The event handler holds the same `Arc` as `self.inner` while the debouncer inside
    /// holds the handler: taking the debouncer out breaks that cycle, so nothing leaks.
    fn drop(&mut self) {
        // Take it out first: the event thread may need the lock before it can finish.
        let inner = lock(&self.inner).take();
        if let Some(inner) = inner {
            inner.debouncer.stop();
        }
    }
}

fn on_events(events: &[DebouncedEvent], filter: &Filter, holder: &Mutex<Option<Inner>>, shared: &Shared) {
    let Some(first) = events.iter().find(|e| filter.relevant(e)) else {
        return;
    };
    let what = first
        .paths
        .iter()
        .find_map(|p| p.strip_prefix(&filter.root).ok())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "files".to_string());
    eprintln!("changed: {what}; rebuilding");
    // Watch new folders before building, so files written into them meanwhile are seen.
    if let Some(inner) = lock(holder).as_mut() {
        ensure_watches(inner, &filter.root);
    }
    shared.rebuild_after(filter.changed_paths(events));
}

/// Watches every source folder that exists and has no watch yet.
fn ensure_watches(inner: &mut Inner, root: &Path) {
    for (i, dir) in WATCHED_DIRS.iter().enumerate() {
        let path = root.join(dir);
        if inner.watched[i] || !path.is_dir() {
            continue;
        }
        match inner.debouncer.watch(&path, RecursiveMode::Recursive) {
            Ok(()) => inner.watched[i] = true,
            Err(e) => eprintln!(
                "warning: cannot watch {}: {e}; changes there need a restart of serve \
                 (on Linux, raising fs.inotify.max_user_watches may help)",
                path.display()
            ),
        }
    }
}

/// The output folder from site.toml, so a `build` into it never triggers a rebuild.
fn output_dir(root: &Path) -> PathBuf {
    let configured = SiteConfig::load(root, &mut SourceMap::default())
        .map(|l| l.config.output_dir)
        .unwrap_or_else(|_| PathBuf::from("public"));
    crate::source::site_path(root, &configured)
}

/// Decides which file events are worth a rebuild.
struct Filter {
    root: PathBuf,
    output: PathBuf,
}

impl Filter {
    /// Every path the events name below the site root, relative to it, or `None` when
    /// events were lost and anything may have changed.
    fn changed_paths(&self, events: &[DebouncedEvent]) -> Option<Vec<PathBuf>> {
        if events.iter().any(|e| e.need_rescan()) {
            return None;
        }
        let paths = events.iter().flat_map(|e| &e.paths);
        Some(
            paths
                .filter_map(|p| p.strip_prefix(&self.root).ok())
                .map(Path::to_path_buf)
                .collect(),
        )
    }

    fn relevant(&self, event: &DebouncedEvent) -> bool {
        if event.need_rescan() {
            // Events were lost (queue overflow): anything may have changed.
            return true;
        }
        // The build itself opens and reads every source; reacting to that would loop.
        if let EventKind::Access(kind) = event.kind
            && kind != AccessKind::Close(AccessMode::Write)
        {
            return false;
        }
        event.paths.iter().any(|p| self.relevant_path(p))
    }

    fn relevant_path(&self, path: &Path) -> bool {
        if path.starts_with(&self.output) {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [only] if only == CONFIG_FILE => true,
            [first, ..] if WATCHED_DIRS.contains(&first.as_str()) => !parts.iter().any(|p| ignored_name(p)),
            _ => false,
        }
    }
}

/// Hidden files and editors' temporary, swap and backup files.
fn ignored_name(name: &str) -> bool {
    const SUFFIXES: [&str; 7] = ["~", ".swp", ".swo", ".swx", ".tmp", ".kate-swp", ".crswap"];
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#'))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        // Vim creates and deletes this file to test whether it may write in a folder.
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, Event, ModifyKind};

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(PathBuf::from(path)),
            std::time::Instant::now(),
        )
    }

    #[test]
    fn filters_events() {
        let f = Filter {
            root: "/site".into(),
            output: "/site/public".into(),
        };
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let relevant = [
            (write, "/site/site.toml"),
            (write, "/site/content/advisories/2025/A.md"),
            (EventKind::Create(CreateKind::Folder), "/site/templates"),
            (
                EventKind::Remove(notify::event::RemoveKind::File),
                "/site/static/x.css",
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/site/themes/t/base.html",
            ),
        ];
        for (kind, path) in relevant {
            assert!(f.relevant(&event(kind, path)), "{path}");
        }
        let ignored = [
            (
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/site/content/a.md",
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                "/site/site.toml",
            ),
            (write, "/site/README.md"),
            (write, "/site/public/index.html"),
            (write, "/site/content/.a.md.swp"),
            (write, "/site/content/a.md~"),
            (write, "/site/content/.git/x"),
            (write, "/site/content/4913"),
            (write, "/site/content/#a.md#"),
            (write, "/elsewhere/content/a.md"),
        ];
        for (kind, path) in ignored {
            assert!(!f.relevant(&event(kind, path)), "{path}");
        }
    }
}
