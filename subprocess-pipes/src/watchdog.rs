//! A measurement's watchdog: kills the children of a hot loop that hangs.

/// Kills the given children's process groups if it is not dropped within
/// `limit`: the documented wake-up for the hot loops that block in plain
/// `read` (a poll per message would distort the very latency they measure).
/// The killed child's pipe then ends, and the loop gets an error, not a hang.
/// Dropping it drops the sender, which wakes the thread with
/// `Disconnected`: disarmed.
pub(crate) struct Watchdog {
    _disarm: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    pub(crate) fn arm(pids: &[u32], limit: std::time::Duration) -> anyhow::Result<Watchdog> {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let pids = pids.to_vec();
        let thread = std::thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || {
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                    eprintln!("watchdog: measurement ran past {limit:?}; killing its children");
                    for pid in pids {
                        let _ = nix::sys::signal::killpg(
                            nix::unistd::Pid::from_raw(pid as i32),
                            nix::sys::signal::Signal::SIGKILL,
                        );
                    }
                }
            });
        thread.map_err(|e| anyhow::anyhow!("starting the watchdog thread: {e}"))?;
        Ok(Watchdog { _disarm: tx })
    }
}
