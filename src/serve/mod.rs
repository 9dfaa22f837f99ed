//! `serve`: build the site in memory, serve it on 127.0.0.1, rebuild on every change.
//!
//! Nothing is written to disk: every build is held as a map from output path to bytes and
//! swapped in whole, so a request sees either the old site or the new one, never a mix.
//! A failed build keeps the last good site online and adds an error overlay to its HTML.
//! The threads are fixed: one accepting requests, `pool::WORKERS` answering them, the file
//! watcher's (which also runs the rebuilds, one at a time), and at most [`MAX_POLLS`] parked
//! live-reload requests; tiny_http adds one per open connection to read its requests.
//! Only loopback host names are answered and the preview sends no CORS header (`guard`).
//! Rebuilds reuse the last good build's unchanged work (`pipeline::cache`).

mod guard;
mod http;
mod livereload;
mod pool;
mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::diag::{self, Code, Diagnostic, Format};
use crate::site::Mode;
use crate::{BuildOptions, Built, Failure};

/// How long a live-reload request is held before it is answered with 204.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);

/// Parked live-reload requests beyond this many get 503 (the page retries after 1 s), so a
/// runaway tab cannot make the server spawn threads without limit.
pub const MAX_POLLS: usize = 64;

/// A send to a client that accepts no data for this long fails and the connection is
/// dropped, so a client that stops reading frees its worker.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What to serve and how; [`ServeOptions::new`] gives the defaults of `psirt-site serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    pub mode: Mode,
    pub poll_timeout: Duration,
    /// See [`WRITE_TIMEOUT`].
    pub write_timeout: Duration,
}

impl ServeOptions {
    pub fn new(root: &Path, addr: SocketAddr, mode: Mode) -> Self {
        ServeOptions {
            root: root.to_path_buf(),
            addr,
            mode,
            poll_timeout: POLL_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
        }
    }
}

/// One build's output: output path (`/`-separated, no leading slash) → bytes.
#[derive(Debug, Default)]
struct Files {
    /// Shared with the cache of the next rebuild, which reuses unchanged files from it (and
    /// the bytes of each kept file with the next build's map).
    map: crate::pipeline::cache::Output,
    /// False until the first build succeeds: then there is no site to fall back on.
    good: bool,
}

#[derive(Debug)]
struct State {
    /// Bumped after every build, good or failed, so open pages reload either way.
    version: u64,
    site: Arc<Files>,
    /// The rendered diagnostics of the last build, if it failed.
    error: Option<Arc<str>>,
    stopping: bool,
}

/// What the request, watcher and poll threads share.
struct Shared {
    state: Mutex<State>,
    /// Signalled on every new version and on shutdown; parked long-polls wait on it.
    changed: Condvar,
    build: BuildOptions,
    poll_timeout: Duration,
    polls: AtomicUsize,
    /// The port listened on, which a request's `Host` must name (if it names one).
    port: u16,
    /// Whether a refused request was reported in the terminal (only the first one is).
    refusal_reported: AtomicBool,
    /// What the last good build made that the next may reuse (pages and CSAF signatures
    /// whose inputs did not change); only the rebuilding thread touches it.
    cache: Mutex<crate::pipeline::cache::Cache>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the state consistent (every write is a
        // single assignment), so keep serving rather than poisoning every later request.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one build and publishes the result; called by one thread at a time. Every
    /// stage runs again, but advisories, pages and CSAF signatures whose inputs are
    /// unchanged are taken from the previous good build (`cache`).
    fn rebuild(&self) {
        self.rebuild_after(None);
    }

    /// As [`Shared::rebuild`], told which paths changed (`None`: anything may have), so
    /// that only those source files are read again.
    fn rebuild_after(&self, changed: Option<Vec<PathBuf>>) {
        let start = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let rebuilt = self.build_after(&mut cache, changed);
        self.publish(rebuilt, cache, start);
    }

    /// Builds with `cache`, after noting `changed` in it, without publishing: the watcher
    /// drops a build that files changed under (the notes stay in the cache, and add up
    /// with the next ones).
    fn build_after(
        &self,
        cache: &mut crate::pipeline::cache::Cache,
        changed: Option<Vec<PathBuf>>,
    ) -> Rebuilt {
        cache.note_changes(changed);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::generate_with_cache(&self.build, cache)
        }));
        let result = result.unwrap_or_else(|_| {
            Err(Failure {
                diagnostics: vec![Diagnostic::error(
                    Code::Io,
                    "internal error: the build panicked (see above)",
                )],
                sources: diag::SourceMap::default(),
            })
        });
        match result {
            Ok(mut built) => {
                let records = std::mem::take(&mut built.records);
                let (files, summary, site) = report_success(built, cache);
                Rebuilt::Good(Box::new(Good {
                    files: Arc::new(files),
                    records,
                    summary,
                    site,
                }))
            }
            Err(failure) => Rebuilt::Failed(failure),
        }
    }

    /// Publishes a build of [`Shared::build_after`] (`start`: when the rebuild began) and,
    /// when it succeeded, makes the next build's cache of it in `cache`.
    fn publish(
        &self,
        rebuilt: Rebuilt,
        mut cache: MutexGuard<'_, crate::pipeline::cache::Cache>,
        start: Instant,
    ) {
        // Printed before the lock is taken: requests wait for it.
        let error = match &rebuilt {
            Rebuilt::Failed(failure) => Some(report_failure(failure)),
            Rebuilt::Good(_) => None,
        };
        let mut state = self.lock();
        state.error = error;
        let next = match rebuilt {
            Rebuilt::Good(good) => {
                let Good {
                    files,
                    records,
                    summary,
                    site,
                } = *good;
                let map = files.map.clone();
                state.site = files;
                Some((records, map, summary, site))
            }
            Rebuilt::Failed(_) => None,
        };
        state.version += 1;
        drop(state);
        self.changed.notify_all();
        // Published: the time a reader waits ends here. The next build's cache is made
        // after (the watcher waits for this lock), and the last one freed after that.
        if let Some((records, map, summary, site)) = next {
            eprintln!("built: {summary} in {:.2}s", start.elapsed().as_secs_f64());
            let mut next = crate::pipeline::cache::Cache::in_memory(records, map);
            // The watcher started before this build read anything (`Server::start`), so
            // every change since is reported to the next rebuild.
            next.watched_from_now();
            let last = std::mem::replace(&mut *cache, next);
            drop(cache);
            drop(last);
            drop(site);
        }
    }
}

