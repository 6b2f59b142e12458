//! The "when to use what" table: each row is derived from measured figures
//! and links to the chart and the experiment that produced them. A row whose
//! figures are missing from the records is left out, not guessed; the choice
//! in a row follows from the figures, not from the lecture.

mod cpu;
mod row;
mod sharing;
mod waits;

use crate::contract::record::Record;
use cpu::{cpu_bound_python, cpu_bound_rust};
use sharing::{big_read_only_data, messages_between_processes, shared_counter, tiny_tasks};
use waits::{io_bound_python, many_slow_waits, responsiveness};

/// One row of advice.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// The situation (`CPU-bound work, in Python`).
    pub situation: String,
    /// What to use.
    pub choice: String,
    /// The measured figures, as HTML with every number in a `<data>` element.
    pub evidence_html: String,
    /// The chart's anchor.
    pub chart: String,
    /// The command that measures it again.
    pub command: String,
}

type Rule = fn(&[Record]) -> Option<Advice>;

/// Every row whose figures are in `records`.
pub fn derive(records: &[Record]) -> Vec<Advice> {
    // In the order of the lecture's picture: CPU-bound, I/O with a few fast
    // waits, I/O with many slow waits; then the finer points.
    const RULES: [Rule; 9] = [
        cpu_bound_python,
        cpu_bound_rust,
        io_bound_python,
        many_slow_waits,
        responsiveness,
        shared_counter,
        tiny_tasks,
        big_read_only_data,
        messages_between_processes,
    ];
    RULES.iter().filter_map(|rule| rule(records)).collect()
}
