//! The experiments of `gil-sim`, one claim a file, in the order a full run
//! takes them; each runs the VM, so each takes `--trace FILE` ([`Traced`]).

use crate::contract::Entry;
use crate::flags::Traced;

pub mod compare_cpython;
pub mod convoy;
pub mod cpu_bound;
pub mod gilectomy;
pub mod gui_responsiveness;
pub mod io_bound;
pub mod multicore_penalty;
pub mod native_release;
pub mod race;
pub mod vm_speed;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[
    Entry::of::<Traced<cpu_bound::CpuBound>>(),
    Entry::of::<Traced<multicore_penalty::MulticorePenalty>>(),
    Entry::of::<Traced<io_bound::IoBound>>(),
    Entry::of::<Traced<native_release::NativeRelease>>(),
    Entry::of::<Traced<convoy::ConvoyExp>>(),
    Entry::of::<Traced<gui_responsiveness::GuiResponsiveness>>(),
    Entry::of::<Traced<race::Race>>(),
    Entry::of::<Traced<vm_speed::VmSpeed>>(),
    Entry::of::<Traced<gilectomy::Gilectomy>>(),
    Entry::of::<Traced<compare_cpython::CompareCpython>>(),
];
