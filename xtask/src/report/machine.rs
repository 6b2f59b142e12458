//! The machine a report was measured on: cores, OS, rustc, Python, date.

use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// What the page header says about the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineInfo {
    /// Cores available to the demos.
    pub cores: usize,
    /// Kernel name and release (`Linux 6.1.0`).
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `python3 --version`, or `none found`.
    pub python: String,
    /// The date, `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl MachineInfo {
    /// Reads this machine.
    pub fn current() -> MachineInfo {
        let kernel =
            |f: &str| std::fs::read_to_string(format!("/proc/sys/kernel/{f}")).unwrap_or_default();
        let os = format!("{} {}", kernel("ostype").trim(), kernel("osrelease").trim());
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        MachineInfo {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: if os.trim().is_empty() {
                std::env::consts::OS.to_string()
            } else {
                os
            },
            rustc: version_of(&rustc, "--version").unwrap_or_else(|| "unknown".into()),
            python: version_of("python3", "--version").unwrap_or_else(|| "none found".into()),
            date: today(),
        }
    }
}

fn version_of(program: &str, flag: &str) -> Option<String> {
    let out = Command::new(program)
        .arg(flag)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    let line = String::from_utf8_lossy(&text)
        .lines()
        .next()?
        .trim()
        .to_string();
    out.status.success().then_some(line)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_map_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_778), (2026, 11, 21));
    }
}
