//! Watching the site for `serve`: `site.toml` and the source folders, each batch of
//! relevant changes answered with one rebuild (every stage runs; unchanged advisories and
//! their pages and CSAF files come from the cache, see `pipeline::cache`), published once
//! the files have been quiet for a while ([`QUIET`]) and did not change while it ran.
//!
//! Folders are watched recursively rather than single files: editors that save by writing
//! a temporary file and renaming it over the original would otherwise drop the watch.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::Shared;
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Code, Diagnostic, SourceMap};

/// Source folders below the site root; each is watched once it exists.
const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];

/// A rebuild is published only once no change has come for this long, and none came while
/// it ran: an editor's save (a temporary file renamed over the original, or a write and a
/// metadata change) takes a few milliseconds. The rebuild does not wait for it: it starts
/// once a save's burst of events is over ([`SETTLE`]) and runs while the quiet is awaited,
/// so the reader waits for the longer of the two, not for both. A build that a change came
/// during is dropped and made again with it.
const QUIET: Duration = Duration::from_millis(20);

/// The events of one save come together; a rebuild starts once none has come for this
/// long.
const SETTLE: Duration = Duration::from_millis(3);

struct Inner {
    watcher: RecommendedWatcher,
    /// Which of [`WATCHED_DIRS`] have a watch.
    watched: [bool; 4],
}

/// Owns the file watcher and the thread that rebuilds on its events; that thread reaches
/// the watcher through the same lock to watch folders created after the start (e.g. a
/// first `templates/`).
pub(super) struct Watcher {
    inner: Arc<Mutex<Option<Inner>>>,
    thread: Option<JoinHandle<()>>,
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
        let (events, received) = std::sync::mpsc::channel();
        let cannot_watch =
            |e: notify::Error| Diagnostic::error(Code::Io, format!("cannot watch the site for changes: {e}"));
        let watcher = notify::recommended_watcher(events).map_err(cannot_watch)?;
        let mut inner = Inner {
            watcher,
            watched: [false; 4],
        };
        // The root itself only for site.toml (non-recursive: it may hold target/, .git/…).
        inner
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Diagnostic::error(Code::Io, format!("cannot watch {}: {e}", root.display())))?;
        ensure_watches(&mut inner, root);
        let holder = Arc::new(Mutex::new(Some(inner)));
        let thread = {
            let holder = holder.clone();
            std::thread::Builder::new()
                .name("psirt-serve-watch".into())
                .spawn(move || rebuild_on_changes(&received, &filter, &holder, &shared))
                .map_err(|e| Diagnostic::error(Code::Io, format!("cannot start the watcher thread: {e}")))?
        };
        Ok(Watcher {
            inner: holder,
            thread: Some(thread),
        })
    }

    /// Stops watching; waits for a rebuild in progress to finish.
    pub(super) fn stop(self) {
        drop(self);
    }
}

