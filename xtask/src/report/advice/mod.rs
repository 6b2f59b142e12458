//! The "when to use what" table: each row is derived from measured figures
//! and links to the chart and the experiment that produced them. A row whose
//! figures are missing from the records is left out, not guessed; the choice
//! in a row follows from the figures, not from the lecture.

mod cpu;
mod sharing;
mod waits;

use crate::contract::record::Record;
use cpu::{cpu_bound_python, cpu_bound_rust};
use sharing::{big_read_only_data, messages_between_processes, shared_counter, tiny_tasks};
use waits::{io_bound_python, many_slow_waits, responsiveness};

pub use crate::contract::advice::Advice;

/// A row's rule: `None` when the records lack its figures.
pub type Rule = fn(&[Record]) -> Option<Advice>;

/// Every rule, in the order of the lecture's picture: CPU-bound, I/O with a
/// few fast waits, I/O with many slow waits; then the finer points. A full
/// run of every demo fills every one (the report's tests check it on a
/// recorded run, `cargo xtask report --strict` on the run it makes).
pub const RULES: [(&str, Rule); 9] = [
    ("cpu_bound_python", cpu_bound_python),
    ("cpu_bound_rust", cpu_bound_rust),
    ("io_bound_python", io_bound_python),
    ("many_slow_waits", many_slow_waits),
    ("responsiveness", responsiveness),
    ("shared_counter", shared_counter),
    ("tiny_tasks", tiny_tasks),
    ("big_read_only_data", big_read_only_data),
    ("messages_between_processes", messages_between_processes),
];

/// Every row whose figures are in `records`.
pub fn derive(records: &[Record]) -> Vec<Advice> {
    RULES.iter().filter_map(|(_, rule)| rule(records)).collect()
}
