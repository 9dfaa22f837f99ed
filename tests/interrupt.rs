//! A build killed while writing leaves the previous output intact (or, if the kill came
//! after the swap, the complete new output): never a mix, never a half-written site.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{SiteTest, tree};

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

#[test]
fn killing_a_build_mid_write_keeps_a_complete_output() {
    let bin = env!("CARGO_BIN_EXE_psirt-site");
    let t = big_site(1500, "OLD");
    let run = |t: &SiteTest| {
        Command::new(bin)
            .args(["build", "--quiet", "--root"])
            .arg(t.root())
            .env("SOURCE_DATE_EPOCH", common::NOW.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start build")
    };
    assert!(run(&t).wait().expect("build").success());
    let old = tree(&t.out());

    // Change every advisory, start a second build, and kill it once it is writing.
    let new_site = big_site(1500, "NEW");
    for (path, bytes) in tree(&new_site.root().join("content")) {
        t.write_bytes(&format!("content/{path}"), &bytes);
    }
    let mut child = run(&t);
    let start = Instant::now();
    let mut killed_while_writing = false;
    while start.elapsed() < Duration::from_secs(120) {
        let writing = std::fs::read_dir(t.root())
            .expect("read root")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".public.tmp-"));
        if writing {
            child.kill().expect("kill");
            killed_while_writing = true;
            break;
        }
        if child.try_wait().expect("poll").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    let after = tree(&t.out());
    if killed_while_writing && after == old {
        eprintln!("killed mid-write: previous output intact");
    } else {
        // The kill came too late (after the swap): the output must be the complete new site.
        assert!(
            after.iter().any(
                |(p, b)| p.ends_with("index.html") && String::from_utf8_lossy(b).contains("NEW advisory")
            )
        );
        assert!(
            !after
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains("OLD advisory")),
            "mixed output"
        );
        eprintln!("build finished before the kill; output is the complete new site");
    }
    assert!(
        after == old
            || !after
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains("OLD advisory"))
    );

    // The next build cleans up the killed build's temporary folder.
    assert!(run(&t).wait().expect("build").success());
    let leftovers = std::fs::read_dir(t.root())
        .expect("read root")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public."))
        .count();
    assert_eq!(leftovers, 0, "temporary folders were left behind");
}