impl Drop for Watcher {
    /// Dropping the file watcher closes the channel its events come through, which ends
    /// the rebuilding thread once a rebuild in progress is done.
    fn drop(&mut self) {
        // Take it out first: the rebuilding thread may need the lock before it can finish.
        let inner = lock(&self.inner).take();
        drop(inner);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The changes of one or more events: which paths, and when the last one came.
#[derive(Default)]
struct Changes {
    /// Relative to the site root; `None` when events were lost and anything may have
    /// changed.
    paths: Option<Vec<PathBuf>>,
    /// The first relevant path, for the terminal.
    first: Option<String>,
    last: Option<Instant>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// Adds `received` if it is a change worth a rebuild.
    fn add(&mut self, received: notify::Result<Event>, filter: &Filter) {
        let event = match received {
            Ok(event) => event,
            Err(e) => {
                eprintln!("warning: file watching: {e}");
                return;
            }
        };
        if !filter.relevant(&event) {
            return;
        }
        if self.last.is_none() {
            self.paths = Some(Vec::new());
            self.first = Some(filter.shown(&event));
        }
        self.last = Some(Instant::now());
        match (&mut self.paths, filter.changed_paths(&event)) {
            (Some(paths), Some(more)) => paths.extend(more),
            (paths, _) => *paths = None,
        }
    }

    /// Adds every event that comes until none has for `quiet` (or the channel closes).
    fn settle(&mut self, received: &Receiver<notify::Result<Event>>, filter: &Filter, quiet: Duration) {
        while let Ok(event) = received.recv_timeout(quiet) {
            self.add(event, filter);
        }
    }

    /// Adds the events that come before `until` (those already waiting too); stops at the
    /// first relevant one.
    fn until(&mut self, received: &Receiver<notify::Result<Event>>, filter: &Filter, until: Instant) {
        while self.is_empty() {
            let wait = until.saturating_duration_since(Instant::now());
            match received.recv_timeout(wait) {
                Ok(event) => self.add(event, filter),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

/// The watcher's thread: waits for a relevant change and rebuilds until the site is
/// published. Ends when the watcher is dropped.
fn rebuild_on_changes(
    received: &Receiver<notify::Result<Event>>,
    filter: &Filter,
    holder: &Mutex<Option<Inner>>,
    shared: &Shared,
) {
    while let Ok(event) = received.recv() {
        let mut changes = Changes::default();
        changes.add(event, filter);
        while !changes.is_empty() {
            changes = rebuild_until_published(changes, received, filter, holder, shared);
        }
    }
}

/// Builds dropped in a row before one is published all the same: files that change more
/// often than a build takes (a tool writing into `content/` for a long time) would
/// otherwise keep the site from ever being rebuilt. What changed meanwhile is built next.
const MAX_DROPPED: usize = 3;

/// Rebuilds for `changes` and publishes the build once [`QUIET`] has passed since the last
/// change and none came while it ran; else builds again, with what changed meanwhile (up
/// to [`MAX_DROPPED`] times). Returns what changed after the published build (often
/// nothing).
fn rebuild_until_published(
    mut changes: Changes,
    received: &Receiver<notify::Result<Event>>,
    filter: &Filter,
    holder: &Mutex<Option<Inner>>,
    shared: &Shared,
) -> Changes {
    let start = Instant::now();
    let mut cache = shared.cache.lock().unwrap_or_else(PoisonError::into_inner);
    let mut dropped = 0;
    loop {
        changes.settle(received, filter, SETTLE);
        let what = changes.first.take().unwrap_or_else(|| "files".to_string());
        eprintln!("changed: {what}; rebuilding");
        // Watch new folders before building, so files written into them meanwhile are seen.
        if let Some(inner) = lock(holder).as_mut() {
            ensure_watches(inner, &filter.root);
        }
        let last = changes.last.unwrap_or_else(Instant::now);
        let rebuilt = shared.build_after(&mut cache, changes.paths.take());
        let mut meanwhile = Changes::default();
        meanwhile.until(received, filter, last + QUIET);
        if meanwhile.is_empty() || dropped >= MAX_DROPPED {
            shared.publish(rebuilt, cache, start);
            return meanwhile;
        }
        // Files changed under the build: it may have read a half-saved file.
        drop(rebuilt);
        dropped += 1;
        changes = meanwhile;
    }
}

/// Watches every source folder that exists and has no watch yet.
fn ensure_watches(inner: &mut Inner, root: &Path) {
    for (i, dir) in WATCHED_DIRS.iter().enumerate() {
        let path = root.join(dir);
        if inner.watched[i] || !path.is_dir() {
            continue;
        }
        match inner.watcher.watch(&path, RecursiveMode::Recursive) {
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
    /// Every path the event names below the site root, relative to it, or `None` when
    /// events were lost and anything may have changed.
    fn changed_paths(&self, event: &Event) -> Option<Vec<PathBuf>> {
        if event.need_rescan() {
            return None;
        }
        Some(
            event
                .paths
                .iter()
                .filter_map(|p| p.strip_prefix(&self.root).ok())
                .map(Path::to_path_buf)
                .collect(),
        )
    }

    /// The event's first path below the site root, for the terminal.
    fn shown(&self, event: &Event) -> String {
        event
            .paths
            .iter()
            .find_map(|p| p.strip_prefix(&self.root).ok())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "files".to_string())
    }

    fn relevant(&self, event: &Event) -> bool {
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
    use notify::event::{CreateKind, DataChange, ModifyKind};

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    fn filter() -> Filter {
        Filter {
            root: "/site".into(),
            output: "/site/public".into(),
        }
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));

    #[test]
    fn a_burst_of_events_is_one_batch_of_changes() {
        let (send, received) = std::sync::mpsc::channel();
        let read = EventKind::Access(AccessKind::Open(AccessMode::Any));
        for (kind, path) in [
            (read, "/site/content/b.md"),
            (WRITE, "/site/content/a.md"),
            (WRITE, "/site/public/index.html"),
            (WRITE, "/site/site.toml"),
        ] {
            send.send(Ok(event(kind, path))).expect("send");
        }
        let mut changes = Changes::default();
        changes.settle(&received, &filter(), SETTLE);
        let want = vec![PathBuf::from("content/a.md"), PathBuf::from("site.toml")];
        assert_eq!(changes.paths, Some(want));
        assert_eq!(changes.first.as_deref(), Some("content/a.md"));
        // Lost events: anything may have changed.
        send.send(Ok(
            event(WRITE, "/site/content/c.md").set_flag(notify::event::Flag::Rescan)
        ))
        .expect("send");
        changes.settle(&received, &filter(), SETTLE);
        assert_eq!(changes.paths, None);
    }

    #[test]
    fn a_change_while_a_build_runs_is_seen_and_others_are_not() {
        let (send, received) = std::sync::mpsc::channel();
        let mut meanwhile = Changes::default();
        // Only the build's own reads: the build may be published once the quiet is over.
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        send.send(Ok(event(read, "/site/content/a.md"))).expect("send");
        let until = Instant::now() + Duration::from_millis(30);
        meanwhile.until(&received, &filter(), until);
        assert!(meanwhile.is_empty());
        assert!(Instant::now() >= until, "the quiet was awaited");
        // A save while it ran (already waiting, the quiet long over): the build is dropped.
        send.send(Ok(event(WRITE, "/site/content/a.md"))).expect("send");
        meanwhile.until(&received, &filter(), Instant::now());
        assert_eq!(meanwhile.paths, Some(vec![PathBuf::from("content/a.md")]));
        // A closed channel (the watcher stopped) ends the wait.
        drop(send);
        let mut after = Changes::default();
        after.until(&received, &filter(), Instant::now() + Duration::from_secs(60));
        assert!(after.is_empty());
    }

    #[test]
    fn filters_events() {
        let (f, write) = (filter(), WRITE);
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
