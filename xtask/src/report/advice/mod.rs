//! The "when to use what" table: each row is derived from measured figures
//! and links to the chart and the experiment that produced them. Each demo
//! owns its rows (`<demo>/src/advice.rs`, compiled here from the same file);
//! this module puts them in the lecture's order. A row whose
//! figures are missing from the records is left out, not guessed; the choice
//! in a row follows from the figures, not from the lecture.

#[path = "../../../../gil-sim/src/advice.rs"]
pub mod gil_sim;
#[path = "../../../../processes/src/advice.rs"]
pub mod processes;
#[path = "../../../../shared-mmap/src/advice.rs"]
pub mod shared_mmap;
#[path = "../../../../subprocess-pipes/src/advice.rs"]
pub mod subprocess_pipes;
#[path = "../../../../threads-sync/src/advice.rs"]
pub mod threads_sync;

use crate::contract::record::Record;

pub use crate::contract::advice::Advice;

/// A row's rule: `None` when the records lack its figures.
pub type Rule = fn(&[Record]) -> Option<Advice>;

/// Every rule, in the order of the lecture's picture: CPU-bound, I/O with a
/// few fast waits, I/O with many slow waits; then the finer points. A full
/// run of every demo fills every one (the report's tests check it on a
/// recorded run, `cargo xtask report --strict` on the run it makes).
pub const RULES: [(&str, Rule); 9] = [
    ("cpu_bound_python", processes::cpu_bound_python),
    ("cpu_bound_rust", processes::cpu_bound_rust),
    ("io_bound_python", gil_sim::io_bound_python),
    ("many_slow_waits", threads_sync::many_slow_waits),
    ("responsiveness", gil_sim::responsiveness),
    ("shared_counter", threads_sync::shared_counter),
    ("tiny_tasks", processes::tiny_tasks),
    ("big_read_only_data", shared_mmap::big_read_only_data),
    (
        "messages_between_processes",
        subprocess_pipes::messages_between_processes,
    ),
];

/// Every row whose figures are in `records`.
pub fn derive(records: &[Record]) -> Vec<Advice> {
    RULES.iter().filter_map(|(_, rule)| rule(records)).collect()
}
