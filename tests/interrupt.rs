//! A build killed while writing leaves the previous output intact, and the test proves
//! that the kill came in the middle of the write: the build's staging folder held some but
//! not all of the new site's files, and was never swapped in.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::start_build;
use crate::common::{self, SiteTest, tree};

fn big_site(count: usize, marker: &str) -> SiteTest {
    let t = SiteTest::empty();
    let body = format!(
        "\n{}\n",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(120)
    );
    for i in 0..count {
        let id = format!("EX-2026-{i:05}");
        let text = common::advisory(&id, &format!("{marker} advisory {i}"), "2026-03-10T09:00:00Z")
            .replace("CVE-2026-40001", &format!("CVE-2026-{:05}", 10000 + i));
        t.write(&format!("content/advisories/{id}.md"), &format!("{text}{body}"));
    }
    t
}

/// Advisory pages a build has written into `staging` so far.
fn pages_written(staging: &Path) -> usize {
    std::fs::read_dir(staging.join("advisories"))
        .map(|dir| {
            dir.flatten()
                .filter(|e| e.path().join("index.html").is_file())
                .count()
        })
        .unwrap_or(0)
}

/// Kills the build once its staging folder holds some advisory pages. True when it was
/// killed there; false when the build ended first (too fast to catch).
fn kill_while_writing(child: &mut Child, staging: &Path) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if pages_written(staging) > 0 {
            child.kill().expect("kill");
            break;
        }
        if child.try_wait().expect("poll").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let status = child.wait().expect("wait");
    // Killed by the signal, not ended by itself: the kill landed while the build ran.
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        status.signal() == Some(libc::SIGKILL)
    }
    #[cfg(not(unix))]
    !status.success()
}

#[test]
fn killing_a_build_mid_write_keeps_a_complete_output() {
    const COUNT: usize = 1500;
    // A fast machine could finish the write between two polls: try a few times.
    for attempt in 1..=3 {
        let t = big_site(COUNT, "OLD");
        assert!(start_build(&t).wait().expect("build").success());
        let old = tree(&t.out());

        // Change every advisory, start a second build, and kill it while it writes.
        let new_site = big_site(COUNT, "NEW");
        for (path, bytes) in tree(&new_site.root().join("content")) {
            t.write_bytes(&format!("content/{path}"), &bytes);
        }
        let mut child = start_build(&t);
        let staging = t.root().join(format!(".public.tmp-{}", child.id()));
        if !kill_while_writing(&mut child, &staging) {
            eprintln!("attempt {attempt}: the build ended before the kill; again");
            continue;
        }

        // The kill came in the middle: the staging folder is still there (never swapped
        // in) with some, not all, of the new pages, and the output is the old site.
        let written = pages_written(&staging);
        assert!(staging.is_dir(), "the staging folder was swapped in");
        assert!(
            written > 0 && written < COUNT,
            "{written} of {COUNT} pages written when killed"
        );
        let staged = tree(&staging);
        assert!(
            staged
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains("NEW advisory")),
            "the staging folder holds the new site"
        );
        assert!(staged.len() < old.len(), "the staging folder was complete");
        assert!(tree(&t.out()) == old, "the previous output changed");
        eprintln!("killed with {written} of {COUNT} pages written: previous output intact");

        // The next build cleans up the killed build's staging folder and publishes (the
        // replaced output is kept as `.public.spare` for the build after).
        assert!(start_build(&t).wait().expect("build").success());
        let leftovers = std::fs::read_dir(t.root())
            .expect("read root")
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(".public.") && name != ".public.spare"
            })
            .count();
        assert_eq!(leftovers, 0, "temporary folders were left behind");
        return;
    }
    panic!("in 3 attempts, every build ended before it could be killed while writing");
}

/// Tries to take the output's lock the way a second build would (an open file description
/// of its own, so the answer does not depend on process ids or namespaces). `None`: no
/// lock file.
#[cfg(unix)]
fn lock_is_held(lock_file: &std::path::Path) -> Option<bool> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().read(true).open(lock_file).ok()?;
    // SAFETY: flock on a file descriptor this function owns; it is closed on return.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    Some(rc != 0)
}

/// Holds the lock a build of `out` takes, from an open file description of its own.
#[cfg(unix)]
fn hold_lock(lock_file: &std::path::Path) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::create(lock_file).expect("create lock file");
    // SAFETY: flock on a file descriptor owned by `file`, which the caller keeps open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    assert_eq!(rc, 0, "lock taken");
    file
}

