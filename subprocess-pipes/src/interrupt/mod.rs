//! Ctrl-C with children in process groups of their own: kill those groups, then exit.
//!
//! [`crate::popen::Popen`] starts every child in a process group of its own,
//! so that a kill reaches what the child started (`sh -c 'sleep 100'`). The
//! price: the terminal's Ctrl-C goes to the *foreground* group only, which
//! is ours and not the children's. Without help, Ctrl-C would end this
//! program and leave its children running, orphaned, with no guard left to
//! reap them.
//!
//! The help is [`kill_children_on_interrupt`], the one Ctrl-C policy of
//! every demo that starts children: every live child guard is listed in a
//! registry (added at spawn, removed once reaped), and a thread waits for
//! `SIGINT`, `SIGTERM` or `SIGHUP` (through `signal-hook`'s self-pipe: no
//! signal is blocked, so no child inherits a blocked mask, and no handler
//! of ours runs), kills every listed group with
//! `SIGKILL` and exits at once with status 128 + the signal's number, as a
//! shell reports a death by that signal. The killed children are reaped by
//! init; waiting for them here would let another thread see its child die
//! and carry on (even end `main` with status 0) before the exit.
//!
//! Two more things are ended on the way out:
//! - groups listed with [`register`] by other guards ([`crate::child::ChildGuard`]
//!   lists every child it owns), and
//! - files and directories made through [`remove_on_interrupt`] (a demo's
//!   temporary files and shared-memory files), removed before the exit.
//!
//! `fork` needs a single-threaded process, and the waiting thread is a
//! thread: [`without_watcher`] stops it, runs the fork, and starts it
//! again; a signal that arrives meanwhile waits in the pipe and is taken by
//! the new thread at once. A forked child that does not `exec` inherits the
//! handlers, which write to the parent's pipe: the `processes` crate's
//! `fork::fork_with` gives them their default action back in the child.
//!
//! ```no_run
//! // Early in `main` (after the worker hook):
//! subprocess_pipes::interrupt::kill_children_on_interrupt()?;
//! // ... start children with Popen / Run; Ctrl-C now also ends them.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod watcher;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// Process groups of the live children (each led by the child's pid).
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
/// Files and directories to remove on an interrupt.
static PATHS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    // A panic while holding the lock leaves plain data behind: still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Lists the child `pid` and the process group it leads, if any, to be
/// killed on an interrupt (`Popen` calls it at spawn; other guards of
/// children may too).
pub fn register(pid: u32) {
    lock(&GROUPS).insert(pid as i32);
}

/// Forgets the group led by `pid` (call it once the child is reaped).
///
/// Between the reaping and this call, the interrupt thread could still
/// kill the group; its id cannot have been reused by then unless the
/// whole pid space wrapped around in those microseconds.
pub fn forget(pid: u32) {
    lock(&GROUPS).remove(&(pid as i32));
}

/// The process groups of the children alive now (listed, not yet
/// forgotten), in increasing order.
pub fn live_groups() -> Vec<i32> {
    lock(&GROUPS).iter().copied().collect()
}

/// Creates a file or directory with `create` and lists it to be removed
/// (a directory with what it holds) if the program is interrupted while
/// the returned [`Listed`] lives. The list is locked while `create` runs,
/// so an interrupt cannot fall between the creation and the listing.
///
/// ```
/// use subprocess_pipes::interrupt::{listed_paths, remove_on_interrupt};
/// let dir = remove_on_interrupt(tempfile::tempdir)?;
/// let path = dir.path().to_path_buf();
/// assert!(listed_paths().contains(&path));
/// drop(dir); // the temp dir removes itself, then leaves the list
/// assert!(!listed_paths().contains(&path) && !path.exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn remove_on_interrupt<T: AsRef<Path>>(
    create: impl FnOnce() -> std::io::Result<T>,
) -> std::io::Result<Listed<T>> {
    let mut paths = lock(&PATHS);
    let value = create()?;
    let path = value.as_ref().to_path_buf();
    paths.insert(path.clone());
    Ok(Listed {
        value: Some(value),
        path,
    })
}

/// The paths listed with [`remove_on_interrupt`] now.
pub fn listed_paths() -> Vec<PathBuf> {
    lock(&PATHS).iter().cloned().collect()
}

/// A value (a temp dir, a temp file) whose path is removed on an interrupt
/// while it lives; see [`remove_on_interrupt`]. On drop the value goes
/// first (it removes itself as usual), then the listing.
#[derive(Debug)]
pub struct Listed<T> {
    value: Option<T>,
    path: PathBuf,
}

impl<T> std::ops::Deref for Listed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value.as_ref().expect("present until drop")
    }
}

impl<T> Drop for Listed<T> {
    fn drop(&mut self) {
        drop(self.value.take());
        lock(&PATHS).remove(&self.path);
    }
}

/// Starts a thread that, when `SIGINT`, `SIGTERM` or `SIGHUP` arrives,
/// kills the process group of every listed child, removes every listed
/// path and exits the program with status 128 + the signal's number. Call
/// it once, early in `main`; calling it again does nothing. A program that
/// uses `SIGUSR2` itself should not use this module (it pauses the thread
/// for a fork). See the module docs.
pub fn kill_children_on_interrupt() -> std::io::Result<()> {
    watcher::start(end_everything)
}

/// Kills every listed group, removes every listed path, and exits.
fn end_everything(sig: i32) -> ! {
    let name = Signal::try_from(sig).map_or_else(|_| format!("signal {sig}"), |s| s.to_string());
    // Hold stdout and stderr to the end: a thread that sees its child die
    // below and goes to report it blocks on them, so it neither prints a
    // misleading result nor ends first, and the exit status is ours
    // (128 + the signal).
    let _stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let listed = live_groups();
    for &pgid in &listed {
        // The group, and the pid itself: a listed child need not lead a group.
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        let _ = kill(Pid::from_raw(pgid), Signal::SIGKILL);
    }
    let paths = listed_paths();
    for p in &paths {
        let _ = if p.is_dir() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
    }
    let _ = writeln!(
        stderr,
        "{name}: interrupted; killed {} child process group(s), removed {} temporary path(s); exiting",
        listed.len(),
        paths.len()
    );
    std::process::exit(128 + sig);
}

/// Runs `f` while no waiting thread exists, then starts it again: for
/// `fork`, which needs a single-threaded process. Without a watcher
/// (no [`kill_children_on_interrupt`] in this program) it only runs `f`.
/// A signal that arrives while `f` runs waits in the handlers' pipe and
/// ends the program as soon as the watcher is back.
///
/// ```
/// let n = subprocess_pipes::interrupt::without_watcher(|| 7);
/// assert_eq!(n, 7);
/// ```
pub fn without_watcher<T>(f: impl FnOnce() -> T) -> T {
    let had = watcher::pause();
    let out = f();
    if had && let Err(e) = watcher::resume(end_everything) {
        eprintln!("cannot watch for Ctrl-C again: {e}");
    }
    out
}
