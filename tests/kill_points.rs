//! A build killed at any point leaves the previous output complete (#18): dozens of
//! SIGKILLs spread over the whole build — before its staging folder exists, after `k` of
//! its files are staged for `k` from one to nearly all, while the new output is swapped in,
//! and at seeded random times — and after each one the output is, file for file, either
//! the previous output (same bytes, same inode, same mtime) or the new one, never a mix.
//!
//! The tests know nothing of how a build stages its files beyond the name of its
//! temporary folders (`.public.*-<pid>` beside the output), and count as staged only the
//! files a build wrote (modified since it started): they hold for a full rebuild into a
//! fresh folder, for one that starts from the spare tree of the last build (`.public.spare`,
//! which is not temporary), and for one that links unchanged files only at the end or
//! writes its cache after the swap.
#![cfg(unix)]

// The one-advisory rebuild, in a file of its own so that this one stays readable.
#[path = "kill_points/one_advisory.rs"]
mod one_advisory;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::common::start_build;
use crate::common::{self, SiteTest};

/// Enough advisories (with long bodies) for a debug build to take a good part of a second,
/// so that kills by file count land where they aim.
const ADVISORIES: usize = 250;

/// Kills that must land while a build runs, for each kind of rebuild.
const MID_BUILD_KILLS: usize = 20;

/// The output's marker file: compared like any other file, except with a clean build in
/// another folder, where it may say where it was written.
const MARKER: &str = ".psirt-site-output";

/// How long one build may take before the test gives up on it.
const BUILD_LIMIT: Duration = Duration::from_secs(120);

/// The version of each advisory of a site: `A` or `B` (the title says which).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Content(Vec<char>);

impl Content {
    fn all(version: char) -> Self {
        Content(vec![version; ADVISORIES])
    }

    fn with(mut self, index: usize, version: char) -> Self {
        self.0[index] = version;
        self
    }
}

fn advisory_text(index: usize, version: char) -> String {
    let id = format!("EX-2026-{index:05}");
    let text = common::advisory(
        &id,
        &format!("{version} advisory {index}"),
        "2026-03-10T09:00:00Z",
    )
    .replace("CVE-2026-40001", &format!("CVE-2026-{:05}", 10000 + index));
    let body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(120);
    format!("{text}\n{body}\n")
}

/// Writes the advisories whose version differs between `from` (what the site holds; `None`
/// for an empty site) and `to`.
fn write_sources(t: &SiteTest, from: Option<&Content>, to: &Content) {
    for (index, version) in to.0.iter().enumerate() {
        if from.is_none_or(|from| from.0[index] != *version) {
            let path = format!("content/advisories/EX-2026-{index:05}.md");
            t.write(&path, &advisory_text(index, *version));
        }
    }
}

fn site_with(content: &Content) -> SiteTest {
    let t = SiteTest::empty();
    write_sources(&t, None, content);
    t
}

/// One file of an output, as a kill before the swap must leave it.
#[derive(Debug, PartialEq, Eq)]
struct FileState {
    bytes: Vec<u8>,
    inode: u64,
    mtime: (i64, i64),
}

/// Every file below a folder (empty when there is none), by relative path.
type Snapshot = BTreeMap<String, FileState>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk the output");
        if entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.path().symlink_metadata().expect("stat");
        let rel = entry.path().strip_prefix(dir).expect("below the output");
        let state = FileState {
            bytes: std::fs::read(entry.path()).expect("read"),
            inode: meta.ino(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
        };
        files.insert(rel.to_string_lossy().into_owned(), state);
    }
    files
}

/// Whether two outputs hold the same paths with the same bytes (the marker aside).
fn same_bytes(a: &Snapshot, b: &Snapshot) -> bool {
    let published = |s: &Snapshot| -> Vec<(String, Vec<u8>)> {
        s.iter()
            .filter(|(path, _)| path.as_str() != MARKER)
            .map(|(path, f)| (path.clone(), f.bytes.clone()))
            .collect()
    };
    published(a) == published(b)
}

/// The first few paths where `found` differs from `expected` by `same`, for a failure
/// message.
fn differences(
    found: &Snapshot,
    expected: &Snapshot,
    same: fn(&FileState, &FileState) -> bool,
) -> Vec<String> {
    let paths: std::collections::BTreeSet<&String> = found.keys().chain(expected.keys()).collect();
    paths
        .into_iter()
        .filter(|path| match (found.get(*path), expected.get(*path)) {
            (Some(a), Some(b)) => !same(a, b),
            _ => true,
        })
        .take(5)
        .cloned()
        .collect()
}

