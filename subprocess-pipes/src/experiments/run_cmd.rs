//! Claim: `run` does what `subprocess.run` does: runs `ls` and captures its
//! output, turns a failing command into an error carrying its status and
//! the tail of its stderr (`check=True`), and kills *and reaps* a command
//! that runs past its timeout, leaving no zombie.

use std::time::{Duration, Instant};

use crate::child::zombie_children;
use crate::contract::measure::{human_time, parse_positive_duration};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::flags::dur_opt;
use crate::run::{Run, RunError};

/// The default of `--timeout`.
const TIMEOUT: Scaled<Duration> =
    Scaled::new(Duration::from_millis(500), Duration::from_millis(200));

/// Flags of `run`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct RunCmd {
    /// The timeout given to `sleep 30`.
    #[arg(long, value_parser = parse_positive_duration, help = TIMEOUT.help("The timeout given to `sleep 30`"))]
    #[serde(with = "dur_opt")]
    pub timeout: Option<Duration>,
}

impl Experiment for RunCmd {
    const NAME: &'static str = "run";
    const CLAIM: &'static str = "run() captures output, reports a failure with its status and stderr, and kills and reaps a child past its timeout";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let timeout = *self.timeout.get_or_insert(TIMEOUT.pick(ctx.quick));
        let here = env!("CARGO_MANIFEST_DIR");
        let mut lines = Vec::new();

        // 1. ls, captured.
        let ls = Run::new("ls")
            .arg("-l")
            .cwd(here)
            .timeout(Duration::from_secs(10))
            .run();
        let ls_ok = match &ls {
            Ok(done) => {
                lines.push(format!(
                    "$ ls -l   (cwd {here}) -> {} in {}",
                    done.status,
                    human_time(done.elapsed.as_secs_f64())
                ));
                for l in done.stdout_lossy().lines().take(6) {
                    lines.push(format!("    {l}"));
                }
                done.status.success() && done.stdout_lossy().contains("Cargo.toml")
            }
            Err(e) => {
                lines.push(format!("$ ls -l -> error: {e}"));
                false
            }
        };

        // 2. A failing command with check=True.
        let failed = Run::new("ls").arg("/no/such/directory").check(true).run();
        let failed_ok = match &failed {
            Err(
                e @ RunError::Failed {
                    status,
                    stderr_tail,
                    ..
                },
            ) => {
                lines.push(format!(
                    "$ ls /no/such/directory  (check) -> error: {}",
                    e.to_string().replace('\n', " | ")
                ));
                !status.success() && !stderr_tail.is_empty()
            }
            other => {
                lines.push(format!("$ ls /no/such/directory -> unexpected: {other:?}"));
                false
            }
        };

        // 3. A command that outlives its timeout.
        let started = Instant::now();
        let slow = Run::new("sleep").arg("30").timeout(timeout).run();
        let took = started.elapsed();
        let zombies = zombie_children();
        let slow_ok = matches!(slow, Err(RunError::TimedOut(_))) && zombies.is_empty();
        lines.push(format!(
            "$ sleep 30  (timeout {}) -> {} after {}; zombie children now: {}",
            human_time(timeout.as_secs_f64()),
            match &slow {
                Err(e) => format!("error: {e}"),
                Ok(done) => format!("finished?! {}", done.status),
            },
            human_time(took.as_secs_f64()),
            zombies.len()
        ));

        let overshoot = took.saturating_sub(timeout).as_secs_f64();
        let mut r = Report::new(
            Verdict::from_bool(ls_ok && failed_ok && slow_ok),
            format!(
                "ls captured: {ls_ok}; failure carried status and stderr: {failed_ok}; timeout killed and reaped {} after the deadline, no zombie: {slow_ok}",
                human_time(overshoot)
            ),
        )
        .metric("timeout_overshoot_ms", overshoot * 1e3, "ms")
        .metric("zombies", zombies.len() as f64, "processes");
        for l in lines {
            r.say(l);
        }
        Ok(r)
    }
}
