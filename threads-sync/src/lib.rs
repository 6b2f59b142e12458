//! # threads-sync: Python's `threading` and `queue` primitives in Rust
//!
//! Rust's standard library has `Mutex`, `Condvar`, `Barrier` and channels,
//! but not the primitives the Python lecture teaches by name. This crate
//! provides them with CPython's semantics (as its documentation and
//! `Lib/test/lock_tests.py` / `Lib/test/test_queue.py` pin them down),
//! mapped to Rust idioms: `Result`s with precise error types instead of
//! exceptions (a refused `put` hands the item back), `Duration` timeouts,
//! RAII guards, and an explicit `release()` where Python allows a release
//! from another thread. The binary's experiments measure what the lecture
//! claims about them (`threads-sync list`, with the `demo` feature).
//!
//! ## Which one when
//!
//! | need | use | Python |
//! |---|---|---|
//! | one thread at a time, with a timeout or a release from another thread | [`Lock`] | `threading.Lock` |
//! | the same, re-entered by the holding thread (recursion, callbacks) | [`RLock`] | `threading.RLock` |
//! | wait until a state you check under a lock changes; wake 1, n or all | [`Condition`] | `threading.Condition` |
//! | at most K threads use a pool of K resources | [`Semaphore`], [`BoundedSemaphore`] | `threading.(Bounded)Semaphore` |
//! | a one-bit "go"/"stop" signal many threads wait for | [`Event`] | `threading.Event` |
//! | N threads meet between phases | [`Barrier`] | `threading.Barrier` |
//! | hand work between threads, with backpressure and `join` | [`Queue`], [`LifoQueue`], [`PriorityQueue`] | `queue.*` |
//!
//! ## Lock vs std `Mutex`
//!
//! A [`std::sync::Mutex<T>`] owns the data it protects, so the compiler
//! proves nobody touches it unlocked; prefer it when you design the code.
//! A [`Lock`] guards no data (like Python's), which is exactly what a port
//! needs: acquire with a timeout, release from another thread, detect a
//! deadlock instead of hanging. Both cost one atomic operation each way
//! when uncontended (the `cost` experiment measures it).
//!
//! ```
//! use std::sync::Mutex;
//! use std::time::Duration;
//! use threads_sync::Lock;
//!
//! // std: the data lives inside; the guard is the only way to it.
//! let counter = Mutex::new(0);
//! *counter.lock().unwrap() += 1;
//!
//! // Lock: a timed acquire turns a would-be deadlock into a decision.
//! let lock = Lock::new();
//! let held = lock.lock();
//! let got = std::thread::scope(|s| {
//!     s.spawn(|| lock.acquire_timeout(Duration::from_millis(10))).join().unwrap()
//! });
//! assert!(!got); // detected: the other thread gave up instead of hanging
//! drop(held);
//! assert_eq!(*counter.lock().unwrap(), 1);
//! ```
//!
//! ## Event vs Condition
//!
//! An [`Event`] is a flag: `set` wakes every waiter and later waiters pass
//! straight through until `clear`. A [`Condition`] has no memory: `notify`
//! wakes threads that wait *now* and they re-check a state of your own
//! under the lock, so it suits "queue not empty" where an event would need
//! to be cleared and re-set racily.
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::time::Duration;
//! use threads_sync::{Condition, Event};
//!
//! let go = Event::new();
//! go.set();
//! assert!(go.wait(Some(Duration::ZERO))); // remembered: passes at once
//!
//! let cond = Condition::new();
//! let items = AtomicUsize::new(0); // state guarded by cond's lock
//! std::thread::scope(|s| {
//!     s.spawn(|| {
//!         let _held = cond.lock();
//!         items.store(3, Ordering::Relaxed);
//!         cond.notify_all().unwrap();
//!     });
//!     let _held = cond.lock();
//!     let ten_s = Some(Duration::from_secs(10));
//!     assert!(cond.wait_for(|| items.load(Ordering::Relaxed) == 3, ten_s).unwrap());
//! });
//! ```
//!
//! ## A worker pool on a Queue
//!
//! ```
//! use threads_sync::Queue;
//!
//! let jobs = Queue::new(8);
//! let done = Queue::new(0);
//! std::thread::scope(|s| {
//!     for _ in 0..3 {
//!         s.spawn(|| {
//!             while let Ok(n) = jobs.get() {
//!                 done.put(n * n).unwrap();
//!                 jobs.task_done().unwrap();
//!             }
//!         });
//!     }
//!     for n in 1..=10u64 {
//!         jobs.put(n).unwrap();
//!     }
//!     jobs.join(); // every job processed
//!     jobs.shutdown(false); // workers' get() now fails: they exit
//! });
//! let total: u64 = std::iter::from_fn(|| done.get_nowait().ok()).sum();
//! assert_eq!(total, 385);
//! ```
//!
//! ## Panics in user code
//!
//! A panicking `Ord` impl inside a [`PriorityQueue`] or a panicking
//! [`Barrier`] action unwinds in the thread that ran it, and the primitive
//! stays usable: the queue's counts stay exact (an item lost mid-`get` is
//! counted as done, so `join` cannot hang), and the barrier breaks so the
//! other parties get [`BrokenBarrier`] instead of waiting forever. No
//! internal lock is ever poisoned.
//!
//! ## Testing under loom
//!
//! The primitives are written once, on a facade (`src/primitive.rs`) that
//! re-exports `std::sync` and `std::thread`, or loom's equivalents under
//! the crate's own `--cfg threads_sync_loom`; so the untimed paths of the
//! code that ships are model-checked with loom (the spin-then-sleep
//! back-offs run one round there, so their mutex-dropping paths are
//! explored too); that build leaves the demo out:
//! `RUSTFLAGS="--cfg threads_sync_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p threads-sync --no-default-features --test loom --target-dir target/loom`.
//!
//! ## Features
//!
//! The primitives need only std and thiserror:
//! `threads-sync = { path = "../threads-sync", default-features = false }`
//! is them alone. The `async-io` feature adds the `async_io` module (tokio, nix);
//! `demo` (the default) adds it, the binary and its experiments.
#![forbid(unsafe_code)]