/// The identity of a folder, to see it replaced (`None`: there is none).
fn folder_id(dir: &Path) -> Option<(u64, u64)> {
    std::fs::symlink_metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

/// The temporary folders beside the output (`.public.<what>-<pid>`), or only those of the
/// build `pid`.
fn temporary_folders(root: &Path, pid: Option<u32>) -> Vec<std::path::PathBuf> {
    let is_temporary = |name: &str| {
        let Some((_, id)) = name
            .strip_prefix(".public.")
            .and_then(|rest| rest.rsplit_once('-'))
        else {
            return false;
        };
        match pid {
            Some(pid) => id == pid.to_string(),
            None => !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        }
    };
    std::fs::read_dir(root)
        .expect("read the site root")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|k| k.is_dir()))
        .filter(|e| is_temporary(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect()
}

/// Files the build `pid` wrote into its temporary folders: modified since it started
/// (`since`, a little before its start, as file times come from a coarser clock). Files
/// linked from the previous output or left in a recycled spare tree are older: the spare
/// holds the output a whole build before the last one. `None`: no temporary folder yet.
fn staged_files(root: &Path, pid: u32, since: SystemTime) -> Option<usize> {
    let folders = temporary_folders(root, Some(pid));
    if folders.is_empty() {
        return None;
    }
    let count = folders
        .iter()
        .flat_map(walkdir::WalkDir::new)
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter(|e| {
            e.metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .is_some_and(|t| t >= since)
        })
        .count();
    Some(count)
}

/// When to kill a build.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    /// This long after it started.
    At(Duration),
    /// Once its temporary folders hold this many files, or at the swap if it gets there
    /// first (a build may stage only what changed).
    Files(usize),
    /// As soon as the output folder is replaced.
    Swap,
    /// Never: let it finish.
    Never,
}

/// What became of one build.
#[derive(Debug)]
struct Run {
    /// Killed by the SIGKILL while it ran (rather than ended by itself).
    killed: bool,
    /// From its start to the kill or its end.
    elapsed: Duration,
    /// Files it wrote into its temporary folders (`None`: it had made none).
    staged: Option<usize>,
}

