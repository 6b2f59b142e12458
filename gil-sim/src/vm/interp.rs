//! The interpreter loop: one thread runs one job's bytecode, holding the GIL
//! (a [`Held`] guard) and polling the policy's eval breaker at its check
//! points.
//!
//! The hot path is a `match` on a `Copy` enum with no allocation and no
//! lock; the check point is `G::breaker()`, one relaxed atomic load for the
//! new GIL, compiled in only where `G::CHECKS` says (the loop is generic over
//! the policy). Everything that leaves the fast path (a switch, blocking I/O,
//! native work, a contended lock, a reference count) is in [`super::cold`].

use std::io::Read;
use std::time::Duration;

use super::cold::{Heap, first_take, released, switch, touch};
use super::instr::Instr;
use super::job::Job;
use super::outcome::{ThreadStats, VmError};
use super::program::Program;
use crate::gil::{Checks, Gil, Shared};
use crate::trace::{State, ThreadTrace};

/// Deepest call stack a thread may build.
pub(crate) const MAX_DEPTH: usize = 64;
/// Largest value stack, checked at backward jumps and calls (the only ways
/// to loop), so straight-line code pays nothing for it.
pub(crate) const MAX_STACK: usize = 1024;
/// How long a blocked `LOCK_ACQUIRE` waits before reporting a deadlock.
pub(crate) const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy)]
struct Frame {
    func: usize,
    ret_pc: usize,
    base: usize,
}

/// The native instruction's real CPU work: `units` dependent xorshift
/// rounds (about a nanosecond each; the compiler cannot skip them).
pub(crate) fn native_work(units: u32) -> i64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..units {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x) as i64 & 0xFFFF
}

