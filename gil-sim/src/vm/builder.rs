//! The builder API: write a program in Rust, one instruction a call, with
//! labels for jumps; `build` checks it (jump directions, arities, indices).
//!
//! ```
//! use gil_sim::vm::ProgramBuilder;
//! let mut p = ProgramBuilder::new("inc");
//! let counter = p.global("counter");
//! p.function("worker", &["n"], |f| {
//!     let n = f.param(0);
//!     f.countdown(n, |f| {
//!         // counter += 1, the four steps of CPython's bytecode
//!         f.load_global(counter).load_const(1).binary_add().store_global(counter);
//!     });
//!     f.load_const(0).return_value();
//! });
//! let program = p.build()?;
//! assert_eq!(program.funcs[0].code[0].name(), "RESUME");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Duration;

use super::instr::Instr;
use super::program::{FuncId, Function, GlobalId, LocalId, LockId, Program};

/// Why a program does not build.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BuildError {
    /// A label was used but never bound.
    #[error("{func}: label {label} is never bound")]
    Unbound {
        /// The function.
        func: String,
        /// The label's number.
        label: usize,
    },
    /// A forward jump goes back, or a backward jump goes forward.
    #[error("{func}: {op} at {at} jumps the wrong way (to {target})")]
    WrongDirection {
        /// The function.
        func: String,
        /// The opcode.
        op: &'static str,
        /// Where the jump is.
        at: usize,
        /// Where it goes.
        target: usize,
    },
    /// A call passes the wrong number of arguments.
    #[error("{func}: calls {callee} with {nargs} arguments, it takes {params}")]
    Arity {
        /// The caller.
        func: String,
        /// The callee.
        callee: String,
        /// Arguments passed.
        nargs: u16,
        /// Parameters taken.
        params: u16,
    },
    /// An operand names a local, global, lock, function or target that does not exist.
    #[error("{func}: {op} at {at} refers to something that does not exist")]
    BadOperand {
        /// The function.
        func: String,
        /// The opcode.
        op: &'static str,
        /// Where it is.
        at: usize,
    },
    /// A function does not end with `RETURN_VALUE`.
    #[error("{0}: the last instruction must be RETURN_VALUE")]
    NoReturn(String),
}

/// A label: a jump target, bound to a position with [`FnBuilder::bind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label(usize);

/// A function whose jumps still name labels: (function, fixups, label positions).
type Unresolved = (Function, Vec<(usize, Label)>, Vec<Option<usize>>);

/// Builds a [`Program`]. See the module docs for an example.
#[derive(Debug)]
pub struct ProgramBuilder {
    name: String,
    funcs: Vec<Unresolved>,
    globals: Vec<String>,
    locks: u16,
}

/// Builds one function's bytecode.
#[derive(Debug)]
pub struct FnBuilder {
    code: Vec<Instr>,
    locals: Vec<String>,
    params: u16,
    labels: Vec<Option<usize>>,
    fixups: Vec<(usize, Label)>,
}

impl ProgramBuilder {
    /// A new, empty program.
    pub fn new(name: &str) -> ProgramBuilder {
        ProgramBuilder {
            name: name.into(),
            funcs: Vec::new(),
            globals: Vec::new(),
            locks: 0,
        }
    }

    /// Declares a global (starts at 0); the same name gives the same id.
    pub fn global(&mut self, name: &str) -> GlobalId {
        let i = self
            .globals
            .iter()
            .position(|g| g == name)
            .unwrap_or_else(|| {
                self.globals.push(name.into());
                self.globals.len() - 1
            });
        GlobalId(i as u16)
    }

    /// Declares a VM lock.
    pub fn lock(&mut self) -> LockId {
        self.locks += 1;
        LockId(self.locks - 1)
    }

    /// Defines a function; `body` writes its code after the implicit `RESUME`.
    /// A function can call the functions defined before it.
    pub fn function(
        &mut self,
        name: &str,
        params: &[&str],
        body: impl FnOnce(&mut FnBuilder),
    ) -> FuncId {
        let mut f = FnBuilder {
            code: vec![Instr::Resume],
            locals: params.iter().map(|p| p.to_string()).collect(),
            params: params.len() as u16,
            labels: Vec::new(),
            fixups: Vec::new(),
        };
        body(&mut f);
        let func = Function {
            name: name.into(),
            params: f.params,
            locals: f.locals,
            code: f.code,
        };
        self.funcs.push((func, f.fixups, f.labels));
        FuncId(self.funcs.len() as u16 - 1)
    }

