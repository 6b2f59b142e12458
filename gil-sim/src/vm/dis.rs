//! A `dis`-style listing of a program that marks, per GIL policy, the
//! instructions before which a thread switch can happen.

use std::fmt::Write;

use super::instr::Instr;
use super::program::Program;
use crate::gil::Policy;

/// What the marks mean. Where a py311 switch happens differs from the older
/// policies: not before the marked instruction but as it runs.
pub const LEGEND: &str = "columns: py2 py39 py311 nogil\n\
'*' py2/py39: a switch can happen before this instruction (not after a fast\n    \
opcode such as LOAD_FAST, LOAD_CONST or STORE_FAST: 2.7 and 3.9 skip the check there);\n    \
py311: after this backward jump when taken, at this RESUME (function entry),\n    \
or after this NATIVE call returns\n\
'R' the instruction releases the GIL (blocking I/O, releasing native work, a lock wait)";

/// The listing: one line per instruction, a column per policy (`*`: a
/// switch can happen there, see [`LEGEND`]; `R`: it releases the GIL itself).
///
/// ```
/// use gil_sim::vm::builtin_programs::{Variant, counter};
/// let p = counter(Variant::Plain);
/// let text = gil_sim::vm::dis::listing(&p);
/// assert!(text.contains("STORE_GLOBAL"));
/// ```
pub fn listing(p: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "program {}: globals {:?}, {} lock(s), {} object(s)",
        p.name, p.globals, p.locks, p.objects
    );
    let _ = writeln!(out, "{LEGEND}");
    for f in &p.funcs {
        let _ = writeln!(
            out,
            "\nfunction {}({}):",
            f.name,
            f.locals[..f.params as usize].join(", ")
        );
        let targets: Vec<usize> = f.code.iter().filter_map(target).collect();
        for (i, ins) in f.code.iter().enumerate() {
            let checked = after_checked_dispatch(&f.code, i);
            let marks: String = Policy::ALL
                .iter()
                .map(|&pol| {
                    let m = if ins.may_release() && pol.has_gil() {
                        'R'
                    } else if pol.can_switch_at(ins, checked) {
                        '*'
                    } else {
                        ' '
                    };
                    format!("  {m}  ")
                })
                .collect();
            let jump = if targets.contains(&i) { ">>" } else { "  " };
            let _ = writeln!(
                out,
                "{marks} {jump} {i:4} {:<26} {}",
                ins.name(),
                arg(p, f, ins)
            );
        }
    }
    out
}

/// Is instruction `i` reached through the loop's check (py2/py39): at the
/// function's entry, or from a predecessor (the instruction before it if
/// that one falls through, or a jump to it) that does not dispatch fast?
fn after_checked_dispatch(code: &[Instr], i: usize) -> bool {
    let falls_through = |ins: &Instr| {
        !matches!(
            ins,
            Instr::JumpForward(_) | Instr::JumpBackward(_) | Instr::ReturnValue
        )
    };
    i == 0
        || (falls_through(&code[i - 1]) && !code[i - 1].dispatches_fast())
        || code
            .iter()
            .any(|j| target(j) == Some(i) && !j.dispatches_fast())
}

fn target(ins: &Instr) -> Option<usize> {
    match *ins {
        Instr::JumpForward(t)
        | Instr::JumpBackward(t)
        | Instr::PopJumpForwardIfFalse(t)
        | Instr::PopJumpBackwardIfTrue(t) => Some(t as usize),
        _ => None,
    }
}

fn arg(p: &Program, f: &super::program::Function, ins: &Instr) -> String {
    let name = |v: &[String], i: u16| v.get(i as usize).cloned().unwrap_or_default();
    match *ins {
        Instr::LoadConst(v) => format!("{v}"),
        Instr::LoadFast(i) | Instr::StoreFast(i) => format!("{i} ({})", name(&f.locals, i)),
        Instr::LoadGlobal(i) | Instr::StoreGlobal(i) => format!("{i} ({})", name(&p.globals, i)),
        Instr::Call { func, nargs } => format!(
            "{nargs} ({})",
            p.funcs.get(func as usize).map_or("?", |f| f.name.as_str())
        ),
        Instr::IoSleep(us) => format!("{us} us"),
        Instr::Pace(units) => format!("{units} units"),
        Instr::Native { units, release } => {
            format!(
                "{units} units{}",
                if release {
                    ", GIL released"
                } else {
                    ", GIL held"
                }
            )
        }
        Instr::LockAcquire(l) | Instr::LockRelease(l) => format!("lock {l}"),
        _ => target(ins).map_or(String::new(), |t| format!("(to {t})")),
    }
}
