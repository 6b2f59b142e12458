//! Claim: N worker processes scanning a shared mapping reach at least 80% of
//! the bandwidth of N threads scanning the same bytes in a `Vec` in one
//! process, on the same cores, in the same run: mapped memory is just memory.

use std::time::Duration;

use crate::Dataset;
use crate::contract::measure::interleaved;
use crate::contract::scaled::{Bytes, Scaled};
use crate::contract::size::show_bytes;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report};
use crate::flags::{MAX_WORKERS, default_workers, parse_size};
use crate::scan::{in_process, in_workers};
use crate::worker_set::WorkerExe;

/// The default of `--size`.
const SIZE: Scaled<Bytes> = Scaled::new(Bytes(256 << 20), Bytes(16 << 20));

/// The default of `--passes`.
const PASSES: Scaled<u32> = Scaled::new(4, 2);

/// The target: mapped scan bandwidth as a fraction of the in-process one.
const TARGET: f64 = 0.8;
/// At or below this fraction the claim clearly fails; between, undecided.
const FAILS_AT: f64 = 0.6;
/// Limit on every wait for the workers.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Flags of `scan-bandwidth`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ScanBandwidth {
    /// Dataset size.
    #[arg(long, value_parser = parse_size, help = SIZE.help("Dataset size"))]
    pub size: Option<u64>,
    /// Worker processes, and threads for the in-process scan [default: cores, at least 2].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_WORKERS as i64))]
    pub workers: Option<u32>,
    /// Passes over the data per measurement.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000), help = PASSES.help("Passes over the data per measurement"))]
    pub passes: Option<u32>,
}

impl Experiment for ScanBandwidth {
    const NAME: &'static str = "scan-bandwidth";
    const CLAIM: &'static str = "a parallel scan of the shared mapping by worker processes reaches >= 80% of an in-process scan of the same data in a Vec";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let size = *self.size.get_or_insert(SIZE.pick(ctx.quick).0);
        let workers = self.workers.unwrap_or_else(default_workers);
        let passes = *self.passes.get_or_insert(PASSES.pick(ctx.quick));
        self.workers = Some(workers);
        let exe = WorkerExe::current()?;
        let data = Dataset::generate(size as usize)?;
        let direct = data.direct_checksum()?;
        let vec: Vec<u8> = data.memfd().map()?.to_vec();
        let bytes = size as f64 * f64::from(passes);

        let mut in_vec = || -> anyhow::Result<f64> {
            let s = in_process(&vec, workers as usize, passes);
            anyhow::ensure!(
                s.total == direct,
                "in-process total {} != direct {direct}",
                s.total
            );
            Ok(bytes / s.secs / 1e9)
        };
        let mut mapped = || -> anyhow::Result<f64> {
            let s = in_workers(&data, workers as usize, passes, &exe, TIMEOUT)?;
            anyhow::ensure!(
                s.total == direct,
                "mapped total {} != direct {direct}",
                s.total
            );
            Ok(bytes / s.secs / 1e9)
        };
        let stats = interleaved(ctx.repeats_or(7, 3), &mut [&mut in_vec, &mut mapped])?;
        let (vec_bw, map_bw) = (stats[0], stats[1]);
        let fraction = map_bw.median / vec_bw.median;
        let cores = Machine::current().cores;
        let judged = Judgement::at_least(fraction, TARGET, FAILS_AT);
        let mut r = Report::new(
            judged.verdict(),
            format!(
                "{workers} processes over the mapping reach {:.0}% of {workers} threads over a Vec (target >= {:.0}%, fails <= {:.0}%: {}) on {cores} cores",
                fraction * 100.0,
                TARGET * 100.0,
                FAILS_AT * 100.0,
                judged.as_str()
            ),
        )
        .metric("mapped_fraction", fraction, "fraction")
        .metric("mapped_gb_per_s", map_bw.median, "GB/s")
        .metric("vec_gb_per_s", vec_bw.median, "GB/s");
        r.undecided = judged == Judgement::Undecided;
        r.say(format!(
            "{} dataset, {passes} passes, {workers} workers/threads; totals equal the direct sum {direct:#x}",
            show_bytes(size as f64)
        ));
        r.say(format!(
            "in-process Vec, {workers} threads:      {}",
            vec_bw.show(1.0, "GB/s")
        ));
        r.say(format!(
            "shared mapping, {workers} processes:    {}",
            map_bw.show(1.0, "GB/s")
        ));
        r.say("workers map with MAP_POPULATE before the common start, so page-table setup is not timed; only the scan is");
        Ok(r)
    }
}
