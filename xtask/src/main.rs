//! `cargo xtask <task>`: the workspace's tasks. See `cargo xtask help`.

use std::process::ExitCode;
use std::time::Duration;

use xtask::{
    DEMOS, bare_libs, ci, copy_out, interrupt, manifests, report, run_all, runner, workspace,
};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  list                          every demo and its experiments
  run <demo> [args...]          run one demo in release (args go to the demo)
  run-all [--quick] [--json] [--timeout SECS] [--repeat N]
                                build every demo once, run each with --json
                                under a time limit, print a summary table;
                                --json passes the records through on stdout;
                                --repeat N runs every demo N times in turn and
                                shows per experiment how often each verdict
                                came out and the key figure's spread
  report [--quick] [--strict] [--out DIR] [--from FILE] [--timeout SECS] [--repeat N]
                                run every demo and write a self-contained HTML
                                page of charts and advice (default
                                <target dir>/report/index.html, following
                                CARGO_TARGET_DIR); --from re-renders
                                saved records.jsonl; PNG too if chromium exists;
                                --strict fails when a chart or advice row
                                cannot be derived from the records
  manifests                     check that every member's Cargo.toml stands
                                alone (nothing inherited from the workspace)
                                and that they agree on shared dependencies
  bare-libs                     build each demo's library without its `demo`
                                feature and check it pulls none of the demo's
                                dependencies (clap, anyhow, serde_json, ...)
  copy-out                      copy each demo crate (with contract/ and the
                                sibling crates it needs) to a temporary
                                directory and build it there, offline
  ci                            fmt, manifests, clippy (with and without the
                                demos), tests, docs, loom, bare-libs, copy-out,
                                and
                                report --quick --strict --repeat 3 (the demos
                                three rounds, their summary, and the page)
  help                          this text
";

/// Default per-demo limit for run-all: generous, a hang is still caught.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

fn main() -> ExitCode {
    if let Err(e) = interrupt::install() {
        eprintln!("xtask: error: {e:#}");
        return ExitCode::FAILURE;
    }
    let code = match try_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    };
    if interrupt::interrupted() {
        eprintln!("xtask: interrupted");
        return ExitCode::from(interrupt::exit_status());
    }
    code
}

fn try_main() -> anyhow::Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        print!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    };
    let ok = match task.as_str() {
        "list" => run_all::list().map(|()| true)?,
        "run" => return run(rest),
        // Bad arguments exit 2, as the demos do; failures of a task exit 1.
        "run-all" => match run_all_options(rest) {
            Ok(opts) => run_all::run_all(&opts)?,
            Err(e) => return Ok(usage(&e)),
        },
        "report" => match report_options(rest) {
            Ok(opts) => report::run(&opts)?,
            Err(e) => return Ok(usage(&e)),
        },
        "manifests" => manifests::run()?,
        "bare-libs" => bare_libs::run()?,
        "copy-out" => copy_out::run()?,
        "ci" => ci::run()?,
        // For the tests: run one command as a demo would be run (own
        // process group, time limit, Ctrl-C handling).
        "__run-as-demo" => {
            let [name, prog, args @ ..] = rest else {
                return Ok(usage(&anyhow::anyhow!(
                    "__run-as-demo needs a demo name and a command"
                )));
            };
            let mut cmd = std::process::Command::new(prog);
            cmd.args(args);
            let outcome = runner::run_demo(name, cmd, DEFAULT_TIMEOUT, |_, _| {})?;
            eprintln!("xtask: the command ended: {:?}", outcome.ending);
            outcome.ok()
        }
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            true
        }
        other => {
            eprint!("xtask: unknown task {other:?}\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A bad argument: says so and exits 2 (the demo contract's code for it).
fn usage(e: &anyhow::Error) -> ExitCode {
    eprintln!("xtask: {e:#} (see `cargo xtask help`)");
    ExitCode::from(2)
}

fn run(rest: &[String]) -> anyhow::Result<ExitCode> {
    let Some((demo, args)) = rest.split_first() else {
        return Ok(usage(&anyhow::anyhow!(
            "run needs a demo: one of {}",
            DEMOS.join(", ")
        )));
    };
    if !DEMOS.contains(&demo.as_str()) {
        return Ok(usage(&anyhow::anyhow!(
            "unknown demo {demo:?}: one of {}",
            DEMOS.join(", ")
        )));
    }
    let status = workspace::cargo()
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            demo,
            "--bin",
            demo,
            "--",
        ])
        .args(args)
        .status()?;
    Ok(ExitCode::from(
        status.code().unwrap_or(1).clamp(0, 255) as u8
    ))
}

fn run_all_options(rest: &[String]) -> anyhow::Result<run_all::Options> {
    let mut opts = run_all::Options {
        quick: false,
        json: false,
        timeout: DEFAULT_TIMEOUT,
        repeat: 1,
    };
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--json" => opts.json = true,
            "--timeout" => {
                let v = it
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("--timeout needs a number of seconds"))?;
                opts.timeout = seconds(v)?;
            }
            "--repeat" => {
                let v = it
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("--repeat needs a number of runs"))?;
                opts.repeat = runs(v)?;
            }
            other => anyhow::bail!(
                "run-all: unknown flag {other:?} (--quick, --json, --timeout SECS, --repeat N)"
            ),
        }
    }
    Ok(opts)
}

fn report_options(rest: &[String]) -> anyhow::Result<report::Options> {
    let mut opts = report::Options {
        quick: false,
        out: workspace::target_dir().join("report"),
        from: None,
        timeout: DEFAULT_TIMEOUT,
        repeat: 1,
        strict: false,
    };
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--quick" => opts.quick = true,
            "--strict" => opts.strict = true,
            "--out" => opts.out = value("--out")?.into(),
            "--from" => opts.from = Some(value("--from")?.into()),
            "--timeout" => opts.timeout = seconds(&value("--timeout")?)?,
            "--repeat" => opts.repeat = runs(&value("--repeat")?)?,
            other => anyhow::bail!(
                "report: unknown flag {other:?} (--quick, --strict, --out DIR, --from FILE, --timeout SECS, --repeat N)"
            ),
        }
    }
    Ok(opts)
}

/// Most rounds `--repeat` takes: a typo of 1000 should not run for a day.
const MAX_REPEAT: usize = 100;

fn runs(s: &str) -> anyhow::Result<usize> {
    let n: usize = s
        .parse()
        .map_err(|_| anyhow::anyhow!("--repeat {s:?}: not a whole number of runs"))?;
    anyhow::ensure!(
        (1..=MAX_REPEAT).contains(&n),
        "--repeat {n}: must be between 1 and {MAX_REPEAT}"
    );
    Ok(n)
}

fn seconds(s: &str) -> anyhow::Result<Duration> {
    let secs: f64 = s
        .parse()
        .map_err(|_| anyhow::anyhow!("{s:?} is not a number of seconds"))?;
    anyhow::ensure!(
        secs > 0.0 && secs.is_finite(),
        "the timeout must be > 0 seconds"
    );
    Duration::try_from_secs_f64(secs)
        .map_err(|_| anyhow::anyhow!("--timeout {s}: too long (at most {} s)", u64::MAX))
}
