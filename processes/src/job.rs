//! Task functions that a worker process can run, found by name.
//!
//! A spawned worker is a fresh run of the same binary: it shares no memory
//! with the parent, so the parent cannot hand it a closure. It sends the
//! *name* of the function and the serialized arguments instead, and the
//! worker looks the name up in a [`crate::registry::Registry`] compiled
//! into the binary.
//! CPython does the same: `pickle` sends a function as its module and
//! qualified name, and the child imports it. A forked worker could call any
//! closure (it has a copy of the parent's memory); the pool still uses the
//! registry's function so both start methods run the same code.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A task function: typed input and output, run inside a worker process.
///
/// Returning `Err` reports the task as failed (like an exception raised in
/// a CPython pool worker) and the worker lives on; a panic or an abort kills
/// the worker, and the pool reports the task failed with the exit cause.
///
/// ```
/// use processes::job::Job;
///
/// struct Square;
/// impl Job for Square {
///     const NAME: &'static str = "square";
///     type Task = u64;
///     type Output = u64;
///     fn run(x: u64) -> Result<u64, String> {
///         x.checked_mul(x).ok_or_else(|| format!("{x}² overflows"))
///     }
/// }
/// assert_eq!(Square::run(12), Ok(144));
/// ```
pub trait Job: 'static {
    /// The name the worker finds this job by (unique in a registry).
    const NAME: &'static str;
    /// One task's input, sent to the worker.
    type Task: Serialize + DeserializeOwned + Clone + Send + std::fmt::Debug + 'static;
    /// One task's result, sent back.
    type Output: Serialize + DeserializeOwned + Send + std::fmt::Debug + 'static;
    /// Runs one task.
    fn run(task: Self::Task) -> Result<Self::Output, String>;
}