/// A build that is writing holds the output's lock (a second build, even in another PID
/// namespace, cannot take it and touch its staging folder); it releases it when done (#13).
#[cfg(unix)]
#[test]
fn a_writing_build_holds_the_output_lock() {
    let bin = env!("CARGO_BIN_EXE_psirt-site");
    let t = big_site(1500, "NEW");
    let mut child = Command::new(bin)
        .args(["build", "--quiet", "--root"])
        .arg(t.root())
        .env("SOURCE_DATE_EPOCH", common::NOW.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start build");
    let lock_file = t.root().join(".public.lock");
    let (mut saw_staging, mut saw_locked) = (false, false);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) && child.try_wait().expect("poll").is_none() {
        let staging = std::fs::read_dir(t.root())
            .expect("read root")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".public.tmp-"));
        if staging {
            saw_staging = true;
            if lock_is_held(&lock_file) == Some(true) {
                saw_locked = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(child.wait().expect("build").success());
    assert!(
        saw_locked || !saw_staging,
        "the staging folder existed while nobody held {}",
        lock_file.display()
    );
    assert_ne!(
        lock_is_held(&lock_file),
        Some(true),
        "lock still held after the build"
    );
    assert!(t.out().join("advisories/EX-2026-01499/index.html").is_file());
}

/// A second build of the same output fails at once, with an `output` diagnostic naming
/// the lock, and leaves the output as it was (#13).
#[cfg(unix)]
#[test]
fn a_build_fails_while_another_holds_the_output_lock() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    t.write(
        "content/advisories/EX-2026-0001.md",
        &common::advisory("EX-2026-0001", "Changed title", "2026-03-10T09:00:00Z"),
    );
    let held = hold_lock(&t.root().join(".public.lock"));
    let failure = t.build().expect_err("the output is locked");
    let d = failure
        .diagnostics
        .iter()
        .find(|d| d.code == psirt_site::diag::Code::Output)
        .unwrap_or_else(|| panic!("{:?}", failure.diagnostics));
    assert!(d.message.contains(".public.lock"), "{d:?}");
    assert!(d.help.is_some());
    assert_eq!(before, tree(&t.out()));
    drop(held);
    t.build().expect("the lock was released");
    assert_ne!(before, tree(&t.out()));
}

/// Removes every staging folder of `public` in `root` (what a second build that took the
/// first one's staging folder for a leftover used to do).
fn remove_staging(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut removed = Vec::new();
    for e in std::fs::read_dir(root).expect("read root").flatten() {
        if e.file_name().to_string_lossy().starts_with(".public.tmp-") {
            std::fs::remove_dir_all(e.path()).expect("remove staging");
            removed.push(e.path());
        }
    }
    assert!(!removed.is_empty(), "no staging folder to remove");
    removed
}

/// A build whose staging folder is deleted under it fails (it never recreates the folder
/// and publishes half a site), and the previous output stays (#13).
#[test]
fn a_build_whose_staging_folder_vanishes_fails() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    t.write(
        "content/advisories/EX-2026-0001.md",
        &common::advisory("EX-2026-0001", "Changed title", "2026-03-10T09:00:00Z"),
    );
    let root = t.root().to_path_buf();
    let mut opts = t.options();
    opts.progress = psirt_site::Progress::new(move |stage| {
        if stage == psirt_site::timing::Stage::Theme {
            remove_staging(&root);
        }
    });
    let failure = psirt_site::build(&opts).expect_err("the staging folder vanished");
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.code == psirt_site::diag::Code::Output && d.help.is_some()),
        "{:?}",
        failure.diagnostics
    );
    assert_eq!(before, tree(&t.out()));
}

/// A staging folder replaced by another one of the same name (with a marker, as another
/// build would make it) is not swapped in: the build checks the folder it created (#13).
#[test]
fn a_build_whose_staging_folder_is_replaced_fails() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    t.write(
        "content/advisories/EX-2026-0001.md",
        &common::advisory("EX-2026-0001", "Changed title", "2026-03-10T09:00:00Z"),
    );
    let root = t.root().to_path_buf();
    let mut opts = t.options();
    opts.progress = psirt_site::Progress::new(move |stage| {
        if stage == psirt_site::timing::Stage::Emit {
            for dir in remove_staging(&root) {
                std::fs::create_dir(&dir).expect("mkdir");
                std::fs::write(dir.join(".psirt-site-output"), "Written by psirt-site.\n").expect("marker");
                std::fs::write(dir.join("index.html"), "half a site").expect("write");
            }
        }
    });
    let failure = psirt_site::build(&opts).expect_err("the staging folder was replaced");
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.code == psirt_site::diag::Code::Output && d.help.is_some()),
        "{:?}",
        failure.diagnostics
    );
    assert_eq!(before, tree(&t.out()));
    // The replacement is someone else's; the next build, holding the lock, may clear it.
    t.build().expect("next build");
    assert_ne!(before, tree(&t.out()));
}
