//! Ctrl-C with children in process groups of their own: kill those groups, then exit.
//!
//! [`crate::popen::Popen`] starts every child in a process group of its own,
//! so that a kill reaches what the child started (`sh -c 'sleep 100'`). The
//! price: the terminal's Ctrl-C goes to the *foreground* group only, which
//! is ours and not the children's. Without help, Ctrl-C would end this
//! program and leave its children running, orphaned, with no guard left to
//! reap them.
//!
//! The help is [`kill_children_on_interrupt`]: every live `Popen` is listed
//! in a registry (added at spawn, removed once reaped), and a thread waits
//! for `SIGINT`, `SIGTERM` or `SIGHUP` with `sigwait` (no signal handler, so
//! no `unsafe`), kills every listed group with `SIGKILL` and exits with
//! status 128 + the signal's number, as a shell reports a death by that
//! signal. The killed children are then reaped by init.
//!
//! A library user who wants the same calls it first thing in `main`, before
//! starting any thread: the signals are blocked in the calling thread and
//! in every thread it starts afterwards, so that only the waiting thread
//! receives them. (A child's signal mask is reset by `std::process`, so
//! children are not affected.)
//!
//! Two more things are ended on the way out:
//! - groups listed with [`register`] by other guards (the `processes`
//!   crate's `ChildGuard` lists the groups it leads), and
//! - files and directories made through [`remove_on_interrupt`] (a demo's
//!   temporary files), removed before the exit.
//!
//! `fork` needs a single-threaded process, and the waiting thread is a
//! thread: [`without_watcher`] stops it, runs the fork, and starts it
//! again; a signal that arrives meanwhile stays pending (it is blocked in
//! every thread) and is taken by the new watcher at once.
//!
//! ```no_run
//! // First thing in `main`, before any thread starts:
//! subprocess_pipes::interrupt::kill_children_on_interrupt()?;
//! // ... start children with Popen / Run; Ctrl-C now also ends them.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::thread::JoinHandle;

use nix::sys::signal::{SigSet, Signal, kill, killpg};
use nix::unistd::{Pid, getpid};

/// Process groups of the live children (each led by the child's pid).
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
/// Files and directories to remove on an interrupt.
static PATHS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
/// The waiting thread, while it runs.
static WATCHER: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

/// The signals that end the program, and the private one that tells the
/// waiting thread to stop ([`without_watcher`]). A program that uses
/// `SIGUSR2` itself should not use this module.
const ENDING: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];
const PAUSE: Signal = Signal::SIGUSR2;

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

/// Blocks `SIGINT`, `SIGTERM` and `SIGHUP` in this thread (and so in every
/// thread started after it) and starts a thread that, when one of them
/// arrives, kills the process group of every listed child, removes every
/// listed path and exits the program with status 128 + the signal's
/// number. Call it once, first thing in `main`. See the module docs.
pub fn kill_children_on_interrupt() -> std::io::Result<()> {
    signals().thread_block()?;
    start_watcher()
}

fn signals() -> SigSet {
    let mut set = SigSet::empty();
    for sig in ENDING.into_iter().chain([PAUSE]) {
        set.add(sig);
    }
    set
}

fn start_watcher() -> std::io::Result<()> {
    let mut slot = lock(&WATCHER);
    if slot.is_some() {
        return Ok(());
    }
    let set = signals();
    *slot = Some(
        std::thread::Builder::new()
            .name("interrupt".into())
            .spawn(move || {
                let sig = loop {
                    match set.wait() {
                        Ok(PAUSE) => return, // without_watcher: stop, start again later
                        Ok(sig) => break sig,
                        Err(_) => {}
                    }
                };
                end_everything(sig)
            })?,
    );
    Ok(())
}

/// Kills every listed group, removes every listed path, and exits.
fn end_everything(sig: Signal) -> ! {
    // Hold stderr to the end: a thread that sees its child die below and
    // goes to report the error blocks on it, so the exit status is ours
    // (128 + the signal), not that error's.
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
        "{sig}: interrupted; killed {} child process group(s), removed {} temporary path(s); exiting",
        listed.len(),
        paths.len()
    );
    std::process::exit(128 + sig as i32);
}

/// Runs `f` while no waiting thread exists, then starts it again: for
/// `fork`, which needs a single-threaded process. Without a watcher
/// (no [`kill_children_on_interrupt`] in this program) it only runs `f`.
/// A signal that arrives while `f` runs stays pending and ends the program
/// as soon as the watcher is back.
///
/// ```
/// let n = subprocess_pipes::interrupt::without_watcher(|| 7);
/// assert_eq!(n, 7);
/// ```
pub fn without_watcher<T>(f: impl FnOnce() -> T) -> T {
    let running = lock(&WATCHER).take();
    let had = running.is_some();
    if let Some(handle) = running {
        // Process-directed: every thread blocks it, the watcher alone waits for it.
        let _ = kill(getpid(), PAUSE);
        let _ = handle.join();
    }
    let out = f();
    if had && let Err(e) = start_watcher() {
        eprintln!("cannot watch for Ctrl-C again: {e}");
    }
    out
}
