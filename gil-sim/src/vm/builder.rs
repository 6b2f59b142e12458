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
//! assert_eq!(program.funcs()[0].code[0].name(), "RESUME");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::instr::Instr;
use super::program::{FuncId, Function, GlobalId, LockId, Program};

/// Why a program does not build.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BuildError {
    /// A label of another function was bound or jumped to in this one.
    #[error("{func}: label {label} belongs to another function")]
    ForeignLabel {
        /// The function that used it.
        func: String,
        /// The label's number in its own function.
        label: usize,
    },
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

pub use super::fn_builder::{FnBuilder, Label};

/// A function whose jumps still name labels: the function, and the builder
/// that wrote it (its labels, fixups and any foreign label it was given).
type Unresolved = (Function, FnBuilder);

/// Builds a [`Program`]. See the module docs for an example.
#[derive(Debug)]
pub struct ProgramBuilder {
    name: String,
    funcs: Vec<Unresolved>,
    globals: Vec<String>,
    locks: u16,
    objects: u16,
}

impl ProgramBuilder {
    /// A new, empty program.
    pub fn new(name: &str) -> ProgramBuilder {
        ProgramBuilder {
            name: name.into(),
            funcs: Vec::new(),
            globals: Vec::new(),
            locks: 0,
            objects: 0,
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

    /// Declares a reference-counted object (for `TOUCH_OBJECT`); returns
    /// its number.
    pub fn object(&mut self) -> u16 {
        self.objects += 1;
        self.objects - 1
    }

    /// Defines a function; `body` writes its code after the implicit `RESUME`.
    /// A function can call the functions defined before it.
    pub fn function(
        &mut self,
        name: &str,
        params: &[&str],
        body: impl FnOnce(&mut FnBuilder),
    ) -> FuncId {
        let mut f = FnBuilder::new(params);
        body(&mut f);
        let func = Function {
            name: name.into(),
            params: f.params,
            locals: std::mem::take(&mut f.locals),
            code: std::mem::take(&mut f.code),
        };
        self.funcs.push((func, f));
        FuncId(self.funcs.len() as u16 - 1)
    }

    /// Resolves the labels and checks the program.
    pub fn build(self) -> Result<Program, BuildError> {
        let params: Vec<(String, u16)> = self
            .funcs
            .iter()
            .map(|(f, _)| (f.name.clone(), f.params))
            .collect();
        let mut funcs = Vec::new();
        for (mut func, fb) in self.funcs {
            let foreign = |label: Label| BuildError::ForeignLabel {
                func: func.name.clone(),
                label: label.index,
            };
            if let Some(&label) = fb.foreign.first() {
                return Err(foreign(label));
            }
            for &(at, label) in &fb.fixups {
                if label.owner != fb.id {
                    return Err(foreign(label));
                }
                let target = fb.target(label).ok_or_else(|| BuildError::Unbound {
                    func: func.name.clone(),
                    label: label.index,
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
            objects: self.objects,
        })
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
    fn a_label_of_another_function_is_an_error_not_a_panic() {
        // Jumped to: the label's index is beyond the second function's labels.
        let mut p = ProgramBuilder::new("bad");
        let mut stolen = None;
        p.function("f", &[], |f| {
            let (a, b) = (f.label(), f.label());
            f.jump_forward(a)
                .bind(a)
                .bind(b)
                .load_const(0)
                .return_value();
            stolen = Some(b);
        });
        let b = stolen.unwrap();
        p.function("g", &[], |f| {
            f.jump_forward(b).bind(b).load_const(0).return_value();
        });
        assert!(matches!(p.build(), Err(BuildError::ForeignLabel { .. })));
        // Bound only, and inside the range of the second function's labels.
        let mut p = ProgramBuilder::new("bad");
        let mut stolen = None;
        p.function("f", &[], |f| {
            let a = f.label();
            f.jump_forward(a).bind(a).load_const(0).return_value();
            stolen = Some(a);
        });
        let a = stolen.unwrap();
        p.function("g", &[], |f| {
            let own = f.label();
            f.jump_forward(own)
                .bind(a)
                .bind(own)
                .load_const(0)
                .return_value();
        });
        assert!(matches!(p.build(), Err(BuildError::ForeignLabel { .. })));
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
