//! The workspace's task runner (`cargo xtask`), as a library so that its
//! logic can be tested: [`runner`] runs one demo binary under a time limit
//! and checks what it prints; [`run_all`] runs every demo; [`repeat`] tallies
//! the verdicts of repeated runs; [`summary`] draws the tables; [`report`]
//! builds the HTML page of charts and advice; [`ci`] runs the checks;
//! [`manifests`] checks that each member's manifest stands alone and that
//! the members agree; [`bare_libs`] that each demo's library builds without
//! the demo's dependencies; [`copy_out`] that each demo crate builds when
//! copied out of the workspace; [`workspace`] finds the root, cargo, and
//! builds the demos; [`interrupt`] makes Ctrl-C end everything a run started;
//! [`progress`] shows a live line on a terminal while a demo runs.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod contract;

pub mod bare_libs;
pub mod ci;
pub mod copy_out;
pub mod interrupt;
pub mod manifests;
pub mod progress;
pub mod repeat;
pub mod run_all;
pub mod runner;
pub mod summary;
pub mod workspace;

/// The demo crates, in the order of the lecture.
pub const DEMOS: [&str; 5] = [
    "gil-sim",
    "threads-sync",
    "processes",
    "subprocess-pipes",
    "shared-mmap",
];
pub mod report;
