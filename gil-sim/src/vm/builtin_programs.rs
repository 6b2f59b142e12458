//! The programs the experiments run (and `gil-sim dis` lists), written with
//! the builder in the shape CPython compiles the matching Python.

use std::time::Duration;

pub use super::pacing::Pacing;
use super::program::Program;
use super::program_builder::ProgramBuilder;

/// Names `gil-sim dis` accepts.
pub const NAMES: &[&str] = &[
    "countdown",
    "counter",
    "counter-call",
    "counter-locked",
    "io-sleep",
    "io-pipe",
    "native",
    "convoy",
    "refcount",
    "gui",
];

/// The program called `name` (defaults for its sizes), if there is one.
///
/// ```
/// let p = gil_sim::vm::builtin_programs::by_name("counter").unwrap();
/// assert_eq!(p.globals(), ["counter"]);
/// assert!(gil_sim::vm::builtin_programs::by_name("nope").is_none());
/// ```
pub fn by_name(name: &str) -> Option<Program> {
    Some(match name {
        "countdown" => countdown(),
        "counter" => counter(Variant::Plain),
        "counter-call" => counter(Variant::WithCall),
        "counter-locked" => counter(Variant::Locked),
        "io-sleep" => io_sleep(Duration::from_millis(5)),
        "io-pipe" => io_pipe(),
        "native" => native(100_000, true),
        "convoy" => convoy(Duration::from_millis(1)),
        "refcount" => refcount(8),
        "gui" => gui(10_000_000),
        _ => return None,
    })
}

/// `def countdown(n): while n > 0: n -= 1` (8 instructions per iteration,
/// as CPython 3.11's bytecode).
pub fn countdown() -> Program {
    let mut p = ProgramBuilder::new("countdown");
    p.function("countdown", &["n"], |f| {
        let n = f.param(0);
        f.countdown(n, |_| {});
        f.load_const(0).return_value();
    });
    p.build().expect("countdown is well-formed")
}

/// How `counter += 1` is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "demo", derive(serde::Serialize))]
#[cfg_attr(feature = "demo", serde(rename_all = "kebab-case"))]
pub enum Variant {
    /// `counter += 1`: LOAD_GLOBAL, LOAD_CONST, BINARY_ADD, STORE_GLOBAL.
    Plain,
    /// `counter = counter + one()`: a call between the load and the store.
    WithCall,
    /// `with lock: counter += 1`.
    Locked,
}

/// `def worker(n): while n > 0: <counter += 1 as variant>; n -= 1`, with
/// global `counter` (and `def one(): return 1` for the call variant).
pub fn counter(variant: Variant) -> Program {
    counter_paced(variant, Pacing::default())
}

/// [`counter`] with `pacing` (no `PACE` where a figure is 0).
///
/// ```
/// use gil_sim::vm::builtin_programs::{Pacing, Variant, counter_paced};
/// let p = counter_paced(Variant::WithCall, Pacing { inside: 40, outside: 0 });
/// let text = gil_sim::vm::dis::listing(&p);
/// assert_eq!(text.matches("PACE").count(), 1);
/// ```
pub fn counter_paced(variant: Variant, pacing: Pacing) -> Program {
    let name = match variant {
        Variant::Plain => "counter",
        Variant::WithCall => "counter-call",
        Variant::Locked => "counter-locked",
    };
    let mut p = ProgramBuilder::new(name);
    let counter = p.global("counter");
    let lock = (variant == Variant::Locked).then(|| p.lock());
    let one = (variant == Variant::WithCall).then(|| {
        p.function("one", &[], |f| {
            f.load_const(1).return_value();
        })
    });
    p.function("worker", &["n"], |f| {
        let n = f.param(0);
        f.countdown_paced(n, pacing.outside, |f| match variant {
            Variant::Plain => {
                f.load_global(counter)
                    .pace(pacing.inside)
                    .load_const(1)
                    .binary_add()
                    .store_global(counter);
            }
            Variant::WithCall => {
                let one = one.expect("declared for this variant");
                f.load_global(counter)
                    .pace(pacing.inside)
                    .call(one, 0)
                    .binary_add()
                    .store_global(counter);
            }
            Variant::Locked => {
                let lock = lock.expect("declared for this variant");
                f.lock_acquire(lock);
                f.load_global(counter)
                    .load_const(1)
                    .binary_add()
                    .store_global(counter);
                f.lock_release(lock);
            }
        });
        f.load_const(0).return_value();
    });
    p.build().expect("counter is well-formed")
}

/// `def worker(calls): for each call: time.sleep(d)`.
pub fn io_sleep(d: Duration) -> Program {
    let mut p = ProgramBuilder::new("io-sleep");
    p.function("worker", &["calls"], |f| {
        let n = f.param(0);
        f.countdown(n, |f| {
            f.io_sleep(d).pop_top();
        });
        f.load_const(0).return_value();
    });
    p.build().expect("io-sleep is well-formed")
}

/// `def worker(calls): total = 0; for each call: total += os.read(fd, 1)`.
pub fn io_pipe() -> Program {
    let mut p = ProgramBuilder::new("io-pipe");
    p.function("worker", &["calls"], |f| {
        let n = f.param(0);
        let total = f.local("total");
        f.countdown(n, |f| {
            f.load_fast(total).io_read().binary_add().store_fast(total);
        });
        f.load_fast(total).return_value();
    });
    p.build().expect("io-pipe is well-formed")
}

