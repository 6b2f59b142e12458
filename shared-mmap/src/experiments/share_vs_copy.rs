//! Claim: sharing a read-only dataset by mmap costs the same setup whatever
//! its size (1 GiB within 2x of 64 MiB; setup = a worker's `mmap()` of its
//! slice, process start excluded and shown apart), while copying it to the
//! workers, by pipe or by reading the file, grows with the size; and PSS
//! summed over the processes counts the mapped pages once.
//!
//! `mmap()` touches no page: the page tables fill on first access. So each
//! mmap worker also times touching one byte of every page of its slice
//! right after mapping it. That part grows with the size too (one page
//! fault per page or per fault-around batch), and the verdict requires
//! mapping plus touching to stay below either copy at the largest size: no
//! copy is hidden in the first access.

use std::time::Duration;

use crate::Dataset;
use crate::contract::measure::{Stats, human_time, interleaved};
use crate::contract::scaled::{Bytes, Scaled};
use crate::contract::series::ShareCost;
use crate::contract::size::show_bytes;
use crate::contract::part::Part;
use crate::contract::{Ctx, Experiment, Machine, Report, Verdict};
use crate::flags::{MAX_WORKERS, default_workers, parse_size};
use crate::share::{Method, Options, Outcome, reduce};
use crate::worker_set::WorkerExe;

/// Limit on every wait for the workers of one run.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Copying "grows with size" when its setup grows at least this much more than mmap's...
const GROWTH: f64 = 2.0;
/// ...provided the sizes differ by at least this factor.
const MIN_SIZE_RATIO: f64 = 4.0;
/// Mapped pages "counted once": the PSS sum stays below this many times the
/// data (parent + workers map it; the rest is the processes' own baseline),
/// while a copy's PSS sum is above `2 - (ONCE - 1)` times the data.
const ONCE: f64 = 1.25;
/// mmap's setup "stays the same" at most 2x apart over the sizes; at this
/// growth or more it clearly grows with them (as copying does). Between,
/// a setup of a few microseconds measured on a busy machine cannot decide.
const MMAP_GROWS: f64 = 4.0;
/// Copying "does not grow" when its setup grows at most this much.
const COPY_FLAT: f64 = 1.25;
/// Mapping plus touching every page costs less than the cheaper copy
/// (below 1 of it holds); at this share or more it clearly does not.
const TOUCH_COSTLY: f64 = 1.5;

/// The default of `--sizes`.
const SIZES: Scaled<&[Bytes]> = Scaled::new(
    &[
        Bytes(64 << 20),
        Bytes(128 << 20),
        Bytes(256 << 20),
        Bytes(512 << 20),
    ],
    &[
        Bytes(4 << 20),
        Bytes(8 << 20),
        Bytes(16 << 20),
        Bytes(32 << 20),
    ],
);

/// Flags of `share-vs-copy`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ShareVsCopy {
    /// Dataset sizes, comma-separated, smallest judged against largest (the
    /// full scale: 64M,256M,1G).
    #[arg(long, value_delimiter = ',', value_parser = parse_size, help = SIZES.help("Dataset sizes, comma-separated, smallest judged against largest (the full scale: 64M,256M,1G)"))]
    pub sizes: Option<Vec<u64>>,
    /// Worker processes, each reducing one slice [default: cores, at least 2].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_WORKERS as i64))]
    pub workers: Option<u32>,
}

/// Medians of one method at one size.
struct Row {
    setup: Stats,
    data_setup: Stats,
    touch: Stats,
    total: Stats,
    pss: f64,
    rss: f64,
}

impl Experiment for ShareVsCopy {
    const NAME: &'static str = "share-vs-copy";
    const CLAIM: &'static str = "mmap() of a shared dataset is O(1) in its size (largest within 2x of smallest; no page touched yet) while copying grows; mapping plus touching every page stays below copying; PSS counts mapped pages once";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let mut sizes = self
            .sizes
            .clone()
            .unwrap_or_else(|| SIZES.pick(ctx.quick).iter().map(|b| b.0).collect());
        sizes.sort_unstable();
        sizes.dedup();
        let workers = self.workers.unwrap_or_else(default_workers);
        self.sizes = Some(sizes.clone());
        self.workers = Some(workers);
        let repeats = ctx.repeats_or(3, 3);
        let exe = WorkerExe::current()?;
        let opts = Options {
            workers: workers as usize,
            timeout: TIMEOUT,
            kill_worker: None,
        };

