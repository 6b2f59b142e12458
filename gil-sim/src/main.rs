//! `gil-sim`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Ctrl-C kills the CPython children (each leads a process group of its
    // own) and exits.
    if let Err(e) = subprocess_pipes::interrupt::kill_children_on_interrupt() {
        eprintln!("gil-sim: cannot watch for Ctrl-C: {e}");
    }
    gil_sim::DEMO.main()
}