    /// Resolves the labels and checks the program.
    pub fn build(self) -> Result<Program, BuildError> {
        let params: Vec<(String, u16)> = self
            .funcs
            .iter()
            .map(|(f, _, _)| (f.name.clone(), f.params))
            .collect();
        let mut funcs = Vec::new();
        for (mut func, fixups, labels) in self.funcs {
            for (at, label) in fixups {
                let target = labels[label.0].ok_or_else(|| BuildError::Unbound {
                    func: func.name.clone(),
                    label: label.0,
                })?;
                let ins = &mut func.code[at];
                let forward = target > at;
                let (t, wants_forward) = match ins {
                    Instr::JumpForward(t) | Instr::PopJumpForwardIfFalse(t) => (t, true),
                    Instr::JumpBackward(t) | Instr::PopJumpBackwardIfTrue(t) => (t, false),
                    _ => unreachable!("only jumps are fixed up"),
                };
                *t = target as u32;
                if forward != wants_forward {
                    return Err(BuildError::WrongDirection {
                        func: func.name.clone(),
                        op: ins.name(),
                        at,
                        target,
                    });
                }
            }
            let nglobals = self.globals.len();
            for (at, ins) in func.code.iter().enumerate() {
                let ok = match *ins {
                    Instr::LoadFast(i) | Instr::StoreFast(i) => (i as usize) < func.locals.len(),
                    Instr::LoadGlobal(g) | Instr::StoreGlobal(g) => (g as usize) < nglobals,
                    Instr::LockAcquire(l) | Instr::LockRelease(l) => l < self.locks,
                    Instr::Call { func: f, .. } => (f as usize) < params.len(),
                    Instr::JumpForward(t)
                    | Instr::JumpBackward(t)
                    | Instr::PopJumpForwardIfFalse(t)
                    | Instr::PopJumpBackwardIfTrue(t) => (t as usize) < func.code.len(),
                    _ => true,
                };
                if !ok {
                    return Err(BuildError::BadOperand {
                        func: func.name.clone(),
                        op: ins.name(),
                        at,
                    });
                }
                if let Instr::Call {
                    func: callee,
                    nargs,
                } = *ins
                {
                    let (name, p) = &params[callee as usize];
                    if *p != nargs {
                        return Err(BuildError::Arity {
                            func: func.name.clone(),
                            callee: name.clone(),
                            nargs,
                            params: *p,
                        });
                    }
                }
            }
            if func.code.last() != Some(&Instr::ReturnValue) {
                return Err(BuildError::NoReturn(func.name));
            }
            funcs.push(func);
        }
        Ok(Program {
            name: self.name,
            funcs,
            globals: self.globals,
            locks: self.locks,
        })
    }
}

impl FnBuilder {
    fn emit(&mut self, i: Instr) -> &mut Self {
        self.code.push(i);
        self
    }

    fn emit_jump(&mut self, i: Instr, to: Label) -> &mut Self {
        self.fixups.push((self.code.len(), to));
        self.emit(i)
    }

    /// Parameter `i` as a local.
    pub fn param(&self, i: u16) -> LocalId {
        assert!(i < self.params, "parameter {i} does not exist");
        LocalId(i)
    }

    /// A new local variable (starts at 0).
    pub fn local(&mut self, name: &str) -> LocalId {
        self.locals.push(name.into());
        LocalId(self.locals.len() as u16 - 1)
    }

    /// A new, unbound label.
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    /// Binds `l` to the next instruction's position.
    pub fn bind(&mut self, l: Label) -> &mut Self {
        self.labels[l.0] = Some(self.code.len());
        self
    }

