//! gil-sim's series: the convoy's sweep of switch intervals, and one point
//! per GIL policy (`gil`) or per interpreter (`python`) for the experiments
//! that compare them.

use super::point::point;

point! {
    /// `gil-sim convoy`: how long the I/O thread waits for the GIL after each
    /// read, beside `cpu_threads` CPU-bound threads, at one switch interval.
    pub struct ConvoyLatency("latency", x = interval_us) {
        /// CPU-bound threads beside the I/O thread.
        cpu_threads: u32 => "threads",
        /// The switch interval, in microseconds.
        interval_us: f64 => "µs",
        /// The median time of one blocking call, the wait for the GIL after
        /// it included, in seconds.
        latency_s: f64 => "s",
        /// The CPU-bound threads' progress meanwhile (0 without them).
        cpu_iters_per_s: f64 => "iter/s",
    }
}

point! {
    /// `gil-sim cpu-bound`: under one GIL policy, the time of the threads
    /// sharing a countdown over the time of one thread doing it all (about
    /// 1 under a GIL; about 1/threads without one, given the cores).
    pub struct CpuBoundRatio("threads_over_sequential", x = gil) {
        /// The GIL policy (`py2`, `py39`, `py311`, `nogil`).
        gil: String => "name",
        /// One thread doing all the work: the median, in seconds.
        sequential_s: f64 => "s",
        /// The threads sharing it: the median, in seconds.
        threads_s: f64 => "s",
        /// `threads_s / sequential_s`.
        threads_over_sequential: f64 => "x (time threads/sequential)",
    }
}

point! {
    /// `gil-sim io-bound`: under one GIL policy, how much sooner `threads`
    /// threads blocking at once finish than one thread making every call.
    pub struct IoSpeedup("speedup", x = gil) {
        /// The GIL policy.
        gil: String => "name",
        /// Threads making the calls.
        threads: u32 => "threads",
        /// One thread making every call: the median, in seconds.
        one_thread_s: f64 => "s",
        /// The threads making them: the median, in seconds.
        threads_s: f64 => "s",
        /// `one_thread_s / threads_s` (about `threads` when the GIL is
        /// released while a call blocks).
        speedup: f64 => "x",
    }
}

point! {
    /// `gil-sim gui-responsiveness`: under one GIL policy, the UI thread's
    /// frames alone, and what a long task costs them wherever it runs.
    pub struct GuiFrames("frames", x = gil) {
        /// The GIL policy.
        gil: String => "name",
        /// The median frame with no task, in seconds (16 ms of sleep plus
        /// the drawing).
        alone_frame_s: f64 => "s",
        /// The worst frame with the task in the UI thread, in seconds.
        inline_worst_frame_s: f64 => "s",
        /// The median frame with the task as bytecode in a second thread,
        /// less the median alone, in seconds.
        bytecode_thread_delay_s: f64 => "s",
        /// The same with the task as GIL-releasing native work, in seconds.
        native_thread_delay_s: f64 => "s",
    }
}

point! {
    /// `gil-sim race`: under one GIL policy, the updates lost when threads
    /// run `counter += 1`: plainly, with a call inside the statement, and
    /// under the VM's `Lock`.
    pub struct RaceLost("lost", x = gil) {
        /// The GIL policy.
        gil: String => "name",
        /// Every update made (threads x increments).
        updates: u64 => "updates",
        /// Lost by `counter += 1`.
        plain_lost: i64 => "updates",
        /// Lost by `counter = counter + one()` (a call mid-statement).
        call_lost: i64 => "updates",
        /// Lost with the update under a `Lock` (none, under any policy).
        locked_lost: i64 => "updates",
    }
}

point! {
    /// `gil-sim vm-speed`: under one GIL policy, how fast one uncontended
    /// thread runs simple VM instructions (its fastest run).
    pub struct InstrRate("instr_rate", x = gil) {
        /// The GIL policy.
        gil: String => "name",
        /// Millions of instructions per second.
        minstr_per_s: f64 => "M instr/s",
    }
}

point! {
    /// `gil-sim compare-cpython`: one interpreter's figures beside the
    /// simulator's under the policy that models its version, each on both
    /// sides (`_cpython`, `_sim`).
    pub struct SideBySide("side_by_side", x = python) {
        /// The interpreter's version (`3.11.7`).
        python: String => "name",
        /// The GIL policy that models it (`py311`).
        gil: String => "name",
        /// Two CPU-bound threads' time over one thread's: CPython.
        cpu_ratio_cpython: f64 => "x (2 threads/sequential)",
        /// The same: the simulator.
        cpu_ratio_sim: f64 => "x (2 threads/sequential)",
        /// Blocking threads' speedup over one thread: CPython.
        io_speedup_cpython: f64 => "x",
        /// The same: the simulator.
        io_speedup_sim: f64 => "x",
        /// A blocking call's latency beside a CPU-bound thread: CPython.
        convoy_latency_cpython_s: f64 => "s",
        /// The same: the simulator.
        convoy_latency_sim_s: f64 => "s",
        /// Share of `counter += 1` updates lost: CPython.
        plain_lost_fraction_cpython: f64 => "fraction",
        /// The same: the simulator.
        plain_lost_fraction_sim: f64 => "fraction",
        /// Share lost with a call mid-statement: CPython.
        call_lost_fraction_cpython: f64 => "fraction",
        /// The same: the simulator.
        call_lost_fraction_sim: f64 => "fraction",
        /// Share lost under a lock: CPython.
        locked_lost_fraction_cpython: f64 => "fraction",
        /// The same: the simulator.
        locked_lost_fraction_sim: f64 => "fraction",
        /// Loop speed, millions of instructions per second: CPython.
        loop_minstr_per_s_cpython: f64 => "M instr/s",
        /// The same: the simulator.
        loop_minstr_per_s_sim: f64 => "M instr/s",
    }
}
