//! The jobs this crate's binary serves: what the experiments and tests run in workers.

use serde::{Deserialize, Serialize};
use subprocess_pipes::blob::Blob;

use crate::job::Job;
use crate::registry::{JobEntry, Registry};

/// Every job of the `processes` binary; `main` passes it to
/// [`subprocess_pipes::worker::main_if_worker`].
pub static REGISTRY: Registry = Registry(&[
    JobEntry::of::<Primes>(),
    JobEntry::of::<Tiny>(),
    JobEntry::of::<Payload>(),
    JobEntry::of::<Fault>(),
]);

/// CPU-bound: counts the primes in `lo..hi` by trial division.
#[derive(Debug)]
pub struct Primes;

impl Job for Primes {
    const NAME: &'static str = "primes";
    type Task = (u64, u64);
    type Output = u64;
    fn run((lo, hi): (u64, u64)) -> Result<u64, String> {
        Ok(count_primes(lo, hi))
    }
}

/// Primes in `lo..hi`, by trial division (deliberately plain CPU work).
///
/// ```
/// assert_eq!(processes::demo_jobs::count_primes(0, 100), 25);
/// ```
pub fn count_primes(lo: u64, hi: u64) -> u64 {
    (lo..hi).filter(|&n| is_prime(n)).count() as u64
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

/// A tiny task (doubles a number): nearly all its cost is the pool's overhead.
#[derive(Debug)]
pub struct Tiny;

impl Job for Tiny {
    const NAME: &'static str = "tiny";
    type Task = u64;
    type Output = u64;
    fn run(x: u64) -> Result<u64, String> {
        Ok(x.wrapping_mul(2))
    }
}

/// Fixed work on a payload that travels both ways: `rounds` passes of a
/// checksum over the bytes, and the bytes come back reversed.
#[derive(Debug)]
pub struct Payload;

/// A [`Payload`] task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayloadTask {
    /// Spin this many rounds of work (independent of the payload size).
    pub rounds: u64,
    /// The data sent to the worker and back: a [`Blob`], so it crosses the
    /// pipe as one byte string (a length and a copy), not byte by byte as
    /// serde would encode a plain `Vec<u8>`. `data-cost` measures the cost
    /// of moving data, not of a slow encoding.
    pub data: Blob,
}

impl Job for Payload {
    const NAME: &'static str = "payload";
    type Task = PayloadTask;
    type Output = (u64, Blob);
    fn run(mut t: PayloadTask) -> Result<(u64, Blob), String> {
        let h = spin(t.rounds) ^ t.data.0.len() as u64;
        t.data.0.reverse();
        Ok((h, t.data))
    }
}

/// Fixed CPU work: `rounds` steps of an xorshift generator.
///
/// ```
/// assert_eq!(processes::demo_jobs::spin(10), processes::demo_jobs::spin(10));
/// ```
pub fn spin(rounds: u64) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

/// Fault injection: tasks that succeed, fail, or kill their worker.
#[derive(Debug)]
pub struct Fault;

/// What a [`Fault`] task does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FaultTask {
    /// Returns `x * x`.
    Square(u64),
    /// Sleeps, then returns the milliseconds slept.
    SleepMs(u64),
    /// Returns `Err(message)`: a task failure; the worker lives on.
    Fail(String),
    /// Prints to stdout (which a worker points at stderr), then returns 0.
    Print(String),
    /// Panics: the worker exits with status 101.
    Panic,
    /// Aborts: the worker dies of `SIGABRT`.
    Abort,
    /// Exits with this status.
    Exit(i32),
    /// Sleeps this many milliseconds, then returns the worker's pid (which
    /// worker ran a task).
    Whoami(u64),
}

impl Job for Fault {
    const NAME: &'static str = "fault";
    type Task = FaultTask;
    type Output = u64;
    fn run(t: FaultTask) -> Result<u64, String> {
        match t {
            FaultTask::Square(x) => Ok(x.wrapping_mul(x)),
            FaultTask::SleepMs(ms) => {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                Ok(ms)
            }
            FaultTask::Fail(msg) => Err(msg),
            FaultTask::Print(s) => {
                println!("{s}");
                Ok(0)
            }
            FaultTask::Panic => {
                // An intended death: one line, not the default hook's
                // message and backtrace (which read as a failure in `cargo
                // test`); the pool reports the exit status 101 itself.
                std::panic::set_hook(Box::new(|_| {
                    eprintln!(
                        "worker {}: a FaultTask::Panic task panicked, as asked",
                        std::process::id()
                    );
                }));
                panic!("a FaultTask::Panic task")
            }
            FaultTask::Abort => std::process::abort(),
            FaultTask::Exit(code) => std::process::exit(code),
            FaultTask::Whoami(ms) => {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                Ok(std::process::id().into())
            }
        }
    }
}
