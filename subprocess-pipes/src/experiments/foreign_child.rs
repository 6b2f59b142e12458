//! Claim: the same pipes talk to a program that is not Rust: a Python
//! child answers JSON-lines requests (`subprocess` running "non-Python
//! programs", turned around), and CPython's own `multiprocessing.Pipe` is
//! measured there for comparison. Skipped, saying so, without Python.
//!
//! The parent writes one JSON object a line to the child's stdin and reads
//! one a line from its stdout; a reader thread turns the child's lines into
//! a channel the parent can wait on with a timeout, so a silent child costs
//! a timeout, not a hang. Every answer is checked, and one malformed
//! request shows that the child answers errors rather than dying.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};

use crate::contract::measure::{Stats, human_time};
use crate::contract::python::Python;
use crate::contract::scaled::Scaled;
use crate::contract::series::MpPipeThroughput;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::popen::Popen;

/// The default of `--requests`.
const REQUESTS: Scaled<u64> = Scaled::new(2000, 300);

/// Flags of `foreign-child`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ForeignChild {
    /// Requests per measured run.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000), help = REQUESTS.help("Requests per measured run"))]
    pub requests: Option<u64>,
    /// The Python interpreter [default: python3 on PATH].
    #[arg(long)]
    pub python: Option<PathBuf>,
}

/// How long the parent waits for one answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

fn script(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/python")).join(name)
}

impl Experiment for ForeignChild {
    const NAME: &'static str = "foreign-child";
    const CLAIM: &'static str = "a parent talks JSON lines to a Python child over the same pipes; CPython's multiprocessing.Pipe measured there for comparison";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.requests.get_or_insert(REQUESTS.pick(ctx.quick));
        let repeats = ctx.repeats_or(3, 2);
        let Some(py) = Python::find(self.python.as_deref()) else {
            let mut r = Report::new(Verdict::Info, "no python3 found: foreign-child skipped");
            r.say("skipped: no Python interpreter (python3 on PATH, or --python PATH)");
            return Ok(r);
        };

        let mut cmd = Command::new(&py.path);
        cmd.arg(script("json_child.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = Popen::spawn(cmd)?;
        let mut stdin = child.take_stdin().context("python stdin")?;
        let stdout = child.take_stdout().context("python stdout")?;
        let (tx, lines) = mpsc::channel::<std::io::Result<String>>();
        std::thread::Builder::new()
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            })
            .context("starting the reader thread")?;
        let mut ask = move |req: Value| -> anyhow::Result<Value> {
            writeln!(stdin, "{req}").context("writing to the Python child")?;
            stdin.flush()?;
            let line = lines
                .recv_timeout(ANSWER_TIMEOUT)
                .context("the Python child did not answer in time (or exited)")??;
            Ok(serde_json::from_str(&line)?)
        };

        // A malformed request: the child must answer with an error, not die.
        let bad = ask(json!({"id": 0, "op": "no-such-op"}))?;
        let survives_errors = bad.get("error").is_some();
        // Round trips, each answer checked.
        let mut samples = Vec::new();
        let mut wrong = 0u64;
        for run in 0..=repeats {
            let t = Instant::now();
            for i in 0..n {
                let ans = match i % 3 {
                    0 => (ask(json!({"id": i, "op": "square", "x": i}))?, json!(i * i)),
                    1 => (
                        ask(json!({"id": i, "op": "upper", "s": format!("job{i}")}))?,
                        json!(format!("JOB{i}")),
                    ),
                    _ => (
                        ask(json!({"id": i, "op": "sum", "xs": [i, 1, 2]}))?,
                        json!(i + 3),
                    ),
                };
                if ans.0.get("id") != Some(&json!(i)) || ans.0.get("result") != Some(&ans.1) {
                    wrong += 1;
                }
            }
            if run > 0 {
                samples.push(t.elapsed().as_secs_f64() / n as f64);
            }
        }
        drop(ask); // drops stdin (moved in): the child reaches EOF and exits
        let status = child.wait_timeout(Duration::from_secs(5))?;
        let rtt = Stats::of(&samples);

