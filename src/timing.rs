//! Timing the pipeline's stages (for `--timings` and the progress display): wall time, CPU
//! time and memory at the end of each stage.

use std::time::{Duration, Instant};

use crate::sys::{memory_kib, process_cpu};

/// Receives the name of each pipeline stage as it finishes (for a progress display).
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(&'static str) + Send + Sync>>);

impl Progress {
    pub fn new(f: impl Fn(&'static str) + Send + Sync + 'static) -> Self {
        Progress(Some(std::sync::Arc::new(f)))
    }

    pub(crate) fn report(&self, stage: &'static str) {
        if let Some(f) = &self.0 {
            f(stage);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(on)"
        } else {
            "Progress(off)"
        })
    }
}

/// How long a pipeline stage took, and the process's memory when it ended.
#[derive(Debug, Clone, Copy)]
pub struct StageTiming {
    pub stage: &'static str,
    pub elapsed: Duration,
    /// CPU time of all threads (user and system) during the stage, where the OS tells
    /// (Unix). Near twice `elapsed` on two cores means the stage kept both busy.
    pub cpu: Option<Duration>,
    /// Resident and peak resident memory in KiB, where the OS tells (Linux).
    pub rss_kib: Option<(u64, u64)>,
}

impl StageTiming {
    pub(crate) fn now(stage: &'static str, elapsed: Duration, cpu: Option<Duration>) -> Self {
        StageTiming {
            stage,
            elapsed,
            cpu,
            rss_kib: memory_kib(),
        }
    }
}

/// Times stages (and the steps of `emit`): each lap records how long since the last one,
/// with the memory at its end, and reports the stage to the progress display.
pub(crate) struct Timer {
    start: Instant,
    cpu_start: Option<Duration>,
    pub(crate) timings: Vec<StageTiming>,
    progress: Progress,
}

impl Timer {
    pub(crate) fn new(progress: Progress) -> Self {
        Timer {
            start: Instant::now(),
            cpu_start: process_cpu(),
            timings: Vec::new(),
            progress,
        }
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let cpu = process_cpu();
        let used = cpu.zip(self.cpu_start).map(|(c, s)| c.saturating_sub(s));
        self.timings.push(StageTiming::now(stage, now - self.start, used));
        self.start = now;
        self.cpu_start = cpu;
        self.progress.report(stage);
    }
}