fn run(t: &SiteTest, trigger: Trigger) -> Run {
    let out = t.out();
    let out_before = folder_id(&out);
    let since = SystemTime::now() - Duration::from_millis(20);
    let mut child = start_build(t);
    let pid = child.id();
    let start = Instant::now();
    loop {
        if child.try_wait().expect("poll").is_some() {
            break;
        }
        let fire = match trigger {
            Trigger::At(when) => start.elapsed() >= when,
            Trigger::Files(count) => {
                folder_id(&out) != out_before
                    || staged_files(t.root(), pid, since).is_some_and(|n| n >= count)
            }
            Trigger::Swap => folder_id(&out) != out_before,
            Trigger::Never => false,
        };
        if fire {
            child.kill().expect("kill");
            break;
        }
        if start.elapsed() > BUILD_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build ran for {BUILD_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    let elapsed = start.elapsed();
    let status = child.wait().expect("wait");
    Run {
        killed: status.signal() == Some(libc::SIGKILL),
        elapsed,
        staged: staged_files(t.root(), pid, since),
    }
}

/// Where a build was when it stopped, as its output and temporary folders show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landed {
    /// Killed before it made a temporary folder: nothing written yet.
    BeforeStaging,
    /// Killed with this many files written into its temporary folder, the output not yet
    /// replaced.
    Staging(usize),
    /// Killed after the new output was in place (while cleaning up or writing a cache).
    AfterSwap,
    /// Not killed: it ended first.
    Finished,
}

/// Kills per place they landed.
#[derive(Debug, Default)]
struct Tally {
    before_staging: usize,
    staging: Vec<usize>,
    after_swap: usize,
    finished: usize,
}

impl Tally {
    fn record(&mut self, landed: Landed) {
        match landed {
            Landed::BeforeStaging => self.before_staging += 1,
            Landed::Staging(files) => self.staging.push(files),
            Landed::AfterSwap => self.after_swap += 1,
            Landed::Finished => self.finished += 1,
        }
    }

    fn mid_build(&self) -> usize {
        self.before_staging + self.staging.len() + self.after_swap
    }
}

/// A site rebuilt from each version of its content to the next, round a cycle, with the
/// outputs of clean builds of every version to compare with.
struct Rebuilds {
    t: SiteTest,
    versions: Vec<Content>,
    /// Each version built in a fresh site root.
    clean: Vec<Snapshot>,
    /// The version the output holds.
    shown: usize,
    /// The version the sources hold.
    source: usize,
    tally: Tally,
}

impl Rebuilds {
    /// Builds every version in a fresh root, and the first one in the site the kills use.
    fn new(versions: Vec<Content>) -> Self {
        let clean: Vec<Snapshot> = versions
            .iter()
            .map(|version| {
                let fresh = site_with(version);
                assert!(start_build(&fresh).wait().expect("build").success());
                snapshot(&fresh.out())
            })
            .collect();
        for (v, next) in (0..clean.len()).map(|v| (v, (v + 1) % clean.len())) {
            assert!(
                !same_bytes(&clean[v], &clean[next]),
                "versions {v} and {next} build alike"
            );
        }
        let t = site_with(&versions[0]);
        assert!(start_build(&t).wait().expect("build").success());
        assert!(same_bytes(&snapshot(&t.out()), &clean[0]));
        Rebuilds {
            t,
            versions,
            clean,
            shown: 0,
            source: 0,
            tally: Tally::default(),
        }
    }

    /// Files whose bytes differ between the first two versions (or that one of them
    /// lacks): what a rebuild from one to the other must write.
    fn changed_files(&self) -> usize {
        let (a, b) = (&self.clean[0], &self.clean[1]);
        let differ = |x: &Snapshot, y: &Snapshot| {
            x.iter()
                .filter(|(path, f)| y.get(*path).is_none_or(|g| g.bytes != f.bytes))
                .count()
        };
        differ(a, b) + b.keys().filter(|path| !a.contains_key(*path)).count()
    }

    /// Starts a build of the version after the one the output holds, stops it at `trigger`, and
    /// checks that the output is one version whole: the previous output file for file (a
    /// kill before the swap) or exactly the new one.
    fn rebuild(&mut self, trigger: Trigger) -> (Landed, Run) {
        let target = (self.shown + 1) % self.versions.len();
        if self.source != target {
            write_sources(&self.t, Some(&self.versions[self.source]), &self.versions[target]);
            self.source = target;
        }
        let before = snapshot(&self.t.out());
        let run = run(&self.t, trigger);
        let after = snapshot(&self.t.out());
        let landed = if after == before {
            assert!(
                run.killed,
                "the build ended and left the previous output ({run:?})"
            );
            run.staged.map_or(Landed::BeforeStaging, Landed::Staging)
        } else {
            assert!(
                same_bytes(&after, &self.clean[target]),
                "killed at {trigger:?} ({run:?}): the output is neither the previous one \
                 (other bytes, inode or mtime at {:?}) nor the new one (other bytes at {:?})",
                differences(&after, &before, |a, b| a == b),
                differences(&after, &self.clean[target], |a, b| a.bytes == b.bytes),
            );
            self.shown = target;
            if run.killed {
                Landed::AfterSwap
            } else {
                Landed::Finished
            }
        };
        self.tally.record(landed);
        (landed, run)
    }

    /// A normal build after the kills: it succeeds, leaves no temporary folder, and
    /// publishes what a clean build of the same content in a fresh root does.
    fn finish(mut self) -> Tally {
        let (landed, _) = self.rebuild(Trigger::Never);
        assert_eq!(landed, Landed::Finished);
        let left = temporary_folders(self.t.root(), None);
        assert!(left.is_empty(), "temporary folders left behind: {left:?}");
        assert!(same_bytes(&snapshot(&self.t.out()), &self.clean[self.shown]));
        self.tally
    }
}

/// `count` thresholds spread evenly from 1 to `total - 1`.
fn spread(count: usize, total: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |i| 1 + i * total.saturating_sub(2) / (count - 1))
}

/// Every advisory changes: the staging folder fills with new files. Kills before the
/// staging folder exists, at `k` staged files for `k` spread over the whole output, and
/// at the swap.
#[test]
fn killing_a_full_rebuild_anywhere_leaves_one_whole_output() {
    let mut r = Rebuilds::new(vec![Content::all('A'), Content::all('B')]);
    let files = r.changed_files();

    // The first file staged (the staging folder appears) tells how long the build reads
    // and checks its input; kill a few times within that, sooner when a kill came too late
    // (the machine is shared: a build's pace varies).
    let (_, first) = r.rebuild(Trigger::Files(1));
    let until_staging = first.elapsed;
    for fifth in 1..=4 {
        let mut at = until_staging * fifth / 5;
        for _ in 0..3 {
            if r.rebuild(Trigger::At(at)).0 == Landed::BeforeStaging {
                break;
            }
            at /= 2;
        }
    }
    for k in spread(16, files) {
        r.rebuild(Trigger::Files(k));
    }
    for _ in 0..3 {
        r.rebuild(Trigger::Swap);
    }
    let tally = r.finish();
    eprintln!("full rebuild, {files} files to write, staging after {until_staging:?}: {tally:?}");
    assert!(tally.mid_build() >= MID_BUILD_KILLS, "{tally:?}");
    assert!(
        tally.before_staging >= 2,
        "too few kills before staging: {tally:?}"
    );
    assert!(
        tally.staging.len() >= 12,
        "too few kills while staging: {tally:?}"
    );
    let last = tally.staging.iter().max().copied().unwrap_or(0);
    assert!(
        last >= files / 2,
        "no kill late in staging (at most {last} of {files} files): {tally:?}"
    );
    assert!(tally.after_swap >= 1, "no kill after the swap: {tally:?}");
}