        let mut r_lines = vec![
            format!(
                "Python {} child (python/json_child.py), {n} requests x {repeats} runs",
                py.version_string()
            ),
            format!(
                "JSON-lines round trip: {} (each run: {})",
                human_time(rtt.median),
                rtt.show(1e6, "µs")
            ),
            format!(
                "malformed request answered with an error: {survives_errors}; child at EOF: {}",
                status.map_or("still running (killed by the guard)".to_string(), |s| s
                    .to_string())
            ),
        ];
        let mp = mp_pipe(&py, ctx, &mut r_lines);
        let ok = wrong == 0 && survives_errors;
        let mut r = Report::new(
            Verdict::from_bool(ok),
            format!(
                "{} answers checked, {wrong} wrong; JSON-lines round trip {} (Python child)",
                n as usize * repeats,
                human_time(rtt.median)
            ),
        )
        .metric("json_lines_rtt_us", rtt.median * 1e6, "µs")
        .metric("wrong_answers", wrong as f64, "answers");
        if let Some(rtt) = mp.rtt_us {
            r.push_metric("mp_pipe_rtt_us", rtt, "µs");
        }
        r.push_series(&mp.throughput);
        for l in r_lines {
            r.say(l);
        }
        Ok(r)
    }
}

/// CPython's `multiprocessing.Pipe`, as measured by `mp_pipe.py`.
#[derive(Default)]
struct MpPipe {
    /// The send/recv round trip, in µs.
    rtt_us: Option<f64>,
    /// `send_bytes` bandwidth by message size.
    throughput: Vec<MpPipeThroughput>,
}

/// CPython's multiprocessing.Pipe round trip and throughput.
fn mp_pipe(py: &Python, ctx: &Ctx, lines: &mut Vec<String>) -> MpPipe {
    let args = [
        "--mode",
        "all",
        "--round-trips",
        &ctx.pick(5_000, 1_000).to_string(),
        "--repeats",
        &ctx.repeats_or(3, 2).to_string(),
        "--sizes",
        "1024,1048576,16777216",
        "--volume",
        &ctx.pick(16usize << 20, 4 << 20).to_string(),
    ]
    .map(String::from);
    let out = match py.run_json(&script("mp_pipe.py"), &args, Duration::from_secs(120)) {
        Ok(out) => out,
        Err(e) => {
            lines.push(format!(
                "multiprocessing.Pipe: mp_pipe.py failed ({e:#}); skipped"
            ));
            return MpPipe::default();
        }
    };
    let mut mp = MpPipe::default();
    for v in &out {
        match v.get("kind").and_then(Value::as_str) {
            Some("info") => lines.push(format!(
                "multiprocessing start method: {}",
                v.get("start_method").and_then(Value::as_str).unwrap_or("?")
            )),
            Some("rtt") => {
                let s = v
                    .get("median_s")
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::NAN);
                lines.push(format!(
                    "multiprocessing.Pipe send/recv round trip: {}",
                    human_time(s)
                ));
                mp.rtt_us = Some(s * 1e6);
            }
            Some("throughput") => {
                let size = v.get("size").and_then(Value::as_u64);
                let bps = v.get("median_bytes_per_s").and_then(Value::as_f64);
                let (Some(size), Some(bps)) = (size, bps.filter(|b| b.is_finite())) else {
                    lines.push(format!(
                        "multiprocessing.Pipe: a malformed line {v}; skipped"
                    ));
                    continue;
                };
                let mib = bps / (1 << 20) as f64;
                lines.push(format!(
                    "multiprocessing.Pipe send_bytes {}: {mib:.0} MiB/s",
                    crate::contract::size::show_bytes(size as usize as f64)
                ));
                mp.throughput.push(MpPipeThroughput {
                    size_bytes: size,
                    mib_s: mib,
                });
            }
            _ => {}
        }
    }
    mp
}
