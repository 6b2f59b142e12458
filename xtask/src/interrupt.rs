//! Ctrl-C (and `kill`) for xtask: end everything the run started, at once.
//!
//! Each demo runs in its own process group (so a hang can be killed as a
//! whole), which also means the terminal's SIGINT reaches xtask alone. So:
//!
//! 1. [`install`] blocks SIGINT and SIGTERM in every thread of xtask and
//!    waits for them on one thread with `sigwait`: no handler runs at an
//!    arbitrary point, the signal is just a flag ([`interrupted`]). Children
//!    start with an empty signal mask (std resets it before `exec`).
//! 2. The runner sees the flag within its 20 ms poll, forwards SIGINT to the
//!    demo's group so the demo can clean up, and after a grace period kills
//!    the group ([`crate::runner::run_demo`]).
//! 3. xtask is a child subreaper (`PR_SET_CHILD_SUBREAPER`): a demo's
//!    children that sit in process groups of their own (CPython scripts,
//!    pool workers) are re-parented to xtask when the demo dies, and
//!    [`reap_descendants`] kills and reaps whatever is left. So no process of
//!    the run outlives it, whatever the demo did.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The signal that interrupted the run (0: none yet).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Whether SIGINT or SIGTERM arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(SeqCst)
}

/// The exit status after an interrupt: 128 + the signal, as a shell reports it.
pub fn exit_status() -> u8 {
    128u8.saturating_add(SIGNAL.load(SeqCst).clamp(0, 127) as u8)
}

fn signal_set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a local sigset_t
    // that we own; they only write to it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        set
    }
}

/// Blocks SIGINT and SIGTERM and starts the thread that waits for them;
/// makes xtask a subreaper of its descendants. Call first in `main`,
/// before any other thread exists (threads inherit the blocked mask).
pub fn install() -> anyhow::Result<()> {
    let set = signal_set();
    // SAFETY: pthread_sigmask reads the set we built and changes only this
    // thread's mask; a null old-set pointer is allowed.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    anyhow::ensure!(rc == 0, "pthread_sigmask failed ({rc})");
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes a plain integer
        // and touches no memory of ours.
        let rc = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
        anyhow::ensure!(rc == 0, "prctl(PR_SET_CHILD_SUBREAPER) failed");
    }
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            loop {
                let mut sig: libc::c_int = 0;
                // SAFETY: sigwait reads the set and writes the signal number
                // into our local; both outlive the call.
                let rc = unsafe { libc::sigwait(&set, &mut sig) };
                if rc == 0 {
                    SIGNAL.store(sig, SeqCst);
                    INTERRUPTED.store(true, SeqCst);
                    eprintln!(
                        "\nxtask: interrupted ({}); stopping the demo and everything it started",
                        if sig == libc::SIGINT {
                            "SIGINT"
                        } else {
                            "SIGTERM"
                        }
                    );
                }
            }
        })?;
    Ok(())
}

/// The pids of this process's children, read from `/proc` (every thread's
/// list: a child belongs to the thread that forked it).
#[cfg(target_os = "linux")]
fn children() -> Vec<libc::pid_t> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut pids: Vec<libc::pid_t> = tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<_>>()
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

/// Kills and reaps every remaining child of xtask (a subreaper's adopted
/// orphans included); returns how many there were. Call when no child of
/// xtask should be alive: after a demo's run has been reaped.
#[cfg(target_os = "linux")]
pub fn reap_descendants() -> usize {
    let mut count = 0;
    // Killing a child can orphan its own children onto us: sweep until none.
    for _ in 0..16 {
        let pids = children();
        if pids.is_empty() {
            break;
        }
        for pid in pids {
            // SAFETY: kill and waitpid on a pid that is our child (listed
            // in /proc as such and not yet reaped, so it cannot have been
            // reused); waitpid writes only to the null-allowed status pointer.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
            count += 1;
        }
    }
    count
}

/// Elsewhere there is no subreaper: nothing to sweep.
#[cfg(not(target_os = "linux"))]
pub fn reap_descendants() -> usize {
    0
}
