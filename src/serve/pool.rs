//! The threads that answer requests, and the limit on how long one client can hold one.
//!
//! Answering a request writes to the client's socket, which blocks while the client does not
//! read. Answered on the accepting thread, one client that asked for a large file and stopped
//! reading stalled every other request. So requests go to a fixed set of workers (a flood
//! of connections cannot make more threads or buffers), and every send to a client gives up
//! after the write timeout, which frees the worker and closes the connection.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tiny_http::Request;

use super::{Shared, http};

/// Requests answered at the same time. Answers come from memory, so a few are enough to keep
/// both the browser's parallel requests and a few stalled clients from waiting on each other.
pub(super) const WORKERS: usize = 8;

/// Requests waiting for a free worker. When it is full the accepting thread waits too and
/// tiny_http holds further requests; nothing is refused, they are answered later.
const QUEUE: usize = 16;

/// Listens on `addr`; every connection accepted gives up a send after `write_timeout`.
pub(super) fn listen(addr: SocketAddr, write_timeout: Duration) -> io::Result<tiny_http::Server> {
    let listener = TcpListener::bind(addr)?;
    set_send_timeout(&listener, write_timeout)?;
    tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)
}

/// tiny_http gives no access to the sockets it accepts, but they inherit `SO_SNDTIMEO` from
/// the listening socket (Linux, the BSDs and macOS copy it on accept).
#[cfg(unix)]
fn set_send_timeout(listener: &TcpListener, timeout: Duration) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // Zero would mean "never time out".
    let timeout = timeout.max(Duration::from_millis(1));
    let tv = libc::timeval {
        tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
        // Below 1,000,000: fits every platform's suseconds_t (i32 on macOS, i64 on Linux).
        tv_usec: timeout.subsec_micros() as libc::suseconds_t,
    };
    let len = libc::socklen_t::try_from(std::mem::size_of::<libc::timeval>())
        .map_err(|_| io::Error::other("timeval size"))?;
    // SAFETY: the descriptor is open for the duration of the call, and `tv` is a valid
    // timeval of `len` bytes that setsockopt only reads.
    let rc = unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&raw const tv).cast(),
            len,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere sends have no timeout: a stalled client holds one worker until it disconnects.
#[cfg(not(unix))]
fn set_send_timeout(_: &TcpListener, _: Duration) -> io::Result<()> {
    Ok(())
}

/// Hands requests to the workers until `stop` is set; a short receive timeout lets the loop
/// notice the flag without needing a wake-up call. Never writes to a client itself.
pub(super) fn accept_loop(http: &tiny_http::Server, workers: &Workers, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match http.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(req)) => workers.dispatch(req, stop),
            Ok(None) => {}
            // A failed connection concerns one client only; pause so a persistent error
            // cannot spin the loop.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// A fixed set of threads answering requests from a bounded queue.
pub(super) struct Workers {
    /// `None` once stopping: the workers see the queue closed and end.
    queue: Option<SyncSender<Request>>,
    threads: Vec<JoinHandle<()>>,
}

impl Workers {
    pub(super) fn start(shared: &Arc<Shared>) -> io::Result<Workers> {
        let (queue, requests) = mpsc::sync_channel(QUEUE);
        let requests = Arc::new(Mutex::new(requests));
        let mut threads = Vec::with_capacity(WORKERS);
        for i in 0..WORKERS {
            let (requests, shared) = (requests.clone(), shared.clone());
            // On failure the queue is dropped with the error, which ends the threads started.
            threads.push(
                thread::Builder::new()
                    .name(format!("psirt-serve-worker-{i}"))
                    .spawn(move || work(&requests, &shared))?,
            );
        }
        Ok(Workers {
            queue: Some(queue),
            threads,
        })
    }

    /// Queues `req`, waiting while the queue is full. If `stop` is set meanwhile the request
    /// is dropped, and tiny_http answers it with 500.
    fn dispatch(&self, mut req: Request, stop: &AtomicBool) {
        let Some(queue) = &self.queue else { return };
        loop {
            match queue.try_send(req) {
                Ok(()) => return,
                Err(TrySendError::Full(back)) if !stop.load(Ordering::SeqCst) => {
                    req = back;
                    thread::sleep(Duration::from_millis(5));
                }
                Err(_) => return,
            }
        }
    }

    /// Closes the queue and waits up to `grace` for the workers to finish what they hold.
    /// One still writing to a stalled client is left to end at its write timeout.
    pub(super) fn finish(mut self, grace: Duration) {
        self.queue = None;
        let deadline = Instant::now() + grace;
        while self.threads.iter().any(|t| !t.is_finished()) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        for t in self.threads.into_iter().filter(JoinHandle::is_finished) {
            let _ = t.join();
        }
    }
}

fn work(requests: &Mutex<Receiver<Request>>, shared: &Arc<Shared>) {
    loop {
        // The lock is held while waiting for a request, not while answering it.
        let next = requests.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(req) = next else { return };
        // A bug in answering one request must not cost a worker; tiny_http answers the
        // request dropped by the unwinding with 500.
        let answer = std::panic::AssertUnwindSafe(|| http::handle(req, shared));
        let _ = std::panic::catch_unwind(answer);
    }
}
