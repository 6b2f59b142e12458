//! A built program: functions of bytecode, named globals and a number of
//! VM locks. Programs are immutable once built and shared by every thread.

use super::instr::Instr;

/// Index of a function in a [`Program`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncId(pub u16);

/// Index of a global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalId(pub u16);

/// Index of a local variable (parameters come first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalId(pub u16);

/// Index of a VM lock (`threading.Lock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockId(pub u16);

/// One function: its name, parameter count, local names and bytecode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The function's name.
    pub name: String,
    /// How many parameters (the first locals).
    pub params: u16,
    /// Names of all locals, parameters first.
    pub locals: Vec<String>,
    /// The bytecode; starts with `RESUME` and every path ends in `RETURN_VALUE`.
    pub code: Vec<Instr>,
}

/// A whole program, validated by [`crate::vm::ProgramBuilder::build`].
///
/// The fields are private and only the builder makes one, so every
/// `Program` the interpreter sees has passed validation: operands in range,
/// jumps inside their function, every function ending in `RETURN_VALUE`. (A
/// hand-built program with a bad index would panic a VM thread while it
/// holds the GIL.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub(super) name: String,
    pub(super) funcs: Vec<Function>,
    pub(super) globals: Vec<String>,
    pub(super) locks: u16,
    pub(super) objects: u16,
}

impl Program {
    /// The program's name (what `gil-sim dis` takes).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The functions; a thread starts in one of them.
    pub fn funcs(&self) -> &[Function] {
        &self.funcs
    }

    /// Names of the globals, in declaration order; all start at 0.
    ///
    /// ```
    /// use gil_sim::vm::builtin_programs::{Variant, counter};
    /// let p = counter(Variant::Plain);
    /// assert_eq!(p.globals(), ["counter"]);
    /// ```
    pub fn globals(&self) -> &[String] {
        &self.globals
    }

    /// How many reference-counted objects the program declares.
    pub fn objects(&self) -> u16 {
        self.objects
    }

    /// How many VM locks the program uses.
    pub fn locks(&self) -> u16 {
        self.locks
    }

    /// The function called `name`.
    pub fn func(&self, name: &str) -> Option<FuncId> {
        self.funcs
            .iter()
            .position(|f| f.name == name)
            .map(|i| FuncId(i as u16))
    }

    /// The global called `name`.
    pub fn global(&self, name: &str) -> Option<GlobalId> {
        self.globals
            .iter()
            .position(|g| g == name)
            .map(|i| GlobalId(i as u16))
    }
}
