//! Reference counts in the VM: the safe ways of counting never lose a
//! change, however the threads interleave; plain counts without a GIL do.

use gil_sim::gil::{GilConfig, Policy};
use gil_sim::vm::objects::RefCounting;
use gil_sim::vm::{Job, Outcome, RunConfig, builtin_programs, run};

/// Iterations per thread (small: the tests run in debug builds).
const ITERS: i64 = 40_000;

fn refcount(policy: Policy, mode: RefCounting, threads: usize, shared: bool) -> Outcome {
    refcount_n(policy, mode, threads, shared, ITERS)
}

fn refcount_n(
    policy: Policy,
    mode: RefCounting,
    threads: usize,
    shared: bool,
    iters: i64,
) -> Outcome {
    let p = builtin_programs::refcount(4);
    let w = p.func("worker").unwrap();
    let jobs = (0..threads)
        .map(|i| Job::new(w, &[iters, if shared { 0 } else { i as i64 }]))
        .collect();
    let mut cfg = RunConfig::new(GilConfig::new(policy));
    cfg.refcount = mode;
    run(&p, &cfg, jobs).expect("the run succeeds")
}

#[test]
fn atomic_and_biased_counts_lose_nothing_on_a_shared_object() {
    for mode in [RefCounting::Atomic, RefCounting::Biased] {
        // ITERS suits a debug build; an optimised one may finish a thread
        // before the next starts, so the run grows until threads overlap.
        let mut iters = ITERS;
        let out = loop {
            let out = refcount_n(Policy::Nogil, mode, 3, true, iters);
            if out.max_inside >= 2 || iters >= ITERS * 256 {
                break out;
            }
            iters *= 4;
        };
        assert!(
            out.object_counts.iter().all(|&c| c == 0),
            "{mode:?}: {:?}",
            out.object_counts
        );
        assert!(out.max_inside >= 2, "the threads really ran without a GIL");
    }
}

#[test]
fn plain_counts_are_safe_under_every_gil() {
    for policy in [Policy::Py2, Policy::Py39, Policy::Py311] {
        let out = refcount(policy, RefCounting::Plain, 3, true);
        assert!(out.object_counts.iter().all(|&c| c == 0), "{policy:?}");
    }
}

#[test]
fn plain_counts_without_a_gil_lose_changes_on_a_shared_object() {
    // Lost changes need the threads to overlap: try a few times.
    let lost = (0..20).any(|_| {
        let out = refcount(Policy::Nogil, RefCounting::Plain, 2, true);
        out.object_counts[0] != 0
    });
    assert!(lost, "two threads doing load; add; store never collided");
}

#[test]
fn touching_an_object_that_does_not_exist_is_an_error() {
    let p = builtin_programs::refcount(1);
    let w = p.func("worker").unwrap();
    let out = run(
        &p,
        &RunConfig::new(GilConfig::new(Policy::Py311)),
        vec![Job::new(w, &[3, builtin_programs::REFCOUNT_OBJECTS as i64])],
    );
    assert_eq!(
        out.unwrap_err(),
        gil_sim::vm::VmError::NoObject(builtin_programs::REFCOUNT_OBJECTS as i64)
    );
}
