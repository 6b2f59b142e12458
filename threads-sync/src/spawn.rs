//! Starting scoped threads without a panic when the OS refuses one (a
//! limit on threads, `ulimit -u`): `Scope::spawn` panics, and the scope
//! then waits for the threads already started, which may be waiting for
//! the ones that never came. [`spawn_each`] returns what it started and
//! the refusal, so the caller can release the started threads (set their
//! event, abort their barrier, shut their queue down) and report an error.

use std::thread::{Builder, Scope, ScopedJoinHandle};

/// The threads [`spawn_each`] started, and the error that stopped it from
/// starting the rest (`None`: all started).
#[derive(Debug)]
pub struct Started<'scope, T> {
    /// Handles of the threads started, in order.
    pub handles: Vec<ScopedJoinHandle<'scope, T>>,
    /// Why the next thread did not start.
    pub refused: Option<anyhow::Error>,
}

impl<T> Started<'_, T> {
    /// Joins every started thread (a panicked one gives `Err`) and returns
    /// their results, or the refusal when not all started.
    pub fn join_all(self) -> anyhow::Result<Vec<T>> {
        let results = self
            .handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow::anyhow!("a thread panicked")))
            .collect::<anyhow::Result<Vec<T>>>();
        match self.refused {
            Some(e) => Err(e),
            None => results,
        }
    }
}

impl<'scope, T> Started<'scope, T> {
    /// The handles, when every thread started. Otherwise runs `release`
    /// (what lets the started threads finish: set their event, abort their
    /// barrier), joins them and returns the refusal.
    pub fn or_release(
        self,
        release: impl FnOnce(),
    ) -> anyhow::Result<Vec<ScopedJoinHandle<'scope, T>>> {
        let Some(refused) = self.refused else {
            return Ok(self.handles);
        };
        release();
        for h in self.handles {
            let _ = h.join(); // the refusal is the error to report
        }
        Err(refused)
    }
}

/// Starts `n` scoped threads, thread `i` running `make(i)`, until the OS
/// refuses one; `what` names them in the error ("starting {what} {i}: ...").
///
/// ```
/// use threads_sync::spawn::spawn_each;
/// let sums = std::thread::scope(|s| {
///     spawn_each(s, 3, "adder", |i| move || i * 10).join_all()
/// });
/// assert_eq!(sums.unwrap(), [0, 10, 20]);
/// ```
pub fn spawn_each<'scope, 'env, T, F>(
    s: &'scope Scope<'scope, 'env>,
    n: usize,
    what: &str,
    mut make: impl FnMut(usize) -> F,
) -> Started<'scope, T>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        match Builder::new().spawn_scoped(s, make(i)) {
            Ok(h) => handles.push(h),
            Err(e) => {
                return Started {
                    handles,
                    refused: Some(anyhow::anyhow!("starting {what} {i}: {e}")),
                };
            }
        }
    }
    Started {
        handles,
        refused: None,
    }
}
