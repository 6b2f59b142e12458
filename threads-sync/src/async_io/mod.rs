//! # Many slow waits: a thread per connection, or tasks on an event loop
//!
//! The lecture's closing picture sends CPU-bound work to processes, I/O
//! with a few fast waits to threads, and I/O with **many slow waits** (many
//! connections, each mostly idle) to `asyncio`. This module is that third
//! branch in Rust, as code to copy:
//!
//! | pattern | here | Python |
//! |---|---|---|
//! | a listener that can queue thousands of connects | [`listener::loopback`] | `socket.listen(4096)` |
//! | one OS thread per connection | [`thread_server::serve`] | `threading.Thread(target=handle)` |
//! | one task per connection, one thread | [`task_server::serve`] | `asyncio.start_server` |
//! | many clients at once | [`load::run`] | `asyncio.gather(*clients)` |
//! | blocking or CPU work inside async code | [`offload::blocking`] | `loop.run_in_executor` |
//!
//! All of it speaks one tiny protocol ([`protocol`]): a client sends one
//! line, the server waits as a slow backend would, then sends the line back
//! and closes. Every wait is bounded by a deadline, every line by
//! [`protocol::MAX_LINE`], and a server serves a set number of connections
//! and then returns, having joined every thread or task it started.
//!
//! ## Which one
//!
//! A thread costs an OS stack (2 MiB reserved, a few pages touched), a
//! kernel task and a scheduler entry; a task costs one heap allocation of
//! its state machine. At tens of connections both are fine and threads are
//! simpler (blocking code, any library). At thousands of mostly idle
//! connections tasks take a small fraction of the memory and start far
//! faster; `threads-sync tasks-vs-threads` and `many-slow-connections`
//! measure both, beside CPython's `threading` and `asyncio`.
//!
//! The price of tasks is that they share their thread: one blocking call
//! (a `std::thread::sleep`, a long computation) stalls every task on it
//! (`threads-sync blocking-in-async`), and CPU-bound tasks on one loop run
//! one after another (`threads-sync async-cpu-bound`). Move such work off
//! the loop with [`offload::blocking`] (tokio's `spawn_blocking`).
//!
//! ## Example: 50 slow requests, one thread serving them all
//!
//! ```
//! use std::time::{Duration, Instant};
//! use threads_sync::async_io::{ServeConfig, Shutdown, listener, load, task_server};
//!
//! let listener = listener::loopback(128)?;
//! let addr = listener.local_addr()?;
//! let config = ServeConfig {
//!     delay: Duration::from_millis(20),
//!     connections: 50,
//!     deadline: Instant::now() + Duration::from_secs(20),
//!     shutdown: Shutdown::new(addr),
//! };
//! let server = std::thread::spawn(move || task_server::serve_blocking(listener, &config));
//! let clients = load::run(addr, 50, Instant::now() + Duration::from_secs(20))?;
//! let served = server.join().unwrap()?;
//! assert_eq!((served.answered, clients.answered()), (50, 50));
//! // 50 waits of 20 ms overlapped: far less than 50 x 20 ms = 1 s.
//! assert!(clients.wall < Duration::from_millis(900));
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod listener;
pub mod load;
pub mod offload;
pub mod protocol;
pub mod task_server;
pub mod thread_server;

use std::time::{Duration, Instant};

/// What a server is asked to do: how long each request waits (a slow
/// backend), how many connections it serves before it returns, and the
/// moment it gives up on whatever is still open.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The wait per request, between reading it and answering.
    pub delay: Duration,
    /// Connections to accept; the server returns once all are done.
    pub connections: usize,
    /// No wait of the server goes past this moment.
    pub deadline: Instant,
    /// Ends the server early when requested (its callers gave up).
    pub shutdown: Shutdown,
}

/// A request to a server to stop accepting: a flag, and a connect to its
/// listener that wakes an accept loop blocked on it, which then sees the
/// flag. Clones share the flag.
///
/// # Example
///
/// ```
/// use std::time::{Duration, Instant};
/// use threads_sync::async_io::{ServeConfig, Shutdown, listener, thread_server};
///
/// let listener = listener::loopback(16)?;
/// let shutdown = Shutdown::new(listener.local_addr()?);
/// let config = ServeConfig {
///     delay: Duration::from_millis(1),
///     connections: 100,
///     deadline: Instant::now() + Duration::from_secs(60),
///     shutdown: shutdown.clone(),
/// };
/// let server = std::thread::spawn(move || thread_server::serve(listener, &config));
/// shutdown.request(); // no client is coming
/// let served = server.join().unwrap()?;
/// assert_eq!((served.answered, served.failed), (0, 100));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Shutdown {
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Shutdown {
    /// A shutdown for the server listening on `addr`.
    pub fn new(addr: std::net::SocketAddr) -> Shutdown {
        Shutdown {
            flag: Default::default(),
            addr,
        }
    }

    /// Asks the server to stop, and wakes its accept loop.
    pub fn request(&self) {
        self.flag.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }

    /// Whether [`Shutdown::request`] was called.
    pub fn requested(&self) -> bool {
        self.flag.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// What a server did: connections answered and connections it gave up on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    /// Requests read, waited on and echoed back.
    pub answered: usize,
    /// Connections dropped: a bad or late request, a write that failed, or
    /// (threads) a thread the OS refused to start.
    pub failed: usize,
    /// The most connections open at once (accepted and not yet closed):
    /// what the server had to hold at its peak.
    pub peak_open: usize,
}

/// Counts open connections and keeps the peak; a connection counts from
/// [`OpenCount::opened`] until its [`Open`] guard drops.
#[derive(Debug, Default)]
struct OpenCount {
    now: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    peak: usize,
}

/// One open connection of an [`OpenCount`].
#[derive(Debug)]
struct Open(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl OpenCount {
    fn opened(&mut self) -> Open {
        use std::sync::atomic::Ordering;
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak = self.peak.max(now);
        Open(std::sync::Arc::clone(&self.now))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}
