//! Claim: two `Condition`s sharing one lock ("not full", "not empty") make a
//! correct bounded buffer: producers block when it is full, consumers when
//! it is empty, and no item is lost or duplicated — the pattern `Queue`
//! packages (measured side by side).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::contract::measure::{human_time, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::WATCHDOG;
use crate::rates::{human_rate, rate};
use crate::{Condition, Lock, Queue};

/// The default of `--items`.
const ITEMS: Scaled<u64> = Scaled::new(50_000, 5_000);

/// Flags of `condition`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ConditionExp {
    /// Producer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub producers: u32,
    /// Consumer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub consumers: u32,
    /// Buffer capacity.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub capacity: u32,
    /// Items per producer.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000), help = ITEMS.help("Items per producer"))]
    pub items: Option<u64>,
}

/// A bounded buffer built from a lock and two conditions, as in the lecture.
struct BoundedBuffer {
    not_full: Condition<Lock>,
    not_empty: Condition<Lock>,
    /// Only touched while holding the shared lock, so never contended.
    items: Mutex<VecDeque<Option<u64>>>,
    capacity: usize,
    max_fill: AtomicUsize,
}

impl BoundedBuffer {
    fn new(capacity: usize) -> BoundedBuffer {
        let lock = Arc::new(Lock::new());
        BoundedBuffer {
            not_full: Condition::with_lock(Arc::clone(&lock)),
            not_empty: Condition::with_lock(lock),
            items: Mutex::new(VecDeque::new()),
            capacity,
            max_fill: AtomicUsize::new(0),
        }
    }

    fn len(&self) -> usize {
        self.items.lock().map_or(0, |v| v.len())
    }

    fn put(&self, item: Option<u64>) -> anyhow::Result<()> {
        let _held = self.not_full.lock();
        let room = self
            .not_full
            .wait_for(|| self.len() < self.capacity, Some(WATCHDOG))?;
        anyhow::ensure!(room, "producer waited past the watchdog");
        let mut items = self.items.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        items.push_back(item);
        self.max_fill.fetch_max(items.len(), Ordering::Relaxed);
        drop(items);
        self.not_empty.notify(1)?;
        Ok(())
    }

    fn get(&self) -> anyhow::Result<Option<u64>> {
        let _held = self.not_empty.lock();
        let some = self.not_empty.wait_for(|| self.len() > 0, Some(WATCHDOG))?;
        anyhow::ensure!(some, "consumer waited past the watchdog");
        let item = self
            .items
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .pop_front();
        self.not_full.notify(1)?;
        item.ok_or_else(|| anyhow::anyhow!("woken on an empty buffer"))
    }
}

/// Runs producers and consumers over `put`/`get`; returns the consumed sum.
fn pipeline<P, G>(p: &ConditionExp, items: u64, put: P, get: G) -> anyhow::Result<u64>
where
    P: Fn(Option<u64>) -> anyhow::Result<()> + Sync,
    G: Fn() -> anyhow::Result<Option<u64>> + Sync,
{
    std::thread::scope(|s| {
        let consumers = spawn_each(s, p.consumers as usize, "consumer", |_| {
            || -> anyhow::Result<u64> {
                let mut sum = 0;
                while let Some(x) = get()? {
                    sum += x;
                }
                Ok(sum)
            }
        });
        // Producers only once every consumer runs: a refused thread ends
        // the run, and the started consumers still get their end markers.
        let n = if consumers.refused.is_none() { p.producers as usize } else { 0 };
        let producers = spawn_each(s, n, "producer", |_| {
            || (1..=items).try_for_each(|x| put(Some(x)))
        });
        let produced = producers.join_all();
        for _ in 0..consumers.handles.len() {
            put(None)?; // one end marker per consumer
        }
        let sums = consumers.join_all()?;
        for r in produced? {
            r?;
        }
        sums.into_iter().try_fold(0, |acc, r| Ok(acc + r?))
    })
}

impl Experiment for ConditionExp {
    const NAME: &'static str = "condition";
    const CLAIM: &'static str = "a bounded buffer from one lock and two Conditions never overfills and loses nothing; Queue packages the same pattern";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let items = *self.items.get_or_insert(ITEMS.pick(ctx.quick));
        let cap = self.capacity as usize;
        let exact = u64::from(self.producers) * items * (items + 1) / 2;
        let total = u64::from(self.producers) * items;

        let buf = BoundedBuffer::new(cap);
        let (cond_secs, cond_sum) = timed(|| pipeline(self, items, |x| buf.put(x), || buf.get()));
        let cond_sum = cond_sum?;
        let max_fill = buf.max_fill.load(Ordering::Relaxed);

        let q = Queue::new(cap);
        let (queue_secs, queue_sum) = timed(|| {
            pipeline(
                self,
                items,
                |x| {
                    q.put_timeout(x, WATCHDOG)
                        .map_err(|e| anyhow::anyhow!("{e}"))
                },
                || q.get_timeout(WATCHDOG).map_err(|e| anyhow::anyhow!("{e}")),
            )
        });
        let queue_sum = queue_sum?;

        let (cond_rate, queue_rate) = (
            rate(total as f64, cond_secs),
            rate(total as f64, queue_secs),
        );
        let mut report = Report::new(Verdict::Info, "")
            .metric("max_fill", max_fill as f64, "items")
            .metric("capacity", cap as f64, "items")
            .metric("condition_items_per_s", cond_rate, "1/s")
            .metric("queue_items_per_s", queue_rate, "1/s");
        report.say(format!(
            "{} producers x {items} items -> {} consumers through a buffer of {cap}",
            self.producers, self.consumers
        ));
        report.say(format!(
            "Condition buffer: sum {cond_sum} (exact {exact}), max fill {max_fill}/{cap}, {} ({})",
            human_rate(cond_rate),
            human_time(cond_secs)
        ));
        report.say(format!(
            "Queue:            sum {queue_sum} (exact {exact}), {} ({})",
            human_rate(queue_rate),
            human_time(queue_secs)
        ));
        report.verdict =
            Verdict::from_bool(cond_sum == exact && queue_sum == exact && max_fill <= cap);
        report.detail = format!(
            "both sums exact ({exact}): {}; max fill {max_fill} <= {cap}; Queue ran {:.1}x the Condition buffer's rate",
            cond_sum == exact && queue_sum == exact,
            queue_rate / cond_rate.max(1e-9)
        );
        Ok(report)
    }
}
