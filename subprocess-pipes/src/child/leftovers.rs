//! What a run left behind, seen in `/proc`: live processes that carry a
//! marker in their environment, and this process's unreaped children.

/// The live processes (not zombies) whose environment holds `var=value`.
/// Every process a program starts inherits its environment, whichever
/// process group it leads, so a test that runs a program with a marker
/// variable finds everything the run left behind with this.
///
/// ```
/// // This process, run without the marker, has no such processes.
/// let pids = subprocess_pipes::child::running_with_env("NO_SUCH_MARKER", "1")?;
/// assert!(pids.is_empty());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn running_with_env(var: &str, value: &str) -> std::io::Result<Vec<u32>> {
    let mark = format!("{var}={value}").into_bytes();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc")?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // Gone meanwhile, or not ours to read: not a process of the run.
        let (Ok(stat), Ok(env)) = (
            std::fs::read_to_string(format!("/proc/{pid}/stat")),
            std::fs::read(format!("/proc/{pid}/environ")),
        ) else {
            continue;
        };
        let zombie = stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'));
        if !zombie && env.split(|&b| b == 0).any(|v| v == mark.as_slice()) {
            out.push(pid);
        }
    }
    Ok(out)
}

/// Pids of this process's children that are zombies (exited, not yet
/// reaped), from `/proc/*/stat`. Empty where `/proc` is missing.
#[cfg(feature = "demo")]
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