        let mut lines = vec![format!(
            "{workers} worker processes on {} cores; {repeats} interleaved runs after a warm-up, medians",
            Machine::current().cores
        )];
        let mut table: Vec<Vec<Row>> = Vec::new();
        for &size in &sizes {
            let data = Dataset::generate(size as usize)?;
            let direct = data.direct_checksum()?;
            let mut outs: [Vec<Outcome>; 3] = Default::default();
            let stats = {
                let mut runs: Vec<Box<dyn FnMut() -> anyhow::Result<f64> + '_>> = Vec::new();
                for (m, out) in Method::ALL.into_iter().zip(outs.iter_mut()) {
                    let (data, opts, exe) = (&data, &opts, &exe);
                    runs.push(Box::new(move || {
                        let o = reduce(data, m, opts, exe)?;
                        anyhow::ensure!(
                            o.total == direct,
                            "{}: total {} != direct {direct}",
                            m.name(),
                            o.total
                        );
                        out.push(o);
                        Ok(o.setup)
                    }));
                }
                let mut refs: Vec<&mut dyn FnMut() -> anyhow::Result<f64>> =
                    runs.iter_mut().map(|b| b.as_mut() as _).collect();
                interleaved(repeats, &mut refs)?
            };
            lines.push(format!(
                "{}: totals of all methods equal the direct sum {direct:#x}",
                show_bytes(size as f64)
            ));
            let mut rows = Vec::new();
            for ((m, setup), out) in Method::ALL.iter().zip(stats).zip(&outs) {
                let measured = &out[1..]; // skip the warm-up
                let of =
                    |f: fn(&Outcome) -> f64| Stats::of(&measured.iter().map(f).collect::<Vec<_>>());
                let total = of(|o| o.elapsed);
                let data_setup = of(|o| o.data_setup);
                let touch = of(|o| o.touch);
                let pss = of(|o| o.memory.pss_kib as f64 * 1024.0).median;
                let rss = of(|o| o.memory.rss_kib as f64 * 1024.0).median;
                let touched = if *m == Method::Mmap {
                    format!(" + touch {:>10}", human_time(touch.median))
                } else {
                    " ".repeat(19)
                };
                lines.push(format!(
                    "  {:<5} data setup {:>10}{touched}  setup with spawn {:>10}  total {:>10}  PSS sum {:>6.0} MiB ({:.2}x data)  RSS sum {:>6.0} MiB ({:.2}x)",
                    m.name(),
                    human_time(data_setup.median),
                    human_time(setup.median),
                    human_time(total.median),
                    pss / 1048576.0,
                    pss / size as f64,
                    rss / 1048576.0,
                    rss / size as f64
                ));
                rows.push(Row {
                    setup,
                    data_setup,
                    touch,
                    total,
                    pss,
                    rss,
                });
            }
            table.push(rows);
        }
        lines.push("data setup: from a worker's start until it holds its slice (largest over workers; mmap: mapped, no page touched); touch: mmap workers then reading one byte of every page; setup with spawn: from spawning until all hold theirs (mmap: touched)".into());
        lines.push("PSS sums parent + workers while they hold their data; the parent maps the whole dataset in every method".into());
        Ok(verdict(&sizes, &table, lines))
    }
}

