//! Property: any straight-line program the builder accepts runs to a value
//! or a clean `VmError` (stack underflow, release of an unlocked lock, an
//! object that does not exist),
//! under every policy, and never panics a VM thread.

use gil_sim::gil::{GilConfig, Policy};
use gil_sim::vm::{Job, ProgramBuilder, RunConfig, VmError, run};
use proptest::prelude::*;

/// Programs tried per policy (small: the tests run in debug builds).
const CASES: u32 = 48;

fn program(ops: &[u8]) -> gil_sim::vm::Program {
    let mut p = ProgramBuilder::new("random");
    let g = p.global("g");
    let lock = p.lock();
    p.object();
    let one = p.function("one", &[], |f| {
        f.load_const(1).return_value();
    });
    p.function("main", &["x"], |f| {
        let x = f.param(0);
        let y = f.local("y");
        for op in ops {
            match op % 13 {
                0 => f.load_const(*op as i64),
                1 => f.load_global(g),
                2 => f.store_global(g),
                3 => f.binary_add(),
                4 => f.binary_sub(),
                5 => f.compare_gt(),
                6 => f.pop_top(),
                7 => f.load_fast(x),
                8 => f.store_fast(y),
                9 => f.call(one, 0),
                10 => f.native(10, op % 2 == 0),
                11 => f.touch_object(),
                _ => f.lock_release(lock),
            };
        }
        f.load_const(0).return_value();
    });
    p.build().expect("straight-line programs always build")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]
    #[test]
    fn random_programs_run_or_fail_cleanly(ops in proptest::collection::vec(any::<u8>(), 0..40)) {
        let p = program(&ops);
        let main = p.func("main").unwrap();
        for policy in Policy::ALL {
            let jobs = (0..2).map(|_| Job::new(main, &[7])).collect();
            match run(&p, &RunConfig::new(GilConfig::new(policy)), jobs) {
                Ok(out) => prop_assert_eq!(out.threads.len(), 2),
                Err(e) => prop_assert!(
                    matches!(
                        e,
                        VmError::StackUnderflow | VmError::ReleaseUnlocked(_) | VmError::NoObject(_)
                    ),
                    "unexpected error {e}"
                ),
            }
        }
    }
}
