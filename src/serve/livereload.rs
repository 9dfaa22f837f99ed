//! The live-reload long-poll: `GET /__livereload?since=N`, which the theme's script (and the
//! error page) send to learn of the next build. Held requests wait on threads of their own,
//! never on a worker of the pool, so open tabs cannot take the workers.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use tiny_http::{Request, Response};

use super::http::{Resp, header, send, text_response, with_common};
use super::{MAX_POLLS, Shared};

/// `GET /__livereload?since=N`: answers at once when the version differs from `N` (the
/// first request sends 0), else parks the request in its own thread until the next build
/// or the poll timeout (204).
pub(super) fn livereload(req: Request, shared: &Arc<Shared>, query: &str) {
    let since = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let (version, stopping) = {
        let state = shared.lock();
        (state.version, state.stopping)
    };
    if version != since || stopping {
        return send(req, with_common(version_response(version), false));
    }
    if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        return send(
            req,
            with_common(text_response(503, "too many live-reload requests\n"), false),
        );
    }
    let slot = PollSlot(shared.clone());
    // If the thread cannot start, the closure is dropped: the slot is released and
    // tiny_http answers the dropped request with 500, which the page retries.
    let _ = std::thread::Builder::new()
        .name("psirt-serve-poll".into())
        .spawn(move || park(req, &slot.0, since));
}

/// Counts a parked poll for as long as it lives.
struct PollSlot(Arc<Shared>);

impl Drop for PollSlot {
    fn drop(&mut self) {
        self.0.polls.fetch_sub(1, Ordering::SeqCst);
    }
}

fn park(req: Request, shared: &Shared, since: u64) {
    let state = shared.lock();
    let (state, _) = shared
        .changed
        .wait_timeout_while(state, shared.poll_timeout, |s| s.version == since && !s.stopping)
        .unwrap_or_else(PoisonError::into_inner);
    let version = state.version;
    drop(state);
    if version == since {
        send(req, with_common(Response::empty(204), false));
    } else {
        send(req, with_common(version_response(version), false));
    }
}

fn version_response(version: u64) -> Resp {
    Response::from_string(format!("{{\"version\": {version}}}"))
        .with_header(header("Content-Type", "application/json"))
}
