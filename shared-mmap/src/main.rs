//! `shared-mmap`: the demo binary; all the logic lives in the library.
//! Started as `shared-mmap __worker …` it is a worker process instead.

use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = subprocess_pipes::worker::main_if_worker(&shared_mmap::worker_modes::MODES)
    {
        return code;
    }
    // Ctrl-C (or SIGTERM) kills the workers and
    // removes the demo's temporary files, then exits 128 + the signal.
    // Forks stop the waiting thread for their moment (see
    // `subprocess_pipes::interrupt::without_watcher`).
    if let Err(e) = subprocess_pipes::interrupt::kill_children_on_interrupt() {
        eprintln!("shared-mmap: cannot watch for Ctrl-C: {e}");
    }
    shared_mmap::DEMO.main()
}