// The loom build swaps the primitives' std::sync for loom::sync, which only
// works inside `loom::model`: it builds the primitives alone.
#[cfg(all(threads_sync_loom, feature = "demo"))]
compile_error!(
    "`--cfg threads_sync_loom` model-checks the primitives only: build it with `--no-default-features`"
);

// The demo side (advice, charts and the contract, then these), compiled
// with the `demo` feature and hidden from the docs.
include!("../../contract/demo_modules.rs");
demo_modules! {
    pub mod busy_work;
    pub mod cost_kernels;
    pub mod cpython;
    pub mod durations;
    pub mod experiments;
    pub mod idle_waiters;
    pub mod memory_usage;
    pub mod rates;
    pub mod server_child;
    pub mod spawn;
}

#[cfg(feature = "async-io")]
pub mod async_io;
pub mod barrier;
pub mod condition;
pub mod error;
pub mod event;
pub mod lock;
mod primitive;
pub mod queue;
pub mod rlock;
pub mod semaphore;
mod waiting;

pub use barrier::Barrier;
pub use condition::{Condition, ConditionGuard, ConditionLock};
pub use error::{
    BrokenBarrier, GetError, NotOwned, PutError, ReleaseError, ShutDown, TooManyReleases,
    TooManyTaskDone, ZeroParties,
};
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use queue::{BaseQueue, LifoQueue, PriorityQueue, Queue};
pub use rlock::{RLock, RLockGuard};
pub use semaphore::{BoundedPermit, BoundedSemaphore, Permit, Semaphore};

/// The demo: its name, what it teaches, and its experiments (the demo's
/// side, not this library's API).
///
/// ```
/// assert_eq!(threads_sync::DEMO.name, "threads-sync");
/// ```
#[cfg(feature = "demo")]
#[doc(hidden)]
pub static DEMO: contract::Demo = contract::Demo {
    name: "threads-sync",
    about: "Python's threading and queue primitives in Rust: Lock, RLock, Semaphore, Event, Condition, Barrier, Queue",
    experiments: experiments::ALL,
    tools: &[],
};