    /// `LOAD_CONST v`.
    pub fn load_const(&mut self, v: i64) -> &mut Self {
        self.emit(Instr::LoadConst(v))
    }
    /// `LOAD_FAST l`.
    pub fn load_fast(&mut self, l: LocalId) -> &mut Self {
        self.emit(Instr::LoadFast(l.0))
    }
    /// `STORE_FAST l`.
    pub fn store_fast(&mut self, l: LocalId) -> &mut Self {
        self.emit(Instr::StoreFast(l.0))
    }
    /// `LOAD_GLOBAL g`.
    pub fn load_global(&mut self, g: GlobalId) -> &mut Self {
        self.emit(Instr::LoadGlobal(g.0))
    }
    /// `STORE_GLOBAL g`.
    pub fn store_global(&mut self, g: GlobalId) -> &mut Self {
        self.emit(Instr::StoreGlobal(g.0))
    }
    /// `BINARY_ADD`.
    pub fn binary_add(&mut self) -> &mut Self {
        self.emit(Instr::BinaryAdd)
    }
    /// `BINARY_SUBTRACT`.
    pub fn binary_sub(&mut self) -> &mut Self {
        self.emit(Instr::BinarySub)
    }
    /// `COMPARE_GT`.
    pub fn compare_gt(&mut self) -> &mut Self {
        self.emit(Instr::CompareGt)
    }
    /// `POP_TOP`.
    pub fn pop_top(&mut self) -> &mut Self {
        self.emit(Instr::PopTop)
    }
    /// `JUMP_FORWARD to` (`to` must be bound later).
    pub fn jump_forward(&mut self, to: Label) -> &mut Self {
        self.emit_jump(Instr::JumpForward(0), to)
    }
    /// `JUMP_BACKWARD to` (`to` must be bound earlier).
    pub fn jump_backward(&mut self, to: Label) -> &mut Self {
        self.emit_jump(Instr::JumpBackward(0), to)
    }
    /// `POP_JUMP_FORWARD_IF_FALSE to`.
    pub fn pop_jump_forward_if_false(&mut self, to: Label) -> &mut Self {
        self.emit_jump(Instr::PopJumpForwardIfFalse(0), to)
    }
    /// `POP_JUMP_BACKWARD_IF_TRUE to`.
    pub fn pop_jump_backward_if_true(&mut self, to: Label) -> &mut Self {
        self.emit_jump(Instr::PopJumpBackwardIfTrue(0), to)
    }
    /// `CALL func` with `nargs` arguments taken from the stack.
    pub fn call(&mut self, func: FuncId, nargs: u16) -> &mut Self {
        self.emit(Instr::Call {
            func: func.0,
            nargs,
        })
    }
    /// `RETURN_VALUE`.
    pub fn return_value(&mut self) -> &mut Self {
        self.emit(Instr::ReturnValue)
    }
    /// `IO_SLEEP d`: blocks with the GIL released; pushes 0.
    pub fn io_sleep(&mut self, d: Duration) -> &mut Self {
        self.emit(Instr::IoSleep(d.as_micros().min(u32::MAX as u128) as u32))
    }
    /// `IO_READ`: reads one byte of the thread's pipe with the GIL released.
    pub fn io_read(&mut self) -> &mut Self {
        self.emit(Instr::IoRead)
    }
    /// `NATIVE units`: real CPU work, the GIL released if `release`; pushes a checksum.
    pub fn native(&mut self, units: u32, release: bool) -> &mut Self {
        self.emit(Instr::Native { units, release })
    }
    /// `LOCK_ACQUIRE l`.
    pub fn lock_acquire(&mut self, l: LockId) -> &mut Self {
        self.emit(Instr::LockAcquire(l.0))
    }
    /// `LOCK_RELEASE l`.
    pub fn lock_release(&mut self, l: LockId) -> &mut Self {
        self.emit(Instr::LockRelease(l.0))
    }

    /// `while n > 0: body; n -= 1`, in the shape CPython 3.11 compiles it
    /// (the test repeated at the bottom, closed by `POP_JUMP_BACKWARD_IF_TRUE`):
    /// with an empty body, 8 instructions per iteration, as in CPython.
    pub fn countdown(&mut self, n: LocalId, body: impl FnOnce(&mut FnBuilder)) -> &mut Self {
        let (top, end) = (self.label(), self.label());
        self.load_fast(n).load_const(0).compare_gt();
        self.pop_jump_forward_if_false(end).bind(top);
        body(self);
        self.load_fast(n).load_const(1).binary_sub().store_fast(n);
        self.load_fast(n).load_const(0).compare_gt();
        self.pop_jump_backward_if_true(top).bind(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_the_wrong_way_and_unbound_labels_are_rejected() {
        let mut p = ProgramBuilder::new("bad");
        p.function("f", &[], |f| {
            let l = f.label();
            f.bind(l).jump_forward(l).load_const(0).return_value();
        });
        assert!(matches!(p.build(), Err(BuildError::WrongDirection { .. })));
        let mut p = ProgramBuilder::new("bad");
        p.function("f", &[], |f| {
            let l = f.label();
            f.jump_forward(l).load_const(0).return_value();
        });
        assert!(matches!(p.build(), Err(BuildError::Unbound { .. })));
    }

    #[test]
    fn arity_and_missing_return_are_rejected() {
        let mut p = ProgramBuilder::new("bad");
        let g = p.function("g", &["x"], |f| {
            f.load_const(1).return_value();
        });
        p.function("f", &[], |f| {
            f.call(g, 0).return_value();
        });
        assert!(matches!(p.build(), Err(BuildError::Arity { .. })));
        let mut p = ProgramBuilder::new("bad");
        p.function("f", &[], |f| {
            f.load_const(1);
        });
        assert_eq!(p.build(), Err(BuildError::NoReturn("f".into())));
    }
}
