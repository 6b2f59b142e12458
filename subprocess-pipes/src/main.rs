//! `subprocess-pipes`: the demo binary; all the logic lives in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Worker mode first: `subprocess-pipes __worker <role>` is a child of a demo.
    if let Some(code) =
        subprocess_pipes::worker::main_if_worker(&subprocess_pipes::worker::PIPE_ROLES)
    {
        return code;
    }
    // Ctrl-C also ends the children, which live in process groups of their own.
    if let Err(e) = subprocess_pipes::interrupt::kill_children_on_interrupt() {
        eprintln!("subprocess-pipes: cannot watch for Ctrl-C: {e}");
    }
    subprocess_pipes::DEMO.main()
}
