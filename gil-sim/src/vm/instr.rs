//! The instruction set: a small subset of CPython's bytecode, plus the
//! blocking-I/O, native-work and lock instructions the GIL lessons need.
//!
//! Values are `i64`; "true" is any non-zero value. Every variant is `Copy`
//! and 16 bytes, so the interpreter's `match` touches no heap.

/// One bytecode instruction. Jump targets are instruction indices in the
/// same function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instr {
    /// Function entry (CPython 3.11 `RESUME`): a py311 check point.
    Resume,
    /// Push a constant.
    LoadConst(i64),
    /// Push local `n` (a parameter or a local variable).
    LoadFast(u16),
    /// Pop into local `n`.
    StoreFast(u16),
    /// Push global `n` (reachable only while holding the GIL).
    LoadGlobal(u16),
    /// Pop into global `n`.
    StoreGlobal(u16),
    /// Pop b, pop a, push a + b (wrapping).
    BinaryAdd,
    /// Pop b, pop a, push a - b (wrapping).
    BinarySub,
    /// Pop b, pop a, push 1 if a > b else 0.
    CompareGt,
    /// Discard the top of the stack.
    PopTop,
    /// Jump forward to the target.
    JumpForward(u32),
    /// Jump back to the target: a py311 check point.
    JumpBackward(u32),
    /// Pop; jump forward to the target if it is false (zero).
    PopJumpForwardIfFalse(u32),
    /// Pop; jump back to the target if it is true: a py311 check point when taken.
    PopJumpBackwardIfTrue(u32),
    /// Call function `func` with `nargs` arguments from the stack. As in
    /// CPython 3.11's Python-to-Python calls, the check happens at the
    /// callee's `RESUME`, not here.
    Call {
        /// The callee's index in the program.
        func: u16,
        /// How many arguments to pop (must equal the callee's parameters).
        nargs: u16,
    },
    /// Return the top of the stack to the caller (or end the thread).
    ReturnValue,
    /// Blocking I/O: sleep this many microseconds with the GIL released. Pushes 0.
    IoSleep(u32),
    /// Blocking I/O: read one byte from the thread's pipe with the GIL
    /// released. Pushes it. Blocks until a byte arrives or every writer has
    /// closed the pipe (end of file: a `VmError::Io`).
    IoRead,
    /// Native work (a C extension): `units` rounds of real CPU work in Rust,
    /// with the GIL released if `release`. Pushes a checksum of the work.
    /// A py311 check point after it returns, as a C call in CPython 3.11.
    Native {
        /// Rounds of work (about a nanosecond each).
        units: u32,
        /// Release the GIL around the work (`Py_BEGIN_ALLOW_THREADS`).
        release: bool,
    },
    /// Acquire VM lock `n` (`threading.Lock.acquire`): releases the GIL if it must block.
    LockAcquire(u16),
    /// Release VM lock `n`.
    LockRelease(u16),
    /// Time CPython spends inside the instruction before it (allocating an
    /// int, setting up a frame): `units` rounds of native work with the GIL
    /// held. Not an instruction of its own: never a check point, and the
    /// loop goes straight on after it (see [`Instr::dispatches_fast`]).
    Pace(u32),
    /// Pop an object number; load that object and drop the reference
    /// again (`x = obj`, the value discarded): its reference count goes up
    /// by one and back down, kept as the run's
    /// [`RefCounting`](super::objects::RefCounting) says.
    TouchObject,
}

