//! The last step of [`ProgramBuilder::build`](super::ProgramBuilder::build),
//! one function at a time: its labels resolved to jump targets (each jump
//! going the way its opcode says), then every operand, every call's arity
//! and the closing `RETURN_VALUE` checked.

use super::build_error::BuildError;
use super::function_builder::{FnBuilder, Label};
use super::instr::Instr;
use super::program::Function;

/// Resolves the labels of `func`, written by `fb`, and checks it against
/// the program: `params` names every function and its parameter count,
/// `nglobals` and `nlocks` count the program's globals and locks.
pub(super) fn link(
    mut func: Function,
    fb: &FnBuilder,
    params: &[(String, u16)],
    nglobals: usize,
    nlocks: u16,
) -> Result<Function, BuildError> {
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
    for (at, ins) in func.code.iter().enumerate() {
        let ok = match *ins {
            Instr::LoadFast(i) | Instr::StoreFast(i) => (i as usize) < func.locals.len(),
            Instr::LoadGlobal(g) | Instr::StoreGlobal(g) => (g as usize) < nglobals,
            Instr::LockAcquire(l) | Instr::LockRelease(l) => l < nlocks,
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
    Ok(func)
}

#[cfg(test)]
mod tests {
    use crate::vm::{BuildError, ProgramBuilder};

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
