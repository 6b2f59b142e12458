//! `threads-sync`: the demo binary; all the logic lives in the library.

#[cfg(not(loom))]
fn main() -> std::process::ExitCode {
    threads_sync::DEMO.main()
}

/// Under `--cfg loom` only the primitives are built, to be model-checked.
#[cfg(loom)]
fn main() {}