impl Instr {
    /// The CPython-style opcode name, as `dis` prints it.
    ///
    /// ```
    /// use gil_sim::vm::Instr;
    /// assert_eq!(Instr::LoadGlobal(0).name(), "LOAD_GLOBAL");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Instr::Resume => "RESUME",
            Instr::LoadConst(_) => "LOAD_CONST",
            Instr::LoadFast(_) => "LOAD_FAST",
            Instr::StoreFast(_) => "STORE_FAST",
            Instr::LoadGlobal(_) => "LOAD_GLOBAL",
            Instr::StoreGlobal(_) => "STORE_GLOBAL",
            Instr::BinaryAdd => "BINARY_ADD",
            Instr::BinarySub => "BINARY_SUBTRACT",
            Instr::CompareGt => "COMPARE_GT",
            Instr::PopTop => "POP_TOP",
            Instr::JumpForward(_) => "JUMP_FORWARD",
            Instr::JumpBackward(_) => "JUMP_BACKWARD",
            Instr::PopJumpForwardIfFalse(_) => "POP_JUMP_FORWARD_IF_FALSE",
            Instr::PopJumpBackwardIfTrue(_) => "POP_JUMP_BACKWARD_IF_TRUE",
            Instr::Call { .. } => "CALL",
            Instr::ReturnValue => "RETURN_VALUE",
            Instr::IoSleep(_) => "IO_SLEEP",
            Instr::IoRead => "IO_READ",
            Instr::Native { .. } => "NATIVE",
            Instr::LockAcquire(_) => "LOCK_ACQUIRE",
            Instr::LockRelease(_) => "LOCK_RELEASE",
            Instr::TouchObject => "TOUCH_OBJECT",
            Instr::Pace(_) => "PACE",
        }
    }

    /// Does this instruction release the GIL by itself (blocking I/O,
    /// releasing native work, a lock acquire that must block)?
    pub fn may_release(&self) -> bool {
        matches!(
            self,
            Instr::IoSleep(_)
                | Instr::IoRead
                | Instr::Native { release: true, .. }
                | Instr::LockAcquire(_)
        )
    }

    /// Does CPython 2.7 and 3.9 go straight on to the next instruction
    /// after this one, past the check at the top of the loop? Their
    /// cheapest opcodes end in `goto fast_next_opcode` (2.7) or
    /// `FAST_DISPATCH()` (3.9), so the instruction after them can neither
    /// switch nor (2.7) count a tick. Function entry, and the instruction
    /// after every other opcode, dispatch through the check.
    ///
    /// ```
    /// use gil_sim::vm::Instr;
    /// assert!(Instr::LoadConst(1).dispatches_fast());
    /// assert!(!Instr::LoadGlobal(0).dispatches_fast()); // a dict lookup: checked after
    /// ```
    pub fn dispatches_fast(&self) -> bool {
        matches!(
            self,
            Instr::Resume
                | Instr::LoadConst(_)
                | Instr::LoadFast(_)
                | Instr::StoreFast(_)
                | Instr::PopTop
                | Instr::JumpForward(_)
                | Instr::PopJumpForwardIfFalse(_)
                | Instr::PopJumpBackwardIfTrue(_)
                | Instr::Pace(_)
        )
    }

    /// Is this a py311 check point? CPython >= 3.10 checks the eval breaker
    /// only at backward jumps, at `RESUME` (the entry of every Python
    /// function, so every Python call) and after calls of C functions (here
    /// `NATIVE`).
    pub fn is_loop_or_call_check(&self) -> bool {
        matches!(
            self,
            Instr::Resume
                | Instr::JumpBackward(_)
                | Instr::PopJumpBackwardIfTrue(_)
                | Instr::Native { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_stay_small_and_copy() {
        assert!(std::mem::size_of::<Instr>() <= 16);
    }

    #[test]
    fn only_loops_calls_and_entry_are_py311_check_points() {
        assert!(Instr::JumpBackward(0).is_loop_or_call_check());
        assert!(Instr::Resume.is_loop_or_call_check());
        assert!(!Instr::Call { func: 0, nargs: 0 }.is_loop_or_call_check());
        assert!(!Instr::JumpForward(3).is_loop_or_call_check());
        assert!(!Instr::StoreGlobal(0).is_loop_or_call_check());
    }

    #[test]
    fn the_opcodes_that_change_the_counter_are_checked_after() {
        // 2.7 and 3.9 check after LOAD_GLOBAL and after the add: a switch
        // can land between the read and the write of `counter += 1`.
        assert!(!Instr::LoadGlobal(0).dispatches_fast());
        assert!(!Instr::BinaryAdd.dispatches_fast());
        // JUMP_ABSOLUTE (here JUMP_BACKWARD) dispatches through the check:
        // every loop can switch.
        assert!(!Instr::JumpBackward(0).dispatches_fast());
        assert!(Instr::StoreFast(0).dispatches_fast());
    }
}
