//! Claim: a child that truncates a file it has mapped and then touches the
//! mapping dies of SIGBUS; with a sealed memfd the truncation is refused
//! (EPERM) and the mapping stays valid, which is why this crate shares
//! through sealed memfds.

use std::time::Duration;

use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::sigbus::demonstrate;
use crate::worker_set::WorkerExe;

/// Limit on waiting for each child.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Flags of `sigbus` (none).
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Sigbus {}

impl Experiment for Sigbus {
    const NAME: &'static str = "sigbus";
    const CLAIM: &'static str = "touching a mapping whose file was truncated kills the process with SIGBUS; a sealed memfd refuses the truncation";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, _ctx: &Ctx) -> anyhow::Result<Report> {
        // Ctrl-C mid-run removes it too (the tempdir's drop would not run).
        let dir = subprocess_pipes::interrupt::remove_on_interrupt(tempfile::tempdir)?;
        let out = demonstrate(&WorkerExe::current()?, dir.path(), TIMEOUT)?;
        let bus = out.file_signal == Some(libc::SIGBUS);
        let refused = out.memfd_ok && out.memfd_errno == Some(libc::EPERM) && out.memfd_value == 7;
        let memfd_end = match out.memfd_errno {
            Some(libc::EPERM) => format!(
                "refused with EPERM, mapping still reads {}",
                out.memfd_value
            ),
            Some(e) => format!("refused with errno {e}"),
            None => "ALLOWED".to_owned(),
        };
        let file_end = match (out.file_signal, out.file_code) {
            (Some(s), _) => format!(
                "killed by signal {s}{}",
                if s == libc::SIGBUS { " (SIGBUS)" } else { "" }
            ),
            (None, Some(c)) => format!("exited {c}"),
            _ => "ended somehow".to_owned(),
        };
        let mut r = Report::new(
            Verdict::from_bool(bus && refused),
            format!("file child {file_end}; sealed memfd child: truncate {memfd_end}"),
        )
        .metric(
            "file_child_signal",
            f64::from(out.file_signal.unwrap_or(0)),
            "signal",
        )
        .metric(
            "memfd_truncate_refused",
            f64::from(u8::from(refused)),
            "bool",
        );
        r.say(format!(
            "child maps a 2-page file, truncates it to 0, reads the last byte: {file_end}"
        ));
        r.say(format!(
            "child maps a sealed memfd, tries ftruncate(0): {memfd_end} (exit ok: {})",
            out.memfd_ok
        ));
        r.say("the demo file lived in a private temp dir and was removed by the parent");
        Ok(r)
    }
}
