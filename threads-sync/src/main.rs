//! `threads-sync`: the demo binary; all the logic lives in the library.

fn main() -> std::process::ExitCode {
    // `many-slow-connections` starts this binary again as a server child.
    let roles = &threads_sync::server_child::ROLES;
    if let Some(code) = subprocess_pipes::worker::main_if_worker(roles) {
        return code;
    }
    // Ctrl-C kills the server and CPython children (each leads a process
    // group of its own) and exits.
    if let Err(e) = subprocess_pipes::interrupt::kill_children_on_interrupt() {
        eprintln!("threads-sync: cannot watch for Ctrl-C: {e}");
    }
    threads_sync::DEMO.main()
}
