//! Many clients at once: the load generator that measures a slow server.
//!
//! Each client is a task: connect, send one line, read the answer to the
//! end, check it is the same line, and note how long it all took. All of
//! them start together on one thread, so the load itself costs little and
//! is the same for whichever server it measures.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::timeout_at;

use super::protocol::MAX_LINE;

/// What the clients saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Load {
    /// Each answered request's time from connect to the last byte of the
    /// answer, in the order they finished.
    pub latencies: Vec<Duration>,
    /// Requests that failed: refused, reset, a wrong answer, or no answer
    /// by the deadline.
    pub failed: usize,
    /// From the first connect to the last answer.
    pub wall: Duration,
}

impl Load {
    /// How many requests were answered correctly.
    pub fn answered(&self) -> usize {
        self.latencies.len()
    }

    /// Answered requests per second of [`wall`](Load::wall) time.
    pub fn per_second(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            self.answered() as f64 / secs
        } else {
            0.0
        }
    }

    /// The `p`-quantile latency (`0.5` median, `0.99`), by rank; `None`
    /// when nothing was answered.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use threads_sync::async_io::load::Load;
    ///
    /// let ms = Duration::from_millis;
    /// let load = Load { latencies: (1..=100).map(ms).collect(), failed: 0, wall: ms(100) };
    /// assert_eq!(load.quantile(0.5), Some(ms(50)));
    /// assert_eq!(load.quantile(0.99), Some(ms(99)));
    /// assert_eq!(Load::default().quantile(0.5), None);
    /// ```
    pub fn quantile(&self, p: f64) -> Option<Duration> {
        let mut v = self.latencies.clone();
        v.sort_unstable();
        let rank = ((p.clamp(0.0, 1.0) * v.len() as f64).ceil() as usize).max(1);
        v.get(rank - 1).copied()
    }
}

/// One client: connect, send `line`, read the answer, check it.
async fn one(addr: SocketAddr, line: Vec<u8>) -> io::Result<Duration> {
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&line).await?;
    let mut answer = Vec::with_capacity(line.len());
    // The answer is bounded like the request: one line.
    (&mut stream)
        .take(MAX_LINE as u64 + 1)
        .read_to_end(&mut answer)
        .await?;
    if answer != line {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "sent {} bytes, got {} different ones back",
                line.len(),
                answer.len()
            ),
        ));
    }
    Ok(start.elapsed())
}

/// `clients` requests to `addr` at once, on the runtime this is awaited on;
/// nothing waits past `deadline`.
pub async fn clients(addr: SocketAddr, clients: usize, deadline: Instant) -> Load {
    let until = tokio::time::Instant::from_std(deadline);
    let start = Instant::now();
    let mut set = JoinSet::new();
    for i in 0..clients {
        let line = format!("request {i}\n").into_bytes();
        set.spawn(timeout_at(until, one(addr, line)));
    }
    let mut load = Load::default();
    while let Some(done) = set.join_next().await {
        match done {
            Ok(Ok(Ok(latency))) => load.latencies.push(latency),
            _ => load.failed += 1,
        }
    }
    load.wall = start.elapsed();
    load
}

/// [`clients`] on a one-thread runtime of its own (the caller's thread).
pub fn run(addr: SocketAddr, n: usize, deadline: Instant) -> io::Result<Load> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    Ok(rt.block_on(clients(addr, n, deadline)))
}

/// One request, answered before `deadline`: how a caller knows a server
/// (maybe another process) is up and serving before it starts the clock.
/// The probe is one of the server's connections.
///
/// The listener must exist before this is called (connects then wait in
/// its backlog until the server accepts), so a refused connect means the
/// server is gone, and it is reported at once rather than retried.
pub fn wait_until_serving(addr: SocketAddr, deadline: Instant) -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    rt.block_on(async {
        let until = tokio::time::Instant::from_std(deadline);
        match timeout_at(until, one(addr, b"probe\n".to_vec())).await {
            Ok(answered) => answered.map(|_| ()),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no answer from {addr} by the deadline"),
            )),
        }
    })
}
