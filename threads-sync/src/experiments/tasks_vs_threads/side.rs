//! One kind of waiter's figures in `tasks-vs-threads`, Rust's or CPython's:
//! its memory per waiter, its start time, and how far its growing run went.

use crate::contract::measure::Stats;
use crate::idle_waiters::{Held, Stop};

/// One kind's figures: memory per waiter (growing run), start time per
/// waiter (N runs), and how far the growing run went.
#[derive(Debug, Clone)]
pub(super) struct Side {
    pub(super) name: &'static str,
    pub(super) resident: f64,
    pub(super) kernel: f64,
    pub(super) start_each: Stats,
    pub(super) reached: usize,
    pub(super) stop: String,
}

impl Side {
    /// `name`'s figures from its growing run and its start times.
    pub(super) fn new(name: &'static str, grown: &Held, start_each: Stats) -> Side {
        Side {
            name,
            resident: grown.resident_each(),
            kernel: grown.kernel_each(),
            start_each,
            reached: grown.parked,
            stop: stop_text(&grown.stop),
        }
    }

    /// All the memory one waiter costs: resident plus kernel stack.
    pub(super) fn bytes(&self) -> f64 {
        self.resident + self.kernel
    }
}

/// Why a growing run stopped, as the table says it.
pub(super) fn stop_text(stop: &Stop) -> String {
    match stop {
        Stop::Budget => "budget spent".into(),
        Stop::Cap => "cap reached".into(),
        Stop::Refused(e) => format!("OS refused: {e}"),
        Stop::Time => "time limit".into(),
    }
}