fn verdict(sizes: &[u64], table: &[Vec<Row>], lines: Vec<String>) -> Report {
    let (first, last) = (&table[0], &table[table.len() - 1]);
    let ratio = |m: usize, f: fn(&Row) -> f64| f(&last[m]) / f(&first[m]);
    let data = |r: &Row| r.data_setup.median;
    let spawn = |r: &Row| r.setup.median;
    let (mmap, pipe, read) = (ratio(0, data), ratio(1, data), ratio(2, data));
    let size_ratio = sizes[sizes.len() - 1] as f64 / sizes[0] as f64;
    let span = format!(
        "{} vs {}",
        show_bytes(sizes[sizes.len() - 1] as f64),
        show_bytes(sizes[0] as f64)
    );
    let size = sizes[sizes.len() - 1] as f64;
    let (pss_map, pss_pipe) = (last[0].pss / size, last[1].pss / size);
    // Mapping plus first touch at the largest size, against the cheaper copy.
    let used = last[0].data_setup.median + last[0].touch.median;
    let touch_share = used / data(&last[1]).min(data(&last[2]));
    let (parts, detail) = if size_ratio < MIN_SIZE_RATIO {
        (
            None,
            format!(
                "sizes {span} differ by less than {MIN_SIZE_RATIO}x: too close to judge; mmap data setup ratio {mmap:.2}"
            ),
        )
    } else {
        // Each figure with a band between holding and failing: timings of a
        // few microseconds move with the machine (one CI round measured
        // mmap's ratio at 2.22, the others 1.02-1.68).
        let parts = [
            Part::at_most("mmap_data_setup_ratio", mmap, 2.0, MMAP_GROWS),
            Part::at_least("pipe_data_setup_ratio", pipe, GROWTH, COPY_FLAT),
            Part::at_least("read_data_setup_ratio", read, GROWTH, COPY_FLAT),
            Part::at_most("mmap_touch_of_cheaper_copy", touch_share, 1.0, TOUCH_COSTLY),
            Part::at_most("mmap_pss_per_data", pss_map, ONCE, 2.0 - (ONCE - 1.0)),
            Part::at_least("pipe_pss_per_data", pss_pipe, 2.0 - (ONCE - 1.0), ONCE),
        ];
        (
            Some(parts),
            format!(
                "data setup {span}: mmap() {mmap:.2}x (target <= 2, fails >= {MMAP_GROWS}), pipe {pipe:.1}x, read {read:.1}x (copying grows, target >= {GROWTH}, fails <= {COPY_FLAT}); mmap + touching every page {touch:.1}x, {used_pct:.0}% of the cheaper copy at {big} (target < 100%, fails >= {:.0}%); with process spawn mmap {:.2}x; PSS sum mmap {pss_map:.2}x data, pipe {pss_pipe:.2}x",
                TOUCH_COSTLY * 100.0,
                ratio(0, spawn),
                touch = ratio(0, |r| r.data_setup.median + r.touch.median),
                used_pct = 100.0 * touch_share,
                big = show_bytes(sizes[sizes.len() - 1] as f64),
            ),
        )
    };
    // The key figure (first) is mmap's: the claim's first half.
    let mut r = Report::new(Verdict::Info, detail)
        .metric("mmap_data_setup_ratio", mmap, "x")
        .metric("pipe_data_setup_ratio", pipe, "x")
        .metric("read_data_setup_ratio", read, "x")
        .metric(
            "mmap_touch_ratio",
            ratio(0, |r| r.data_setup.median + r.touch.median),
            "x",
        )
        .metric("mmap_setup_with_spawn_ratio", ratio(0, spawn), "x")
        .metric("pipe_setup_with_spawn_ratio", ratio(1, spawn), "x")
        .metric("mmap_touch_of_cheaper_copy", touch_share, "fraction")
        .metric("mmap_pss_per_data", pss_map, "x")
        .metric("pipe_pss_per_data", pss_pipe, "x");
    if let Some(parts) = &parts {
        r.judge_parts(parts);
    }
    for (i, m) in Method::ALL.iter().enumerate() {
        let points: Vec<ShareCost> = sizes
            .iter()
            .zip(table)
            .map(|(&size, rows)| {
                let row = &rows[i];
                ShareCost {
                    size_bytes: size,
                    data_setup_ms: row.data_setup.median * 1e3,
                    touch_ms: row.touch.median * 1e3,
                    setup_ms: row.setup.median * 1e3,
                    total_ms: row.total.median * 1e3,
                    pss_per_byte: row.pss / size as f64,
                    rss_per_byte: row.rss / size as f64,
                }
            })
            .collect();
        r.push_series_named(&ShareCost::series_name(m.name()), &points);
    }
    for l in lines {
        r.say(l);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with these medians (seconds) and memory (bytes).
    fn row(data_setup: f64, touch: f64, pss: f64) -> Row {
        let s = |x: f64| Stats::of(&[x]);
        Row {
            setup: s(data_setup + touch + 0.01),
            data_setup: s(data_setup),
            touch: s(touch),
            total: s(data_setup + touch + 0.02),
            pss,
            rss: 2.0 * pss,
        }
    }

    fn judged(big_touch: f64) -> Verdict {
        judged_with(5e-5, big_touch)
    }

    fn judged_with(big_mmap: f64, big_touch: f64) -> Verdict {
        let (small, big) = (64.0 * 1048576.0, 1024.0 * 1048576.0);
        let table = vec![
            vec![
                row(5e-5, 0.02, small),
                row(0.05, 0.0, 2.0 * small),
                row(0.09, 0.0, 2.0 * small),
            ],
            vec![
                row(big_mmap, big_touch, big),
                row(1.7, 0.0, 2.0 * big),
                row(1.4, 0.0, 2.0 * big),
            ],
        ];
        verdict(&[64 << 20, 1 << 30], &table, Vec::new()).verdict
    }

    #[test]
    fn a_copy_hidden_in_the_first_touch_fails_the_claim() {
        assert_eq!(judged(0.15), Verdict::Holds);
        // mmap() alone stays O(1), but touching costs twice the cheaper copy.
        assert_eq!(judged(2.8), Verdict::DoesNotHold);
        // 1.2 times the cheaper copy: between the bars, not decided.
        assert_eq!(judged(1.7), Verdict::Info);
    }

    #[test]
    fn a_microsecond_setup_a_little_past_its_bar_decides_nothing() {
        // 2.2x for 16x the data (one CI round's figure): undecided...
        assert_eq!(judged_with(1.1e-4, 0.15), Verdict::Info);
        // ...while mmap growing like a copy fails.
        assert_eq!(judged_with(5e-4, 0.15), Verdict::DoesNotHold);
    }
}
