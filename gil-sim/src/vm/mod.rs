//! The bytecode VM: instructions, programs and their builder, the
//! interpreter loop, and running a program on real OS threads.

pub mod builder;
mod cold;
pub mod dis;
mod fn_builder;
pub mod instr;
mod interp;
mod job;
pub mod lock;
pub mod objects;
mod outcome;
pub mod program;
pub mod programs;
pub mod run;

pub use builder::{BuildError, FnBuilder, Label, ProgramBuilder};
pub use instr::Instr;
pub use program::{FuncId, Function, GlobalId, LocalId, LockId, Program};
pub use run::{Job, Outcome, RunConfig, ThreadStats, VmError, run};