/// A build not yet published.
enum Rebuilt {
    Good(Box<Good>),
    Failed(Failure),
}

/// A good build: what to serve, and what the next build's cache is made of.
struct Good {
    files: Arc<Files>,
    records: crate::pipeline::cache::Records,
    summary: String,
    /// Freed once the files are published (10,000 advisories' reference counts).
    site: crate::site::Site,
}

/// Prints the warnings; returns the files to serve (those made, and those kept, whose
/// bytes are shared with the output `cache` holds), the one-line summary to print once
/// they are, and the site, to be freed once they are (10,000 advisories' reference counts).
fn report_success(built: Built, cache: &crate::pipeline::cache::Cache) -> (Files, String, crate::site::Site) {
    let report = &built.report;
    if !report.warnings.is_empty() {
        eprint!(
            "{}",
            diag::render(&report.warnings, &report.sources, Format::Human)
        );
    }
    let shown = match built.site.mode {
        crate::site::Mode::Preview if !report.held_back.is_empty() => " (held-back ones shown as previews)",
        _ => "",
    };
    let summary = format!("{}{shown}", report.summary());
    let map = cache.next_output(built.files, built.kept);
    (Files { map, good: true }, summary, built.site)
}

/// Prints the diagnostics and returns them as text for the browser overlay.
fn report_failure(failure: &Failure) -> Arc<str> {
    let text = diag::render(&failure.diagnostics, &failure.sources, Format::Human);
    eprint!("{text}");
    let errors = failure.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "build failed ({errors} error{}); still serving the last good build",
        if errors == 1 { "" } else { "s" }
    );
    Arc::from(text)
}

/// A running dev server. Dropping it stops it too; [`Server::stop`] says so explicitly.
pub struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop_accepting: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    watcher: Option<watch::Watcher>,
}

impl Server {
    /// Builds the site, starts watching it and serving it on 127.0.0.1 at `addr`.
    pub fn start(root: &Path, addr: SocketAddr, mode: Mode) -> Result<Server, Diagnostic> {
        Server::start_with(ServeOptions::new(root, addr, mode))
    }

