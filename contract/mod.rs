//! The demo contract as code: one copy, compiled into every demo binary.
//!
//! Every demo crate includes this directory with
//! `#[path = "../../contract/mod.rs"] pub mod contract;` so that the CLI
//! shape (`list`, `--quick`, `--json`, one experiment by name), the JSON
//! record (schema 2) and the measuring helpers are written once. `xtask`
//! includes [`record`](crate::contract::record) the same way, so the producer and the consumer of the
//! records cannot drift apart. It is a module, not a crate: each demo crate
//! still builds and runs on its own. Its CPython runs ([`python`](crate::contract::python)) use the
//! workspace's process lifecycle, so every crate that includes it depends
//! on `subprocess-pipes` (which includes it too, naming itself by that
//! path).

pub mod advice;
pub mod chart;
pub mod cli;
pub mod ctrl_c;
pub mod experiment;
pub mod judge;
pub mod measure;
pub mod part;
pub mod python;
pub mod record;
pub mod scaled;
pub mod series;
pub mod show;
pub mod size;
pub mod steal;

pub use cli::Demo;
pub use experiment::{Ctx, Entry, Experiment, Tool, ToolEntry};
pub use judge::Judgement;
pub use measure::{Machine, Stats};
pub use record::{Record, Report, Verdict};