/// `def worker(calls): total = 0; for each call: total += native(units)`,
/// the native work releasing the GIL if `release`.
pub fn native(units: u32, release: bool) -> Program {
    let mut p = ProgramBuilder::new("native");
    p.function("worker", &["calls"], |f| {
        let n = f.param(0);
        let total = f.local("total");
        f.countdown(n, |f| {
            f.load_fast(total)
                .native(units, release)
                .binary_add()
                .store_fast(total);
        });
        f.load_fast(total).return_value();
    });
    p.build().expect("native is well-formed")
}

/// The convoy: `io(calls)` makes `calls` blocking calls of `block` then sets
/// global `stop`; `spin()` counts loop iterations until `stop` is set and
/// returns the count.
pub fn convoy(block: Duration) -> Program {
    let mut p = ProgramBuilder::new("convoy");
    let stop = p.global("stop");
    p.function("io", &["calls"], |f| {
        let n = f.param(0);
        f.countdown(n, |f| {
            f.io_sleep(block).pop_top();
        });
        f.load_const(1).store_global(stop);
        f.load_const(0).return_value();
    });
    p.function("spin", &[], |f| {
        // while not stop: count += 1
        let count = f.local("count");
        let (top, body) = (f.label(), f.label());
        f.bind(top).load_global(stop).load_const(0).compare_gt();
        f.pop_jump_forward_if_false(body);
        f.load_fast(count).return_value();
        f.bind(body);
        f.load_fast(count)
            .load_const(1)
            .binary_add()
            .store_fast(count);
        f.jump_backward(top);
        f.load_const(0).return_value();
    });
    p.build().expect("convoy is well-formed")
}

/// Most threads [`refcount`] has objects for.
pub const REFCOUNT_OBJECTS: u16 = 16;

/// `def worker(n, obj): while n > 0: x = objects[obj] (touches times); n -= 1`:
/// every iteration loads an object and drops the reference `touches` times
/// (its count up and down each time; CPython adjusts a count at about
/// every instruction, so a few per iteration is the realistic density).
/// Threads given the same `obj` share one object; given their own (0, 1,
/// ...), each touches an object it owns. Declares [`REFCOUNT_OBJECTS`]
/// objects.
pub fn refcount(touches: u16) -> Program {
    let mut p = ProgramBuilder::new("refcount");
    for _ in 0..REFCOUNT_OBJECTS {
        p.object();
    }
    p.function("worker", &["n", "obj"], |f| {
        let (n, obj) = (f.param(0), f.param(1));
        f.countdown(n, |f| {
            for _ in 0..touches {
                f.load_fast(obj).touch_object();
            }
        });
        f.load_const(0).return_value();
    });
    p.build().expect("refcount is well-formed")
}

/// The UI thread's sleep between frames (60 Hz).
pub const GUI_FRAME_SLEEP: Duration = Duration::from_millis(16);
/// Loop iterations of one frame's drawing (a fraction of a millisecond).
pub const GUI_DRAW_ITERS: i64 = 20_000;
/// Units of one native call of the task (about a millisecond of work).
pub const GUI_NATIVE_UNITS: u32 = 1_000_000;
/// The GUI of `gui-responsiveness`: `ui(frames)` draws and sleeps, with `ui_inline(half)` doing
/// the task between two halves; `bytecode_task()` and `native_task()` run
/// until the UI sets global `stop`.
pub fn gui(task_iters: i64) -> Program {
    let mut p = ProgramBuilder::new("gui");
    let stop = p.global("stop");
    let frames = |f: &mut super::FnBuilder, n: super::LocalId| {
        let d = f.local("d");
        f.countdown(n, |f| {
            f.load_const(GUI_DRAW_ITERS).store_fast(d);
            f.countdown(d, |_| {});
            f.io_sleep(GUI_FRAME_SLEEP).pop_top();
        });
    };
    p.function("ui", &["frames"], |f| {
        let n = f.param(0);
        frames(f, n);
        f.load_const(1).store_global(stop);
        f.load_const(0).return_value();
    });
    p.function("ui_inline", &["half"], |f| {
        let n = f.param(0);
        let m = f.local("m");
        let t = f.local("t");
        f.load_fast(n).store_fast(m);
        frames(f, n);
        f.load_const(task_iters).store_fast(t);
        f.countdown(t, |_| {});
        frames(f, m);
        f.load_const(1).store_global(stop);
        f.load_const(0).return_value();
    });
    for (name, native) in [("bytecode_task", false), ("native_task", true)] {
        p.function(name, &[], |f| {
            let (top, body) = (f.label(), f.label());
            f.bind(top).load_global(stop).load_const(0).compare_gt();
            f.pop_jump_forward_if_false(body);
            f.load_const(0).return_value();
            f.bind(body);
            if native {
                f.native(GUI_NATIVE_UNITS, true).pop_top();
            } else {
                let c = f.local("c");
                f.load_fast(c).load_const(1).binary_add().store_fast(c);
            }
            f.jump_backward(top);
            f.load_const(0).return_value();
        });
    }
    p.build().expect("the gui program is well-formed")
}

/// What one `NATIVE units` instruction pushes (to check a run's result).
pub fn native_checksum(units: u32) -> i64 {
    super::interp::native_work(units)
}
