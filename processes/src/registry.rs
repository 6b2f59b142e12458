//! The jobs a binary's workers can serve, by name: the pool's table of
//! worker roles, run through the one worker hook of the workspace
//! ([`subprocess_pipes::worker::main_if_worker`]).
//!
//! ```no_run
//! use processes::job::Job;
//! use processes::registry::{JobEntry, Registry};
//!
//! struct Double;
//! impl Job for Double {
//!     const NAME: &'static str = "double";
//!     type Task = u64;
//!     type Output = u64;
//!     fn run(x: u64) -> Result<u64, String> {
//!         Ok(2 * x)
//!     }
//! }
//! /// Every job this binary's workers serve.
//! static JOBS: Registry = Registry(&[JobEntry::of::<Double>()]);
//!
//! fn main() -> std::process::ExitCode {
//!     // First line: a worker run of this binary serves its job and ends here.
//!     if let Some(code) = subprocess_pipes::worker::main_if_worker(&JOBS) {
//!         return code;
//!     }
//!     // ... the parent: start a `ProcessPool::<Double>` ...
//!     std::process::ExitCode::SUCCESS
//! }
//! ```

use std::ffi::OsString;
use std::process::ExitCode;

use subprocess_pipes::worker::Roles;

use crate::job::Job;
use crate::worker::{Ends, WorkerError};

/// A job, type-erased: its name and the worker loop that serves it.
#[derive(Debug, Clone, Copy)]
pub struct JobEntry {
    /// See [`Job::NAME`].
    pub name: &'static str,
    /// Serves the job on the given channel ends until the parent hangs up.
    pub(crate) serve: fn(Ends) -> Result<(), WorkerError>,
}

impl JobEntry {
    /// The entry for job `J`.
    pub const fn of<J: Job>() -> JobEntry {
        JobEntry {
            name: J::NAME,
            serve: crate::worker::serve_ends::<J>,
        }
    }
}

/// The jobs a binary's workers can run, looked up by name.
///
/// ```
/// use processes::job::Job;
/// use processes::registry::{JobEntry, Registry};
///
/// struct Double;
/// impl Job for Double {
///     const NAME: &'static str = "double";
///     type Task = u64;
///     type Output = u64;
///     fn run(x: u64) -> Result<u64, String> {
///         Ok(2 * x)
///     }
/// }
/// static JOBS: Registry = Registry(&[JobEntry::of::<Double>()]);
/// assert!(JOBS.find("double").is_some());
/// assert!(JOBS.find("no-such-job").is_none());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Registry(pub &'static [JobEntry]);

impl Registry {
    /// The entry named `name`.
    pub fn find(&self, name: &str) -> Option<&JobEntry> {
        self.0.iter().find(|e| e.name == name)
    }

    /// Every job name, for error messages.
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|e| e.name).collect()
    }
}

/// The exit status of a worker whose channel to the parent failed.
pub const CHANNEL_FAILED: u8 = 3;

/// Each job is a role: `<bin> __worker <job>` serves it on stdin and stdout
/// and exits 0 when the parent hangs up cleanly, [`CHANNEL_FAILED`] on a
/// channel error.
impl Roles for Registry {
    fn names(&self) -> Vec<&str> {
        Registry::names(self)
    }

    fn run(&self, role: &str, _args: &[OsString]) -> Option<ExitCode> {
        let entry = self.find(role)?;
        Some(match crate::worker::serve_stdio(entry.serve) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("worker {}: {e}", std::process::id());
                ExitCode::from(CHANNEL_FAILED)
            }
        })
    }
}
