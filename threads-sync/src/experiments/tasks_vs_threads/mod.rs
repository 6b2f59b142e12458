//! Claim (the lecture's "when to use what": many slow waits -> asyncio): an
//! idle task costs at least 10x less memory than an idle thread, in Rust
//! (tokio tasks vs `std::thread`) and in CPython (`asyncio` tasks vs
//! `threading.Thread`), and far less time to start.
//!
//! Each side parks N waiters on one shared signal, times how long starting
//! them took, then releases and joins them all (Rust's kinds interleaved,
//! a few times; each CPython run in a fresh interpreter). Memory is weighed
//! on a growing run: each kind starts waiters until its resident memory
//! grew by a budget (or the OS refuses one more, or a cap is reached), and
//! the memory per waiter is what they added divided by how many were
//! parked. Weighed at that scale, a heap the process already had (a run of
//! all experiments has used it before) hides little of the cost; the count
//! reached and what stopped it are figures too: how far each approach goes
//! on this machine.
//!
//! A waiter's memory is its resident memory (a thread's touched stack
//! pages and state, not its reserved 2 MiB, 8 MiB for CPython's, of address
//! space) plus its kernel stack (16 KiB a thread on x86-64, read from
//! `/proc/meminfo`: it is in no process's RSS); tasks have no kernel stack.
//! Both parts are shown. The bar is 10x with a band down to 3x.

mod cpython_side;
mod side;
mod sizing;

use crate::contract::measure::{Stats, human_time};
use crate::contract::part::Part;
use crate::contract::scaled::Scaled;
use crate::contract::size::show_bytes;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::idle_waiters::{Kind, Stop, hold};
use side::{Side, stop_text};
use sizing::{LIMIT, batch};

/// The default of `--waiters`.
const WAITERS: Scaled<u64> = Scaled::new(10_000, 1_000);

/// The default of `--budget-mib`.
const BUDGET_MIB: Scaled<u64> = Scaled::new(128, 64);

/// Flags of `tasks-vs-threads`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct TasksVsThreads {
    /// Idle waiters parked at once, per kind.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000), help = WAITERS.help("Idle waiters parked at once, per kind"))]
    pub waiters: Option<u64>,
    /// Memory budget of the growing run, MiB of resident memory.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=65_536), help = BUDGET_MIB.help("Memory budget of the growing run, MiB of resident memory"))]
    pub budget_mib: Option<u64>,
    /// The most waiters the growing run starts, per kind.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_waiters: u64,
    /// Skip the CPython side by side.
    #[arg(long)]
    pub no_python: bool,
}

impl Experiment for TasksVsThreads {
    const NAME: &'static str = "tasks-vs-threads";
    const CLAIM: &'static str = "an idle task costs at least 10x less memory than an idle thread, in Rust (tokio vs std::thread) and in CPython (asyncio vs threading)";

    // Judged on bytes, not time: a busy host cannot change a waiter's
    // memory (the start times are shown, not judged).
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.waiters.get_or_insert(WAITERS.pick(ctx.quick)) as usize;
        let budget_mib = *self.budget_mib.get_or_insert(BUDGET_MIB.pick(ctx.quick));
        let budget = budget_mib << 20;
        let cap = self.max_waiters as usize;
        let r = ctx.repeats_or(3, 3);
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!(
            "start: {n} idle waiters per kind, median of {r} runs (Rust interleaved); memory: a growing run per kind, until {budget_mib} MiB resident, the OS refuses, or {cap} waiters"
        ));

        let kinds = [("tokio tasks", Kind::Tasks), ("std threads", Kind::Threads)];
        let mut starts: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..r {
            for (i, (name, kind)) in kinds.into_iter().enumerate() {
                let held = hold(kind, n, u64::MAX, n, LIMIT)?;
                anyhow::ensure!(
                    held.stop == Stop::Cap,
                    "{name}: only {} of {n} parked ({})",
                    held.parked,
                    stop_text(&held.stop)
                );
                starts[i].push(held.start_secs / n as f64);
            }
        }
        let mut rust = Vec::new();
        for (i, (name, kind)) in kinds.into_iter().enumerate() {
            let grown = hold(kind, cap, budget, batch(kind), LIMIT)?;
            rust.push(Side::new(name, &grown, Stats::of(&starts[i])));
        }
        let python = cpython_side::sides(self.no_python, ctx, n, budget_mib, cap, &mut report);

        report.say(format!(
            "{:<18} {:>11} {:>13} {:>11} {:>22} {:>28}",
            "kind",
            "resident",
            "kernel stack",
            "total",
            "start one (median)",
            "reached within the budget"
        ));
        for s in rust.iter().chain(&python) {
            report.say(format!(
                "{:<18} {:>11} {:>13} {:>11} {:>22} {:>28}",
                s.name,
                show_bytes(s.resident),
                show_bytes(s.kernel),
                show_bytes(s.bytes()),
                human_time(s.start_each.median),
                format!("{} ({})", s.reached, s.stop),
            ));
        }
        let ratio = |sides: &[Side]| sides[1].bytes() / sides[0].bytes().max(1.0);
        let rust_ratio = ratio(&rust);
        report.push_metric("rust_thread_over_task_memory", rust_ratio, "x");
        let py_ratio = (python.len() == 2).then(|| ratio(&python));
        if let Some(x) = py_ratio {
            report.push_metric("cpython_thread_over_task_memory", x, "x");
        }
        let keys = [
            ("tokio_task", "tokio_tasks"),
            ("std_thread", "std_threads"),
            ("asyncio_task", "asyncio_tasks"),
            ("cpython_thread", "cpython_threads"),
        ];
        for (s, (one, many)) in rust.iter().chain(&python).zip(keys) {
            report.push_metric(format!("{one}_bytes"), s.bytes(), "B");
            report.push_metric(format!("{one}_resident_bytes"), s.resident, "B");
            report.push_metric(format!("{one}_start_us"), s.start_each.median * 1e6, "us");
            report.push_metric(format!("{many}_reached"), s.reached as f64, "waiters");
        }
        let mut parts = vec![Part::at_least(
            "rust_thread_over_task_memory",
            rust_ratio,
            10.0,
            3.0,
        )];
        parts.extend(
            py_ratio.map(|x| Part::at_least("cpython_thread_over_task_memory", x, 10.0, 3.0)),
        );
        report.judge_parts(&parts);
        report.detail = format!(
            "a thread takes {rust_ratio:.0}x a task's memory in Rust ({} vs {}; {}), {} in CPython ({}); target >= 10x, fails <= 3x",
            show_bytes(rust[1].bytes()),
            show_bytes(rust[0].bytes()),
            parts[0].as_str(),
            py_ratio.map_or("not measured".into(), |x| format!("{x:.0}x")),
            parts.get(1).map_or("skipped", Part::as_str),
        );
        Ok(report)
    }
}
