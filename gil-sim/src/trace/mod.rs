//! # Watching the GIL: a timeline of every hand-off
//!
//! A run of the VM can record, per thread, when it held the GIL, when it
//! waited for it, when it was blocked in I/O or native work without it, and
//! the moments in between: a waiter's drop request, the holder's forced
//! switch, a voluntary release before a blocking call.
//!
//! ## 1. Record a run
//!
//! Set [`RunConfig::trace`](crate::vm::RunConfig::trace) to the number of
//! events each thread may keep; [`Outcome::trace`](crate::vm::Outcome::trace)
//! then holds a [`Trace`]. Recording goes to per-thread buffers allocated
//! before the threads start ([`record`]), so it takes no lock and allocates
//! nothing while the threads run.
//!
//! ```
//! use gil_sim::gil::{GilConfig, Policy};
//! use gil_sim::vm::{builtin_programs, run, Job, RunConfig};
//! let p = builtin_programs::countdown();
//! let f = p.func("countdown").unwrap();
//! let mut cfg = RunConfig::new(GilConfig::new(Policy::Py2));
//! cfg.trace = Some(10_000);
//! let out = run(&p, &cfg, vec![Job::new(f, &[20_000]), Job::new(f, &[20_000])])?;
//! let trace = out.trace.unwrap();
//! assert_eq!(trace.threads.len(), 2);
//! assert!(trace.most_holding_at_once() <= 1); // the trace witnesses the GIL
//! assert_eq!(trace.overlaps_within_threads(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 2. Open it in Perfetto
//!
//! `chrome::write` (with the `demo` feature: it writes JSON) writes the
//! Chrome Trace Event format: one track per VM thread, an `X` event per
//! span, instant events for the marks and a counter of waiting threads.
//! Open the file at <https://ui.perfetto.dev> (or `chrome://tracing`).
//! `gil-sim trace cpu-bound --gil py2 --out t.json` traces one workload;
//! `--trace FILE` on any experiment traces all its runs (`sink`).
//!
//! ## 3. Or look at the picture
//!
//! [`svg::timeline`] draws the same events: a lane per thread, coloured by
//! what it was doing, drop requests as ticks above the lane.

#[cfg(feature = "demo")]
pub mod chrome;
pub mod record;
#[cfg(feature = "demo")]
pub mod sink;
pub mod svg;

pub use record::{Clock, Mark, MarkKind, Span, State, ThreadRecord, ThreadTrace};

/// One VM thread's track: its name and what it recorded.
#[derive(Debug, Clone)]
pub struct Track {
    /// `T1 countdown`: the thread's number and the function it ran.
    pub name: String,
    /// Its spans and marks.
    pub record: ThreadRecord,
}

/// A recorded run: what ran, and every thread's track.
#[derive(Debug, Clone)]
pub struct Trace {
    /// What ran (`countdown · py311 · 2 threads`).
    pub label: String,
    /// One track per VM thread, in job order.
    pub threads: Vec<Track>,
    /// Wall time of the run on the trace's clock, nanoseconds.
    pub elapsed_ns: u64,
}

impl Trace {
    /// Events dropped because a thread's buffer was full (0: the trace is complete).
    pub fn dropped(&self) -> u64 {
        self.threads.iter().map(|t| t.record.dropped).sum()
    }

    /// Events recorded, all threads together.
    pub fn events(&self) -> usize {
        self.threads
            .iter()
            .map(|t| t.record.spans.len() + t.record.marks.len())
            .sum()
    }

    /// Pairs of consecutive spans on one thread that overlap (0 in any
    /// correct trace: a thread does one thing at a time).
    pub fn overlaps_within_threads(&self) -> usize {
        self.threads
            .iter()
            .map(|t| {
                t.record
                    .spans
                    .windows(2)
                    .filter(|w| w[1].begin_ns < w[0].end_ns || w[0].end_ns < w[0].begin_ns)
                    .count()
            })
            .sum()
    }

    /// The most threads inside a holding span at one instant, from the
    /// trace alone: at most 1 under any GIL, a second witness of the
    /// invariant that [`Outcome::overlaps`](crate::vm::Outcome::overlaps)
    /// counts. Spans that only touch (one ends where the next begins) do
    /// not overlap.
    pub fn most_holding_at_once(&self) -> usize {
        self.count_steps(State::Holding)
            .iter()
            .map(|s| s.1)
            .max()
            .unwrap_or(0)
    }

    /// The spans of one state on thread `i`.
    pub fn spans_of(&self, i: usize, state: State) -> impl Iterator<Item = &Span> {
        self.threads[i]
            .record
            .spans
            .iter()
            .filter(move |s| s.state == state)
    }

    /// Every change of the number of threads in `state`, in time order:
    /// `(nanoseconds, count from then on)`.
    pub fn count_steps(&self, state: State) -> Vec<(u64, usize)> {
        // Ends sort before begins at the same instant: touching spans never
        // count twice. An empty span holds no instant at all.
        let mut edges: Vec<(u64, bool)> = self
            .threads
            .iter()
            .flat_map(|t| t.record.spans.iter())
            .filter(|s| s.state == state && s.end_ns > s.begin_ns)
            .flat_map(|s| [(s.begin_ns, true), (s.end_ns, false)])
            .collect();
        edges.sort_unstable();
        let mut steps: Vec<(u64, usize)> = Vec::with_capacity(edges.len());
        let mut n = 0usize;
        for (t, begin) in edges {
            n = if begin { n + 1 } else { n.saturating_sub(1) };
            match steps.last_mut() {
                Some(last) if last.0 == t => last.1 = n,
                _ => steps.push((t, n)),
            }
        }
        steps
    }
}
