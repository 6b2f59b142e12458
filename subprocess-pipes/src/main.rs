//! `subprocess-pipes`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    subprocess_pipes::DEMO.main()
}
