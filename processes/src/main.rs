//! `processes`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // First thing: a worker run of this binary serves its job and exits here.
    processes::worker::enter_if_worker(&processes::jobs::REGISTRY);
    let _ = processes::interrupt::install();
    processes::DEMO.main()
}
