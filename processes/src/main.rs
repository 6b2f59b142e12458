//! `processes`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // First thing: a worker run of this binary serves its job and ends here.
    if let Some(code) = subprocess_pipes::worker::main_if_worker(&processes::demo_jobs::REGISTRY) {
        return code;
    }
    // Ctrl-C kills every worker (each leads a process group of its own) and exits.
    if let Err(e) = subprocess_pipes::interrupt::kill_children_on_interrupt() {
        eprintln!("processes: cannot watch for Ctrl-C: {e}");
    }
    processes::DEMO.main()
}
