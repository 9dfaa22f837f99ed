//! The `psirt-site` binary: parses arguments, calls the library, prints diagnostics and
//! sets the exit code. No logic lives here.

mod cli;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use psirt_site::diag::{self, Code, Diagnostic, Format, SourceMap};
use psirt_site::site::Mode;
use psirt_site::{BuildOptions, Failure, Report};

use cli::{BuildArgs, Cli, Command, Common, MessageFormat, NewCommand, ThemeCommand};

fn format(m: MessageFormat) -> Format {
    match m {
        MessageFormat::Human => Format::Human,
        MessageFormat::Github => Format::Github,
    }
}

fn print_failure(f: &Failure, fmt: Format) -> ExitCode {
    eprint!("{}", diag::render(&f.diagnostics, &f.sources, fmt));
    let errors = f.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "error: {errors} problem{} found",
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

fn print_report(r: &Report, fmt: Format, common: &cli::Common, verb: &str) {
    let quiet = common.quiet;
    if !r.warnings.is_empty() && !quiet {
        eprint!("{}", diag::render(&r.warnings, &r.sources, fmt));
    }
    if quiet {
        return;
    }
    for line in r.held_lines(common.verbose) {
        eprintln!("{line}");
    }
    let total: std::time::Duration = r.timings.iter().map(|t| t.elapsed).sum();
    let out = r
        .output
        .as_ref()
        .map(|o| format!(" into {}", o.display()))
        .unwrap_or_default();
    eprintln!("{verb}: {}{out} in {:.2}s", r.summary(), total.as_secs_f64());
}

/// A spinner naming the pipeline stage, drawn only on a terminal and not with --quiet.
fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar.set_message("reading configuration");
    bar
}

fn progress_of(bar: &indicatif::ProgressBar) -> psirt_site::Progress {
    let bar = bar.clone();
    psirt_site::Progress::new(move |done| {
        let next = done.next_work();
        bar.set_message(next.to_string());
    })
}

fn print_timings(r: &Report) {
    let line = |indent: &str, t: &psirt_site::StageTiming| {
        let memory = t
            .rss_kib
            .map(|(rss, peak)| format!("   rss {:>5} MiB, peak {:>5} MiB", rss / 1024, peak / 1024))
            .unwrap_or_default();
        let cpu = t
            .cpu
            .map(|c| format!("   cpu {:>8.1} ms", c.as_secs_f64() * 1000.0))
            .unwrap_or_default();
        let name = format!("{indent}{}", t.stage.name());
        eprintln!(
            "  {name:<14} {:>8.1} ms{cpu}{memory}",
            t.elapsed.as_secs_f64() * 1000.0
        );
    };
    for t in &r.timings {
        line("", t);
        if t.stage == psirt_site::timing::Stage::Emit {
            r.emit_steps.iter().for_each(|step| line("  ", step));
        }
    }
}

/// A single diagnostic without source text (init, new, serve start-up).
fn print_one(d: Diagnostic) -> ExitCode {
    let failure = Failure {
        diagnostics: vec![d],
        sources: SourceMap::default(),
    };
    print_failure(&failure, Format::Human)
}

fn build(common: Common, args: BuildArgs) -> ExitCode {
    let fmt = format(common.message_format);
    let mode = if args.preview.is_some() {
        Mode::Preview
    } else {
        Mode::Public
    };
    let bar = progress_bar(common.quiet);
    let opts = BuildOptions {
        root: common.root.clone(),
        output: args.preview.or(args.output),
        base_url: args.base_url,
        mode,
        restricted: args.restricted,
        progress: progress_of(&bar),
        release_memory: Some(release_free_memory),
        full: args.full,
        cache_dir: args.cache_dir,
        exit_after: true,
        changed_list: args.changed.clone(),
        ..BuildOptions::default()
    };
    let result = psirt_site::build(&opts);
    bar.finish_and_clear();
    match result {
        Ok(r) => {
            print_report(&r, fmt, &common, "built");
            if args.timings {
                print_timings(&r);
            }
            match args.changed {
                Some(file) => write_changed(&file, &r),
                None => ExitCode::SUCCESS,
            }
        }
        Err(f) => print_failure(&f, fmt),
    }
}

/// `build --changed FILE`: the URL paths the build added, changed or removed, one a line.
fn write_changed(file: &Path, r: &Report) -> ExitCode {
    let urls = r.changes.as_ref().map(|c| c.url_paths()).unwrap_or_default();
    let text: String = urls.iter().map(|u| format!("{u}\n")).collect();
    match write_list(file, text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => print_one(
            Diagnostic::error(Code::Output, format!("cannot write {}: {e}", file.display()))
                .help("the site was built; choose a writable path for --changed and build again"),
        ),
    }
}

