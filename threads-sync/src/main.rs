//! `threads-sync`: the demo binary; all the logic lives in the library.

#[cfg(not(loom))]
fn main() -> std::process::ExitCode {
    // `many-slow-connections` starts this binary again as a server child.
    if let Some(code) = threads_sync::experiments::server_child::main_if_server() {
        return code;
    }
    threads_sync::DEMO.main()
}

/// Under `--cfg loom` only the primitives are built, to be model-checked.
#[cfg(loom)]
fn main() {}
