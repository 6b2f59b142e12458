//! The experiments of `gil-sim`, one claim a file, in the order a full run takes them.

use crate::contract::Entry;

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
    Entry::of::<cpu_bound::CpuBound>(),
    Entry::of::<multicore_penalty::MulticorePenalty>(),
    Entry::of::<io_bound::IoBound>(),
    Entry::of::<native_release::NativeRelease>(),
    Entry::of::<convoy::ConvoyExp>(),
    Entry::of::<gui_responsiveness::GuiResponsiveness>(),
    Entry::of::<race::Race>(),
    Entry::of::<vm_speed::VmSpeed>(),
    Entry::of::<gilectomy::Gilectomy>(),
    Entry::of::<compare_cpython::CompareCpython>(),
];