/// Writes a list or report the user asked for. A regular file (or a new one) is replaced in one step,
/// where a link leads, so a deploy script never reads half a list; anything else that
/// exists (`/dev/stdout`, a named pipe) is written through, never replaced.
fn write_list(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::metadata(file) {
        Ok(meta) if !meta.is_file() => std::fs::write(file, bytes),
        Ok(_) => psirt_site::source::write_replacing(&std::fs::canonicalize(file)?, |w| {
            std::io::Write::write_all(w, bytes)
        }),
        // A dangling link: its target is made, as the link says.
        Err(_) if file.is_symlink() => std::fs::write(file, bytes),
        Err(_) => psirt_site::source::write_replacing(file, |w| std::io::Write::write_all(w, bytes)),
    }
}

/// `check --provider DIR`: one line per requirement; exit 0 when all pass, 1 otherwise,
/// 2 when the folder holds no built site.
fn check_provider(dir: &Path) -> ExitCode {
    let results = match psirt_site::provider_check::run(dir) {
        Ok(results) => results,
        Err(why) => {
            eprintln!("error: {} {why}", dir.display());
            return ExitCode::from(2);
        }
    };
    for r in &results {
        let mark = if r.passed() { "pass" } else { "FAIL" };
        println!("[{mark}] requirement {:>2}: {}", r.number, r.title);
        for p in &r.problems {
            println!("         - {p}");
        }
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    println!(
        "provider check: {} of {} requirements met",
        results.len() - failed,
        results.len()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `theme eject`: list the built-in templates, or copy them and print each file written.
fn theme_eject(root: &Path, list: bool, names: &[String]) -> ExitCode {
    if list {
        for name in psirt_site::scaffold::template_names() {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    }
    match psirt_site::scaffold::eject(root, names) {
        Ok(paths) => {
            for path in paths {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(f) => print_failure(&f, Format::Human),
    }
}

fn check(common: Common, provider: Option<PathBuf>) -> ExitCode {
    if let Some(dir) = provider {
        return check_provider(&dir);
    }
    let fmt = format(common.message_format);
    let opts = BuildOptions {
        root: common.root.clone(),
        ..BuildOptions::default()
    };
    match psirt_site::check(&opts) {
        Ok(r) => {
            print_report(&r, fmt, &common, "checked");
            ExitCode::SUCCESS
        }
        Err(f) => print_failure(&f, fmt),
    }
}

/// No transparent huge pages for this process. mimalloc asks for them on its arenas, and
/// then each 2 MiB region it touches becomes resident and is zeroed at once: at 10,000
/// advisories that was ~40 MiB more peak memory and a tenth of all CPU time spent zeroing
/// pages (docs/performance.md). Best effort: on failure the build just uses more memory.
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

/// Has mimalloc return the memory it holds but no longer uses to the system. Freed memory
/// otherwise stays with the allocator for reuse, and the next step of a build may need other
/// sizes of allocation: at 10,000 advisories the feeds came on top of the lists' freed
/// ~70 MiB and made the peak (docs/performance.md).
fn release_free_memory() {
    unsafe extern "C" {
        // mimalloc's public API (mimalloc.h); linked in with the global allocator above.
        fn mi_collect(force: bool);
    }
    // SAFETY: mi_collect takes a plain flag and has no preconditions; it only returns free
    // pages of mimalloc's own heaps to the system.
    unsafe { mi_collect(true) }
}

/// For `serve`: mimalloc keeps the memory freed between rebuilds instead of returning it to
/// the system 10 ms later (its `purge_delay`). A rebuild frees the last build's site and
/// cache, and the next, seconds later, needs as much again: taken back from the system page
/// by page, that made a rebuild at 10,000 advisories ~40 % slower (docs/performance.md).
/// `serve` holds two sites' worth at its peak anyway. Left alone when the option is not at
/// mimalloc's default (set through `MIMALLOC_PURGE_DELAY`, or another mimalloc).
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in `mi_option_t` (mimalloc.h; the same in mimalloc 2 and 3,
    /// and the crate builds 3).
    const PURGE_DELAY: i32 = 15;
    const DEFAULT_MS: std::ffi::c_long = 10;
    unsafe extern "C" {
        // mimalloc's public API (mimalloc.h); linked in with the global allocator above.
        fn mi_option_get(option: i32) -> std::ffi::c_long;
        fn mi_option_set(option: i32, value: std::ffi::c_long);
    }
    // SAFETY: both take plain integers; an option number mimalloc does not know is ignored
    // by `mi_option_get`'s bounds check (it returns 0, so nothing is set).
    unsafe {
        if mi_option_get(PURGE_DELAY) == DEFAULT_MS {
            mi_option_set(PURGE_DELAY, -1);
        }
    }
}

/// Imports, prints one line per document (and each value it could not keep), and exits
/// with 1 when any document was refused.
fn import(opts: psirt_site::import::ImportOptions, report_file: Option<PathBuf>) -> ExitCode {
    if let Some(file) = &report_file
        && let Err(why) = psirt_site::import::check_report_file(&opts, file)
    {
        eprintln!(
            "error: refusing to write the report to {}: {why}; nothing was imported\n  = help: pass --report a file outside the documents, the site's sources and its output, such as `import.json`",
            file.display()
        );
        return ExitCode::from(2);
    }
    let report = psirt_site::import::run(&opts);
    let verb = if opts.dry_run { "would write" } else { "wrote" };
    for i in &report.imported {
        let kept = 100.0 * (1.0 - i.lost.len() as f64 / i.leaves.max(1) as f64);
        println!(
            "{verb} {} ({}; {kept:.1} % of its values kept)",
            i.target.display(),
            i.source.display()
        );
        for l in &i.lost {
            println!("    lost {}: {}", l.pointer, l.reason);
        }
    }
    for p in &report.new_products {
        println!(
            "{} product `{}` ({}) to content/products.toml",
            if opts.dry_run { "would add" } else { "added" },
            p.id,
            p.name
        );
    }
    for r in &report.refused {
        eprintln!("error: {}: {}", r.path.display(), r.reason);
    }
    println!(
        "import: {} imported, {} refused, {:.1} % of all values kept",
        report.imported.len(),
        report.refused.len(),
        100.0 * report.retained()
    );
    if let Some(file) = report_file {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        if let Err(e) = write_list(&file, json.as_bytes()) {
            eprintln!("error: cannot write {}: {e}", file.display());
            return ExitCode::from(2);
        }
    }
    if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn main() -> ExitCode {
    // `serve` too: with huge pages its first build at 10,000 advisories took 5.1–5.3 s
    // instead of 3.5 s, for rebuilds within noise of those without (docs/performance.md).
    no_huge_pages();
    match Cli::parse().command {
        Command::Build { common, args } => build(common, args),
        Command::Check { common, provider } => check(common, provider),
        Command::Init { dir } => init(&dir),
        Command::New {
            what:
                NewCommand::Advisory {
                    root,
                    title,
                    cve,
                    product,
                    cwe,
                    cvss,
                },
        } => new_advisory(
            &root,
            &psirt_site::scaffold::NewAdvisory {
                title,
                cve,
                product,
                cwe,
                cvss,
            },
        ),
        Command::Theme {
            what: ThemeCommand::Eject { root, list, names },
        } => theme_eject(&root, list, &names),
        Command::Import {
            root,
            dry_run,
            force,
            report,
            paths,
        } => import(
            psirt_site::import::ImportOptions {
                root,
                inputs: paths,
                dry_run,
                force,
            },
            report,
        ),
        Command::Serve {
            common,
            port,
            open,
            public,
        } => serve(&common.root, port, open, public),
    }
}

fn init(dir: &Path) -> ExitCode {
    match psirt_site::scaffold::init(dir) {
        Ok(()) => {
            let d = dir.display();
            eprintln!(
                "created a new site in {d}; preview it with: cd {d} && psirt-site serve\n\
                 before `psirt-site build` publishes it, replace every [TODO …] placeholder \
                 and the example.com addresses (`psirt-site check` lists them)"
            );
            ExitCode::SUCCESS
        }
        Err(d) => print_one(d),
    }
}

fn new_advisory(root: &Path, fields: &psirt_site::scaffold::NewAdvisory) -> ExitCode {
    match psirt_site::scaffold::new_advisory(root, fields, jiff::Timestamp::now()) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(f) => print_failure(&f, Format::Human),
    }
}

fn serve(root: &Path, port: u16, open: bool, public: bool) -> ExitCode {
    let mode = if public { Mode::Public } else { Mode::Preview };
    keep_freed_memory();
    match psirt_site::serve::run(root, port, open, mode) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => print_one(d),
    }
}
