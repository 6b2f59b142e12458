//! `shared-mmap`: the demo binary; all the logic lives in the library.
//! Started as `shared-mmap __worker …` it is a worker process instead.

use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = shared_mmap::worker::main_if_worker() {
        return code;
    }
    shared_mmap::DEMO.main()
}
