//! Writing one function's bytecode: an emit method per instruction, labels
//! for jumps, and the CPython-shaped `countdown` loop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::instr::Instr;
use super::program::{FuncId, GlobalId, LocalId, LockId};

/// A label: a jump target, bound to a position with [`FnBuilder::bind`].
/// It belongs to the function that made it: used in another, the program
/// does not build ([`super::BuildError::ForeignLabel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The [`FnBuilder`] that made it.
    pub(crate) owner: u64,
    /// Its place in that builder's labels.
    pub(crate) index: usize,
}

/// Gives every [`FnBuilder`] its own number, so a label can be traced to it.
static NEXT_BUILDER: AtomicU64 = AtomicU64::new(0);

/// Builds one function's bytecode.
#[derive(Debug)]
pub struct FnBuilder {
    /// This builder's number (see [`Label::owner`]).
    pub(crate) id: u64,
    pub(crate) code: Vec<Instr>,
    pub(crate) locals: Vec<String>,
    pub(crate) params: u16,
    pub(crate) labels: Vec<Option<usize>>,
    pub(crate) fixups: Vec<(usize, Label)>,
    /// Labels of another function passed to [`FnBuilder::bind`].
    pub(crate) foreign: Vec<Label>,
}

impl FnBuilder {
    /// An empty function with `params` parameters (and `RESUME` first).
    pub(crate) fn new(params: &[&str]) -> FnBuilder {
        FnBuilder {
            id: NEXT_BUILDER.fetch_add(1, Ordering::Relaxed),
            code: vec![Instr::Resume],
            locals: params.iter().map(|p| p.to_string()).collect(),
            params: params.len() as u16,
            labels: Vec::new(),
            fixups: Vec::new(),
            foreign: Vec::new(),
        }
    }

    /// Where `l` is bound, if it is this function's own and bound.
    pub(crate) fn target(&self, l: Label) -> Option<usize> {
        (l.owner == self.id)
            .then(|| self.labels.get(l.index).copied().flatten())
            .flatten()
    }

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
        Label {
            owner: self.id,
            index: self.labels.len() - 1,
        }
    }

    /// Binds `l` to the next instruction's position. A label of another
    /// function is remembered, and the program then does not build.
    pub fn bind(&mut self, l: Label) -> &mut Self {
        match self.labels.get_mut(l.index) {
            Some(slot) if l.owner == self.id => *slot = Some(self.code.len()),
            _ => self.foreign.push(l),
        }
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
    /// `PACE units`: the previous instruction's C code takes `units` rounds
    /// of native work longer (the GIL held; no check point). Nothing is
    /// emitted for 0 units: there is no time to add.
    pub fn pace(&mut self, units: u32) -> &mut Self {
        if units == 0 {
            return self;
        }
        self.emit(Instr::Pace(units))
    }
    /// `TOUCH_OBJECT`: pops an object number; its count goes up and down.
    pub fn touch_object(&mut self) -> &mut Self {
        self.emit(Instr::TouchObject)
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
        self.countdown_paced(n, 0, body)
    }

    /// [`FnBuilder::countdown`] with `PACE pace` after the subtraction.
    pub fn countdown_paced(
        &mut self,
        n: LocalId,
        pace: u32,
        body: impl FnOnce(&mut FnBuilder),
    ) -> &mut Self {
        let (top, end) = (self.label(), self.label());
        self.load_fast(n).load_const(0).compare_gt();
        self.pop_jump_forward_if_false(end).bind(top);
        body(self);
        self.load_fast(n)
            .load_const(1)
            .binary_sub()
            .pace(pace)
            .store_fast(n);
        self.load_fast(n).load_const(0).compare_gt();
        self.pop_jump_backward_if_true(top).bind(end)
    }
}
