//! `subprocess-pipes`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Worker mode first: `subprocess-pipes __worker <role>` is a child of a demo.
    if let Some(code) = subprocess_pipes::worker::main_if_worker() {
        return code;
    }
    subprocess_pipes::DEMO.main()
}