/// Runs `job` on the calling thread as VM thread `me`, until its function returns.
pub(crate) fn exec<G: Gil>(
    shared: &Shared<G>,
    heap: &Heap,
    program: &Program,
    job: &mut Job,
    me: u32,
    stats: &mut ThreadStats,
    trace: &mut ThreadTrace,
) -> Result<i64, VmError> {
    let every = G::CHECKS == Checks::EveryInstruction;
    let loops = G::CHECKS == Checks::LoopsAndCalls;
    let _pad = super::run::placement_pad();
    let mut stack: Vec<i64> = Vec::with_capacity(MAX_STACK + 64);
    let mut locals: Vec<i64> = Vec::with_capacity(256);
    let mut frames: Vec<Frame> = Vec::with_capacity(MAX_DEPTH);
    let mut func = job.func.0 as usize;
    let mut code: &[Instr] = &program.funcs[func].code;
    locals.extend_from_slice(&job.args);
    locals.resize(program.funcs[func].locals.len(), 0);
    let mut base = 0usize;
    let mut pc = 0usize;
    let mut executed = 0u64;
    let mut held = first_take(shared, me, trace);
    // py2/py39: did the last instruction dispatch through the check (see
    // `Instr::dispatches_fast`)? Function entry does.
    let mut checked = true;

    macro_rules! pop {
        () => {
            stack.pop().ok_or(VmError::StackUnderflow)?
        };
    }
    macro_rules! check {
        ($ins:expr, $at:expr) => {
            if shared.gil().breaker() {
                held = switch(held, &$ins, (func, $at), executed, stats, trace);
            }
        };
    }

    let result = loop {
        let ins = code[pc];
        let at = pc;
        if every {
            if checked {
                check!(ins, at);
            }
            checked = !ins.dispatches_fast();
        }
        pc += 1;
        executed += 1;
        match ins {
            Instr::Resume => {
                if loops {
                    check!(ins, at);
                }
            }
            Instr::LoadConst(v) => stack.push(v),
            Instr::LoadFast(i) => stack.push(locals[base + i as usize]),
            Instr::StoreFast(i) => locals[base + i as usize] = pop!(),
            Instr::LoadGlobal(g) => stack.push(held.load(g)),
            Instr::StoreGlobal(g) => {
                let v = pop!();
                held.store(g, v);
            }
            Instr::BinaryAdd => {
                let b = pop!();
                let a = pop!();
                stack.push(a.wrapping_add(b));
            }
            Instr::BinarySub => {
                let b = pop!();
                let a = pop!();
                stack.push(a.wrapping_sub(b));
            }
            Instr::CompareGt => {
                let b = pop!();
                let a = pop!();
                stack.push((a > b) as i64);
            }
            Instr::PopTop => {
                pop!();
            }
            Instr::JumpForward(t) => pc = t as usize,
            Instr::PopJumpForwardIfFalse(t) => {
                if pop!() == 0 {
                    pc = t as usize;
                }
            }
            Instr::JumpBackward(t) => {
                pc = t as usize;
                if stack.len() > MAX_STACK {
                    break Err(VmError::StackOverflow);
                }
                if loops {
                    check!(ins, at);
                }
            }
            Instr::PopJumpBackwardIfTrue(t) => {
                if pop!() != 0 {
                    pc = t as usize;
                    if stack.len() > MAX_STACK {
                        break Err(VmError::StackOverflow);
                    }
                    if loops {
                        check!(ins, at);
                    }
                }
            }
            Instr::Call { func: f, nargs } => {
                if frames.len() >= MAX_DEPTH || stack.len() > MAX_STACK {
                    break Err(VmError::StackOverflow);
                }
                let n = nargs as usize;
                if stack.len() < n {
                    break Err(VmError::StackUnderflow);
                }
                frames.push(Frame {
                    func,
                    ret_pc: pc,
                    base,
                });
                base = locals.len();
                locals.extend_from_slice(&stack[stack.len() - n..]);
                stack.truncate(stack.len() - n);
                func = f as usize;
                locals.resize(base + program.funcs[func].locals.len(), 0);
                code = &program.funcs[func].code;
                pc = 0;
            }
            Instr::ReturnValue => {
                let v = pop!();
                match frames.pop() {
                    None => break Ok(v),
                    Some(fr) => {
                        locals.truncate(base);
                        (func, pc, base) = (fr.func, fr.ret_pc, fr.base);
                        code = &program.funcs[func].code;
                        stack.push(v);
                    }
                }
            }
            Instr::IoSleep(us) => {
                let d = Duration::from_micros(us as u64);
                held = released(held, State::Io, stats, trace, || std::thread::sleep(d)).0;
                stack.push(0);
            }
            Instr::IoRead => {
                let Some(pipe) = job.pipe.as_mut() else {
                    break Err(VmError::NoPipe);
                };
                let mut byte = [0u8; 1];
                let (h, r) = released(held, State::Io, stats, trace, || pipe.read_exact(&mut byte));
                held = h;
                if let Err(e) = r {
                    break Err(VmError::Io(e.to_string()));
                }
                stack.push(byte[0] as i64);
            }
            Instr::Native { units, release } => {
                let v = if release {
                    let (h, v) = released(held, State::Native, stats, trace, || native_work(units));
                    held = h;
                    v
                } else {
                    native_work(units)
                };
                stack.push(v);
                if loops {
                    check!(ins, at);
                }
            }
            Instr::LockAcquire(l) => {
                let lock = &heap.locks[l as usize];
                if !lock.try_acquire() {
                    let (h, ok) = released(held, State::Lock, stats, trace, || {
                        lock.acquire_timeout(LOCK_TIMEOUT)
                    });
                    held = h;
                    if !ok {
                        break Err(VmError::LockTimeout(LOCK_TIMEOUT));
                    }
                }
            }
            Instr::LockRelease(l) => {
                if !heap.locks[l as usize].release() {
                    break Err(VmError::ReleaseUnlocked(l));
                }
            }
            Instr::Pace(units) => {
                std::hint::black_box(native_work(units));
            }
            Instr::TouchObject => {
                let i = pop!();
                if let Err(i) = touch(heap, i, me) {
                    break Err(VmError::NoObject(i));
                }
            }
        }
    };
    stats.instructions += executed;
    let end = trace.now();
    trace.end_hold(end);
    drop(held);
    result
}
