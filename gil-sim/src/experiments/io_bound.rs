//! Claim: threads do help I/O-bound work, under every GIL policy: the GIL
//! is released while a call blocks, so N threads blocking at once finish
//! about N times sooner than one thread making all the calls.

use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::experiments::common::{Secs, Variant, config, interleave, policies_or_all, secs};
use crate::experiments::workloads::io_run;
use crate::gil::Policy;

/// Flags of `io-bound`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct IoBound {
    /// Threads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: u64,
    /// Blocking calls per thread [default: 10; quick: 4].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub calls: Option<u64>,
    /// How long each call blocks [default: 2ms; quick: 1ms].
    #[arg(long, value_parser = secs)]
    pub block: Option<Secs>,
    /// GIL policies (repeatable) [default: all].
    #[arg(long = "gil", value_enum)]
    pub gil: Vec<Policy>,
}

impl Experiment for IoBound {
    const NAME: &'static str = "io-bound";
    const CLAIM: &'static str = "threads speed up blocking I/O about N times under every GIL policy (the GIL is released while blocked)";

    fn run(&self, ctx: &Ctx) -> anyhow::Result<Report> {
        let calls = self.calls.unwrap_or(ctx.pick(10, 4));
        let block = self
            .block
            .unwrap_or(Secs(ctx.pick(2, 1) * std::time::Duration::from_millis(1)));
        let policies = policies_or_all(&self.gil);
        let resolved = IoBound {
            calls: Some(calls),
            block: Some(block),
            gil: policies.clone(),
            ..self.clone()
        };
        let threads = self.threads as usize;
        let mut report = Report::new(Verdict::Info, "");
        let mut worst = f64::INFINITY;
        let mut metrics = Vec::new();
        for &p in &policies {
            let cfg = config(p, std::time::Duration::from_millis(5));
            let c = &cfg;
            let stats = interleave(
                ctx.repeats_or(3, 2),
                vec![
                    Box::new(move || io_run(c, threads, calls, block.0, true)) as Variant<'_>,
                    Box::new(move || io_run(c, threads, calls, block.0, false)),
                ],
            )?;
            let speedup = stats[0].median / stats[1].median;
            worst = worst.min(speedup);
            report.say(format!(
                "{:<6} one thread {}  {threads} threads {}  speedup {speedup:.2}x",
                p.name(),
                stats[0].show(1e3, "ms"),
                stats[1].show(1e3, "ms")
            ));
            metrics.push((format!("{}_speedup", p.name()), speedup));
        }
        let ok = worst >= 0.7 * threads as f64;
        report.verdict = Verdict::from_bool(ok);
        report.detail = format!(
            "{threads} threads blocking: the lowest speedup over the policies is {worst:.2}x (wanted >= {:.1}x)",
            0.7 * threads as f64
        );
        metrics.sort_by_key(|(k, _)| k != "py311_speedup");
        for (k, v) in metrics {
            report.push_metric(k, v, "x");
        }
        Ok(report.params(&resolved))
    }
}
