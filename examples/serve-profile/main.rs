//! Times `serve`'s rebuild in-process, stage by stage (a bench aid).
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use psirt_site::pipeline::cache::Cache;
use psirt_site::{BuildOptions, generate_with_cache};

fn main() {
    // As `serve` runs (src/main.rs): no transparent huge pages (THP=1 allows them), and
    // freed memory kept by mimalloc (`mi_option_purge_delay` -1), unless
    // MIMALLOC_PURGE_DELAY says otherwise.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        unsafe extern "C" {
            fn mi_option_set(option: i32, value: std::ffi::c_long);
        }
        // SAFETY: plain integers; 15 is `mi_option_purge_delay` in mimalloc.h.
        unsafe { mi_option_set(15, -1) }
    }
    if std::env::var("THP").is_err() {
        // SAFETY: integer arguments only.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("root"));
    let rel = std::path::PathBuf::from(std::env::args().nth(2).expect("file"));
    let file = root.join(&rel);
    let opts = BuildOptions {
        root: root.clone(),
        base_url: Some("http://127.0.0.1:1".into()),
        live_reload: true,
        // What `serve` shows by default.
        mode: psirt_site::site::Mode::Preview,
        ..BuildOptions::default()
    };
    let mut cache = Cache::default();
    let original = std::fs::read_to_string(&file).expect("read");
    for i in 0..(std::env::var("N").ok().and_then(|n| n.parse().ok()).unwrap_or(7)) {
        // BODY=1 edits the body instead of the title.
        let edited = if std::env::var("BODY").is_ok() {
            format!("{original}\nOne more paragraph.\n")
        } else {
            original.replacen("title = \"", "title = \"X ", 1)
        };
        let text = if i % 2 == 1 { edited } else { original.clone() };
        if i > 0 {
            // SLEEP_MS: idle between edits, as a writer does (`serve-latency.py` waits 1.2 s).
            if let Some(ms) = std::env::var("SLEEP_MS").ok().and_then(|v| v.parse().ok()) {
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            std::fs::write(&file, text).expect("write");
            // What the watcher reports.
            cache.note_changes(Some(vec![rel.clone()]));
        }
        let t = Instant::now();
        let mut built = generate_with_cache(&opts, &cache).unwrap_or_else(|f| {
            let text = psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default());
            panic!("build {i} failed:\n{text}")
        });
        let gen_t = t.elapsed();
        let records = std::mem::take(&mut built.records);
        let t2 = Instant::now();
        let made = built.files.len();
        let map = cache.next_output(built.files, built.kept);
        let t3 = Instant::now();
        cache = Cache::in_memory(records, map);
        cache.watched_from_now();
        let t4 = Instant::now();
        drop(built.site);
        let t5 = Instant::now();
        let stages: Vec<String> = built
            .report
            .timings
            .iter()
            .chain(&built.report.emit_steps)
            .map(|s| {
                format!(
                    "{}={:.0}/{:.0}",
                    s.stage.name(),
                    s.elapsed.as_secs_f64() * 1000.0,
                    s.cpu.unwrap_or_default().as_secs_f64() * 1000.0
                )
            })
            .collect();
        eprintln!(
            "build {i}: gen {:.0} ms (made {made}), map {:.0}, cache {:.0}, drop site {:.0}; {}",
            gen_t.as_secs_f64() * 1000.0,
            (t3 - t2).as_secs_f64() * 1000.0,
            (t4 - t3).as_secs_f64() * 1000.0,
            (t5 - t4).as_secs_f64() * 1000.0,
            stages.join(" ")
        );
    }
    std::fs::write(&file, original).expect("restore");
}
