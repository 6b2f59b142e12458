//! The JSON record an experiment emits (schema 2), and the [`Report`] an
//! experiment returns before the driver turns it into one.
//!
//! One record is one line on stdout in `--json` mode:
//!
//! ```text
//! {"schema":2,"demo":"gil-sim","experiment":"convoy","claim":"...",
//!  "params":{...},"metrics":{"latency_ratio":0.98},"units":{"latency_ratio":"x"},
//!  "verdict":"holds","detail":"one line",
//!  "series":[{"name":"latency","x":"interval_us","units":{...},
//!             "points":[{"cpu_threads":1,"interval_us":5000,"latency_s":0.0052}]}]}
//! ```
//!
//! Metrics keep the order in which the experiment added them: the first one
//! is the experiment's key figure (the one `cargo xtask run-all` shows).
//! Metrics are flat key figures; an experiment that sweeps a parameter adds
//! a [`Series`](super::series::Series) (schema 2), whose points carry the
//! parameters as fields. Schema 1 records (no series) still read: saved
//! `--from` files.
//!
//! One idea a file: the record's fields (`schema`), its [`Verdict`]
//! (`verdict`), reading and checking a line (`parse`), looking figures up
//! in records (`lookup`), the [`Report`] that becomes a record (`report`),
//! the figure that failed a claim (`failed_on`), and a demo's catalogue of
//! experiments, `list --json` (`listing`).

mod failed_on;
mod listing;
mod lookup;
mod parse;
mod report;
mod schema;
mod verdict;

pub use failed_on::FailedOn;
pub use listing::{Listed, ListedTool, Listing};
pub use lookup::find;
pub use parse::RecordError;
pub use report::Report;
pub use schema::{READABLE, Record, SCHEMA};
pub use verdict::Verdict;
