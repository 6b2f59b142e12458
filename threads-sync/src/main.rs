//! `threads-sync`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    threads_sync::DEMO.main()
}
