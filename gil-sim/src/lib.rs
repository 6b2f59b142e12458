//! # gil-sim: the GIL, simulated
//!
//! A small bytecode VM run by real OS threads under CPython's own GIL
//! policies, so that the lecture's claims about the Global Interpreter Lock
//! can be watched and measured rather than drawn.
//!
//! ## 1. Write a program
//!
//! Programs are built in Rust ([`vm::ProgramBuilder`]); `counter += 1` is
//! the four instructions CPython compiles it to.
//!
//! ```
//! use gil_sim::vm::ProgramBuilder;
//! let mut p = ProgramBuilder::new("inc");
//! let counter = p.global("counter");
//! let worker = p.function("worker", &["n"], |f| {
//!     let n = f.param(0);
//!     f.countdown(n, |f| {
//!         f.load_global(counter).load_const(1).binary_add().store_global(counter);
//!     });
//!     f.load_const(0).return_value();
//! });
//! let program = p.build()?;
//! # let _ = (program, worker);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 2. Run it on threads under a GIL policy
//!
//! [`vm::run()`] starts one OS thread per job. Under every policy with a GIL,
//! at most one thread runs bytecode at a time ([`vm::Outcome::overlaps`]
//! stays 0); under `nogil` they run side by side.
//!
//! ```
//! use gil_sim::gil::{GilConfig, Policy};
//! use gil_sim::vm::{builtin_programs, run, Job, RunConfig};
//! let p = builtin_programs::counter(builtin_programs::Variant::Plain);
//! let worker = p.func("worker").unwrap();
//! for policy in Policy::ALL {
//!     let jobs = (0..2).map(|_| Job::new(worker, &[10_000])).collect();
//!     let out = run(&p, &RunConfig::new(GilConfig::new(policy)), jobs)?;
//!     assert!(out.globals[0] <= 20_000); // lost updates, never extra ones
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 3. See where each policy can switch
//!
//! [`vm::dis::listing`] (the `gil-sim dis <program>` command) marks the
//! instructions where a switch can happen: before any instruction for `py2`
//! and `py39`; for `py311` only after a taken backward jump, at the callee's
//! `RESUME` (so a Python call switches on entry, not at `CALL`) and after a
//! native call returns.
//!
//! ## 4. The policies
//!
//! [`gil`] holds one file per policy, each mapped to CPython's source in its
//! comments: [`gil::py2`] (2.7's check interval), [`gil::py39`] and
//! [`gil::py311`] (the new GIL of `ceval_gil.c`: switch interval, drop
//! request, forced switching), [`gil::nogil`] (PEP 703). The globals are
//! reachable only through a [`gil::Held`] guard, which only taking the GIL
//! gives.
//!
//! ## 5. The experiments
//!
//! The `gil-sim` binary measures the lecture's claims (`gil-sim list`
//! names them), with the demo's flags, workloads and CPython side-by-side
//! runs beside them. They come with the `demo` feature (on by default), as
//! do the Perfetto writer (`trace::chrome`) and the `dis` and `trace`
//! tools; `gil-sim = { path = "../gil-sim", default-features = false }` is
//! the simulator alone (sections 1 to 4), on thiserror and nix.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The demo side (advice, charts and the contract, then these), compiled
// with the `demo` feature and hidden from the docs.
include!("../../contract/demo_modules.rs");
demo_modules! {
    pub mod cpython_side_by_side;
    pub mod dis_tool;
    pub mod experiments;
    pub mod flags;
    pub mod interleave;
    pub mod parallel_baseline;
    pub mod python_scripts;
    pub mod trace_tool;
    pub mod workloads;
}

pub mod gil;
pub mod trace;
pub mod vm;

/// The demo: its name, what it teaches, and its experiments (the demo's
/// side, not this library's API).
///
/// ```
/// assert_eq!(gil_sim::DEMO.name, "gil-sim");
/// ```
#[cfg(feature = "demo")]
#[doc(hidden)]
pub static DEMO: contract::Demo = contract::Demo {
    name: "gil-sim",
    about: "The GIL, simulated: a bytecode VM run by real threads under CPython's GIL policies",
    experiments: experiments::ALL,
    tools: &[
        contract::ToolEntry::of::<dis_tool::Dis>(),
        contract::ToolEntry::of::<trace_tool::TraceCmd>(),
    ],
};
