//! The bytecode VM: instructions, programs and their builder, the
//! interpreter loop, and running a program on real OS threads.

mod build_error;
pub mod builtin_programs;
mod cold;
pub mod dis;
mod function_builder;
pub mod instr;
mod interp;
mod job;
mod link;
pub mod lock;
pub mod objects;
mod outcome;
mod pacing;
pub mod program;
pub mod program_builder;
pub mod run;

pub use build_error::BuildError;
pub use function_builder::{FnBuilder, Label};
pub use instr::Instr;
#[cfg(feature = "demo")]
pub(crate) use interp::native_work;
pub use program::{FuncId, Function, GlobalId, LocalId, LockId, Program};
pub use program_builder::ProgramBuilder;
pub use run::{Job, Outcome, RunConfig, ThreadStats, VmError, run};
