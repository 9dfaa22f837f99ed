//! The spare tree (#18): the output a build replaced, kept beside the output and taken by
//! the next build as its staging folder. Nothing in it is trusted: whatever is done to it,
//! the next build gives exactly the output of a clean build, never writes through it and
//! never touches a folder of that name that is not ours.

use crate::common::{self, SiteTest};
use crate::common::{advisory, tree};
use crate::incremental::{assert_same_tree, build_with, clean_build, clean_build_at, site};
use psirt_site::BuildOptions;

/// Builds `t` twice with an edit in between, so that `.public.spare` exists.
fn with_spare(t: &SiteTest) -> std::path::PathBuf {
    build_with(&t.options());
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited for a spare", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    let spare = t.root().join(".public.spare");
    assert!(
        spare.join(".psirt-site-output").is_file(),
        "the replaced output is kept"
    );
    spare
}

#[test]
fn a_damaged_spare_tree_still_gives_the_output_of_a_clean_build() {
    let t = site();
    let spare = with_spare(&t);
    // Replaced files (never written into: they may be the output's own), an extra file, a
    // folder where a file was, a file where a folder was.
    let page = spare.join("advisories/EX-2026-0001/index.html");
    std::fs::remove_file(&page).expect("remove");
    std::fs::write(&page, "damaged").expect("write");
    std::fs::write(spare.join("extra.html"), "extra").expect("write");
    let sitemap = spare.join("sitemap.xml");
    std::fs::remove_file(&sitemap).expect("remove");
    std::fs::create_dir_all(sitemap.join("x")).expect("mkdir");
    let folder = spare.join("advisories/EX-2025-0003");
    std::fs::remove_dir_all(&folder).expect("remove");
    std::fs::write(&folder, "a file").expect("write");
    let live_before = tree(&t.out());
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited again", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    assert!(live_before.iter().any(|(p, _)| p == "sitemap.xml"));
}

#[test]
fn a_spare_of_another_kind_or_not_ours_is_never_used_or_deleted() {
    let t = site();
    let spare = with_spare(&t);
    // Marked as a preview: never taken for a public build. (Replaced, not written into:
    // the spare's files may be the output's own.)
    std::fs::remove_file(spare.join(".psirt-site-output")).expect("remove");
    std::fs::write(
        spare.join(".psirt-site-output"),
        "# Written by psirt-site. This folder is replaced on every build.\nkind = \"preview\"\n",
    )
    .expect("write");
    std::fs::write(spare.join("draft.html"), "a draft").expect("write");
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited a third time", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    // A folder of that name without the marker is the user's: never touched.
    let foreign = t.root().join(".public.spare");
    std::fs::remove_dir_all(&foreign).expect("remove");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("mine.txt"), "mine").expect("write");
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited a fourth time", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    build_with(&BuildOptions {
        now: Some(jiff::Timestamp::from_second(common::NOW + 60).expect("time")),
        ..t.options()
    });
    assert_eq!(tree(&foreign), vec![("mine.txt".to_string(), b"mine".to_vec())]);
    assert_same_tree(&tree(&t.out()), &clean_build_at(&t, common::NOW + 60));
}

/// A symbolic link put into the spare in place of a folder never leads a build's writes out
/// of the staging folder, and never reaches the output.
#[cfg(unix)]
#[test]
fn a_link_in_the_spare_tree_never_leads_writes_out() {
    let t = site();
    let spare = with_spare(&t);
    let outside = tempfile::tempdir().expect("temp dir");
    let folder = spare.join("advisories/EX-2026-0002");
    std::fs::remove_dir_all(&folder).expect("remove");
    std::os::unix::fs::symlink(outside.path(), &folder).expect("symlink");
    std::os::unix::fs::symlink("/etc/passwd", spare.join("passwd")).expect("symlink");
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited through a link?", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    assert!(tree(outside.path()).is_empty(), "a write went through the link");
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    let links = walkdir::WalkDir::new(t.out())
        .into_iter()
        .flatten()
        .filter(|e| e.path_is_symlink())
        .count();
    assert_eq!(links, 0, "a link reached the output");
}

/// A spare left without its output (the output folder deleted, the spare not) is taken by
/// the next build, which has no previous output: a file with the new bytes and no other
/// name stays (same inode); one with other bytes, another name or write access for
/// everyone is replaced; what the output lacks goes; and no spare is left behind for the
/// build after (which would unlink and link again each of its files).
#[cfg(unix)]
#[test]
fn a_spare_left_without_its_output_is_taken_by_the_next_build() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let t = site();
    let spare = with_spare(&t);
    std::fs::remove_dir_all(t.out()).expect("delete the output");
    let ino = |p: &std::path::Path| std::fs::metadata(p).expect("metadata").ino();
    let robots = ino(&spare.join("robots.txt"));
    let outside = tempfile::tempdir().expect("temp dir");
    let linked = outside.path().join("sitemap.xml");
    std::fs::hard_link(spare.join("sitemap.xml"), &linked).expect("link");
    let linked_bytes = std::fs::read(&linked).expect("read");
    let home = spare.join("index.html");
    std::fs::remove_file(&home).expect("remove");
    std::fs::write(&home, "damaged").expect("write");
    let open = spare.join("404.html");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let open_ino = ino(&open);
    // Held open, its inode cannot be freed and given to the file that replaces it.
    let _held = std::fs::File::open(&open).expect("open");
    std::fs::write(spare.join("extra.html"), "extra").expect("write");

    let report = build_with(&t.options());

    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    assert!(!spare.exists(), "the spare is the output now");
    assert_eq!(
        ino(&t.out().join("robots.txt")),
        robots,
        "an unchanged file stays"
    );
    assert_ne!(
        ino(&t.out().join("sitemap.xml")),
        ino(&linked),
        "a file with another name is replaced"
    );
    assert_eq!(
        std::fs::read(&linked).expect("read"),
        linked_bytes,
        "and never written into"
    );
    assert_ne!(
        ino(&t.out().join("404.html")),
        open_ino,
        "a file everyone may write is replaced"
    );
    let changes = report.changes.expect("changes");
    assert!(
        changes.removed.is_empty() && changes.changed.is_empty(),
        "{changes:?}"
    );
    assert_eq!(
        changes.added.len(),
        tree(&t.out()).len() - 1,
        "every file is new to the output (all but the marker)"
    );
}
