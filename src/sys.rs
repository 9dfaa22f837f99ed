//! What only the operating system can tell: the process's CPU time and memory, and which
//! file a path is. Every `unsafe` block of the crate is here, each with its safety comment.

use std::time::Duration;

/// CPU time used so far by all threads of this process, user and system.
#[cfg(unix)]
pub(crate) fn process_cpu() -> Option<Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage writes one `rusage` into the pointer, which is valid for that.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: getrusage returned 0, so it filled the struct.
    let usage = unsafe { usage.assume_init() };
    let time = |t: libc::timeval| {
        let secs = u64::try_from(t.tv_sec).unwrap_or(0);
        let micros = u64::try_from(t.tv_usec).unwrap_or(0);
        Duration::from_secs(secs) + Duration::from_micros(micros)
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

#[cfg(not(unix))]
pub(crate) fn process_cpu() -> Option<Duration> {
    None
}

/// `VmRSS` and `VmHWM` of this process, from `/proc/self/status`.
pub(crate) fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// The device and inode number of the file `meta` describes: which file it is, whatever
/// its name. `None` elsewhere than Unix, where no file passes for another by it.
pub(crate) fn file_id(meta: &std::fs::Metadata) -> Option<crate::emit::FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}
