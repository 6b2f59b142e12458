//! One task per connection on one thread: the event-loop server
//! (`asyncio.start_server`'s shape, on tokio).
//!
//! The accept loop spawns a task per connection; each task reads the
//! request, awaits the slow backend's delay (a timer, not a sleeping
//! thread), answers and ends. Thousands of them wait at once on one thread,
//! each costing one heap allocation. The delay must be awaited, never slept:
//! a blocking call here would stall every connection (see
//! `threads-sync blocking-in-async`).

use std::io;
use std::net::TcpListener;
use std::time::Instant;

use tokio::io::AsyncWriteExt;
use tokio::task::JoinSet;
use tokio::time::timeout_at;

use super::protocol::read_line_async;
use super::{OpenCount, ServeConfig, Served};

/// Serves `config.connections` connections, one task each, on the runtime
/// it is awaited on; returns once every task it spawned has ended.
pub async fn serve(listener: tokio::net::TcpListener, config: &ServeConfig) -> Served {
    let deadline = tokio::time::Instant::from_std(config.deadline);
    let mut tasks = JoinSet::new();
    let mut served = Served::default();
    let mut open = OpenCount::default();
    let mut accepted = 0;
    while accepted < config.connections {
        let Ok(Ok((mut stream, _))) = timeout_at(deadline, listener.accept()).await else {
            break; // the deadline passed, or accept failed
        };
        if config.shutdown.requested() {
            break; // the shutdown's wake-up
        }
        accepted += 1;
        let delay = config.delay;
        let guard = open.opened();
        tasks.spawn(async move {
            let _open = guard;
            let answer = async {
                let line = read_line_async(&mut stream).await?;
                tokio::time::sleep(delay).await; // the slow backend, awaited
                stream.write_all(line.as_bytes()).await
            };
            matches!(timeout_at(deadline, answer).await, Ok(Ok(())))
        });
        // Reap finished tasks as we go, so the set holds only live ones.
        while let Some(done) = tasks.try_join_next() {
            count(done, &mut served);
        }
    }
    served.failed += config.connections - accepted;
    while let Some(done) = tasks.join_next().await {
        count(done, &mut served);
    }
    served.peak_open = open.peak;
    served
}

fn count(done: Result<bool, tokio::task::JoinError>, served: &mut Served) {
    match done {
        Ok(true) => served.answered += 1,
        Ok(false) | Err(_) => served.failed += 1,
    }
}

/// [`serve`] on a runtime of its own with one thread (the caller's), as
/// an `asyncio` event loop runs: every connection on one OS thread.
///
/// # Example
///
/// See the [module tour](super) of `async_io`.
pub fn serve_blocking(listener: TcpListener, config: &ServeConfig) -> io::Result<Served> {
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let served = rt.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        Ok::<_, io::Error>(serve(listener, config).await)
    })?;
    // Nothing it spawned is left: `serve` joined every task.
    rt.shutdown_timeout(config.deadline.saturating_duration_since(Instant::now()));
    Ok(served)
}
