//! Timing the pipeline's stages (for `--timings` and the progress display): wall time, CPU
//! time and memory at the end of each stage.

use std::time::{Duration, Instant};

use crate::sys::{memory_kib, process_cpu};

/// The stages of the pipeline and the steps of `emit`, in the order they finish. A name
/// matched as text could be renamed on one side only; a variant cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Config,
    Discover,
    Parse,
    Assemble,
    Validate,
    Theme,
    /// The steps of `Emit`.
    Lists,
    Advisories,
    Listings,
    Emit,
    Write,
}

impl Stage {
    /// The name `--timings` prints.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Config => "config",
            Stage::Discover => "discover",
            Stage::Parse => "parse",
            Stage::Assemble => "assemble",
            Stage::Validate => "validate",
            Stage::Theme => "theme",
            Stage::Lists => "lists",
            Stage::Advisories => "advisories",
            Stage::Listings => "listings",
            Stage::Emit => "emit",
            Stage::Write => "write",
        }
    }

    /// What the build does once this stage is done, for a progress display.
    pub fn next_work(self) -> &'static str {
        match self {
            Stage::Config => "reading content",
            Stage::Discover => "parsing advisories",
            Stage::Parse => "assembling the site",
            Stage::Assemble => "validating",
            Stage::Validate => "loading the theme",
            Stage::Theme | Stage::Lists | Stage::Advisories | Stage::Listings => {
                "rendering and writing HTML, CSAF, feeds; hashing and signing"
            }
            Stage::Emit => "moving the output into place",
            Stage::Write => "writing the output",
        }
    }
}

/// Receives each pipeline stage as it finishes (for a progress display).
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(Stage) + Send + Sync>>);

impl Progress {
    pub fn new(f: impl Fn(Stage) + Send + Sync + 'static) -> Self {
        Progress(Some(std::sync::Arc::new(f)))
    }

    pub(crate) fn report(&self, stage: Stage) {
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
    pub stage: Stage,
    pub elapsed: Duration,
    /// CPU time of all threads (user and system) during the stage, where the OS tells
    /// (Unix). Near twice `elapsed` on two cores means the stage kept both busy.
    pub cpu: Option<Duration>,
    /// Resident and peak resident memory in KiB, where the OS tells (Linux).
    pub rss_kib: Option<(u64, u64)>,
}

impl StageTiming {
    pub(crate) fn now(stage: Stage, elapsed: Duration, cpu: Option<Duration>) -> Self {
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

    pub(crate) fn lap(&mut self, stage: Stage) {
        let now = Instant::now();
        let cpu = process_cpu();
        let used = cpu.zip(self.cpu_start).map(|(c, s)| c.saturating_sub(s));
        self.timings.push(StageTiming::now(stage, now - self.start, used));
        self.start = now;
        self.cpu_start = cpu;
        self.progress.report(stage);
    }
}
