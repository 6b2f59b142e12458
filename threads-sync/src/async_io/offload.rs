//! Blocking and CPU-bound work inside async code: off the event loop.
//!
//! A task runs on its loop's thread until it reaches an `.await`. A
//! blocking call (`std::thread::sleep`, a blocking read, a long
//! computation) inside a task holds that thread, and every other task on the
//! loop waits for it: the event loop's own convoy. The cure is the one
//! asyncio teaches (`loop.run_in_executor`): run the call on a thread of
//! the runtime's blocking pool and await its result, so the loop goes on
//! serving the other tasks meanwhile. For CPU-bound work this is also how
//! async code gets more than one core.

use std::io;

/// Runs `f` on the runtime's blocking pool and awaits its result; the
/// loop keeps running other tasks meanwhile.
///
/// A panic in `f` continues in the awaiting task, as it would had `f` run
/// there; a runtime that shuts down before `f` ran gives an error.
///
/// # Example
///
/// ```
/// use std::time::{Duration, Instant};
/// use threads_sync::async_io::offload::blocking;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
/// let (slept, ticks) = rt.block_on(async {
///     // A blocking sleep, off the loop, while a task ticks on the loop.
///     let ticker = tokio::spawn(async {
///         let mut ticks = 0;
///         let end = Instant::now() + Duration::from_millis(100);
///         while Instant::now() < end {
///             tokio::time::sleep(Duration::from_millis(5)).await;
///             ticks += 1;
///         }
///         ticks
///     });
///     let slept = blocking(|| std::thread::sleep(Duration::from_millis(100))).await;
///     (slept, ticker.await.unwrap())
/// });
/// slept?;
/// assert!(ticks >= 5, "the loop was stalled: {ticks} ticks");
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn blocking<T, F>(f: F) -> io::Result<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => Ok(v),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(io::Error::other(format!(
            "the blocking call did not run: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::blocking;

    #[test]
    fn a_panic_in_the_offloaded_call_reaches_the_awaiting_task() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(blocking(|| -> u32 { panic!("boom in the pool") }))
        }));
        let payload = caught.expect_err("the panic came through");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom in the pool"));
        assert_eq!(rt.block_on(blocking(|| 6 * 7)).unwrap(), 42);
    }
}
