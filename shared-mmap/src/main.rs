//! `shared-mmap`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    shared_mmap::DEMO.main()
}