    pub fn start_with(opts: ServeOptions) -> Result<Server, Diagnostic> {
        let root = site_root(&opts.root)?;
        let http = pool::listen(opts.addr, opts.write_timeout).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot listen on {}: {e}", opts.addr)).help(
                "another program may use this port; choose another with --port, or --port 0 for a free one",
            )
        })?;
        let addr = http.server_addr().to_ip().unwrap_or(opts.addr);
        let build = BuildOptions {
            root: root.clone(),
            // The port is known only now (port 0), and links must point back at this server.
            base_url: Some(format!("http://{addr}")),
            mode: opts.mode,
            live_reload: true,
            ..BuildOptions::default()
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                version: 0,
                site: Arc::default(),
                error: None,
                stopping: false,
            }),
            changed: Condvar::new(),
            build,
            poll_timeout: opts.poll_timeout,
            polls: AtomicUsize::new(0),
            port: addr.port(),
            refusal_reported: AtomicBool::new(false),
            cache: Mutex::default(),
        });
        // Watching first: a change while the first build runs is reported to the next.
        let watcher = watch::Watcher::start(&root, shared.clone())?;
        shared.rebuild();
        let thread_error =
            |e: std::io::Error| Diagnostic::error(Code::Io, format!("cannot start the server threads: {e}"));
        let workers = pool::Workers::start(&shared).map_err(thread_error)?;
        let stop_accepting = Arc::new(AtomicBool::new(false));
        let accept = {
            let stop = stop_accepting.clone();
            std::thread::Builder::new()
                .name("psirt-serve-http".into())
                .spawn(move || {
                    pool::accept_loop(&http, &workers, &stop);
                    // Close the port first; requests being answered do not need it.
                    drop(http);
                    workers.finish(Duration::from_secs(2));
                })
                .map_err(thread_error)?
        };
        Ok(Server {
            shared,
            addr,
            stop_accepting,
            accept: Some(accept),
            watcher: Some(watcher),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The build number: 1 after the first build, one more after each rebuild.
    pub fn version(&self) -> u64 {
        self.shared.lock().version
    }

    /// The rendered diagnostics of the last build if it failed, as printed to the terminal.
    pub fn last_error(&self) -> Option<String> {
        self.shared.lock().error.as_deref().map(str::to_string)
    }

    /// Rebuilds now, as if a file had changed (blocks until the build is published).
    pub fn rebuild(&self) {
        self.shared.rebuild();
    }

    /// Stops watching and serving; parked live-reload requests are answered with 204.
    pub fn stop(self) {
        drop(self);
    }

    fn shutdown(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
        self.shared.lock().stopping = true;
        self.shared.changed.notify_all();
        self.stop_accepting.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
            wait_until_closed(self.addr);
        }
        // Parked polls wake on the notify above and answer at once; wait for them briefly
        // so their sockets are closed before `stop` returns.
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.shared.polls.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// tiny_http closes its listening socket on a thread of its own after its server is dropped
/// (it connects to itself to wake that thread). Waits, briefly, until the port refuses
/// connections, so that the port is free when [`Server::stop`] returns, even on a busy machine.
fn wait_until_closed(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(_) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return,
        }
    }
}

/// The site root as an absolute path (watch events carry absolute paths).
fn site_root(root: &Path) -> Result<PathBuf, Diagnostic> {
    let abs = root.canonicalize().map_err(|e| {
        Diagnostic::error(
            Code::Io,
            format!("cannot open the site root {}: {e}", root.display()),
        )
        .help("pass the folder that holds site.toml with --root")
    })?;
    if !abs.join(crate::config::CONFIG_FILE).is_file() {
        return Err(
            Diagnostic::error(Code::Config, format!("no site.toml in {}", abs.display()))
                .help("run serve inside a site, pass --root, or create a site with `psirt-site init DIR`"),
        );
    }
    Ok(abs)
}

/// `psirt-site serve`: serves until Ctrl-C.
pub fn run(root: &Path, port: u16, open: bool, mode: Mode) -> Result<(), Diagnostic> {
    let server = Server::start(root, SocketAddr::from(([127, 0, 0, 1], port)), mode)?;
    let url = format!("{}/", server.url());
    let what = match mode {
        Mode::Preview => "preview: drafts, embargoed and non-CLEAR TLP advisories included",
        Mode::Public => "public: only what `build` would publish",
    };
    println!("serving {url} ({what}); press Ctrl-C to stop");
    if open {
        open_browser(&url);
    }
    signal::install();
    while !signal::requested() {
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("stopping");
    server.stop();
    Ok(())
}

/// Opens `url` in the default browser; failure is not an error (the URL is printed).
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        // `start` takes the first quoted argument as a window title, hence the empty one.
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Ok(mut child) = cmd.spawn() {
        // Reap the launcher so it does not linger as a zombie; it exits quickly.
        let _ = std::thread::Builder::new()
            .name("psirt-serve-open".into())
            .spawn(move || child.wait());
    }
}

/// Ctrl-C: the first one asks for a clean shutdown, a second one ends the process at once.
mod signal {
    use std::sync::atomic::{AtomicBool, Ordering};

    static REQUESTED: AtomicBool = AtomicBool::new(false);

    pub(super) fn requested() -> bool {
        REQUESTED.load(Ordering::SeqCst)
    }

    #[cfg(unix)]
    extern "C" fn on_signal(_: libc::c_int) {
        REQUESTED.store(true, Ordering::SeqCst);
        // SAFETY: signal() is async-signal-safe; restoring the default action lets a
        // second Ctrl-C kill the process if the clean shutdown hangs.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
        }
    }

    #[cfg(unix)]
    pub(super) fn install() {
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: the handler only stores to an atomic and calls signal(), both
        // async-signal-safe.
        unsafe {
            libc::signal(libc::SIGINT, handler);
            libc::signal(libc::SIGTERM, handler);
        }
    }

    /// Elsewhere Ctrl-C ends the process with the default action; nothing is on disk to
    /// clean up, so that is clean enough.
    #[cfg(not(unix))]
    pub(super) fn install() {}
}
