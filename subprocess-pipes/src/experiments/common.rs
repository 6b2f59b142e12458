//! Helpers the experiments share: serde for optional durations, the size flags' limit, timing a batch.

/// Serializes `Option<Duration>` as a string like `"300ms"` (or null).
pub(crate) mod dur_opt {
    use std::time::Duration;

    pub(crate) fn serialize<S: serde::Serializer>(
        d: &Option<Duration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format!("{}ms", d.as_secs_f64() * 1e3)),
            None => s.serialize_none(),
        }
    }
}

/// The `--size` flags' parser: a size between 1 byte and 256 MiB (see
/// [`parse_bytes`](crate::contract::size::parse_bytes) for the spellings).
pub(crate) fn parse_size(s: &str) -> Result<usize, String> {
    crate::contract::size::parse_bytes(s, 256 << 20).map(|b| b as usize)
}

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

/// Pids of this process's children that are zombies (exited, not yet
/// reaped), from `/proc/*/stat`. Empty where `/proc` is missing.
pub(crate) fn zombie_children() -> Vec<u32> {
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // "pid (comm) S ppid ...": comm may hold spaces; split after the last ')'.
            let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
                return false;
            };
            let mut f = rest.split_whitespace();
            let state = f.next();
            let ppid = f.next().and_then(|p| p.parse::<u32>().ok());
            state == Some("Z") && ppid == Some(me)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_flags_stop_at_256_mib() {
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        for bad in ["0", "1GiB", "x", "-1", "300MiB"] {
            assert!(parse_size(bad).is_err(), "accepted {bad}");
        }
    }
}
