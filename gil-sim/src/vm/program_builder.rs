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

use super::build_error::BuildError;
use super::function_builder::FnBuilder;
use super::link::link;
use super::program::{FuncId, Function, GlobalId, LockId, Program};

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
        for (func, fb) in self.funcs {
            funcs.push(link(func, &fb, &params, self.globals.len(), self.locks)?);
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
