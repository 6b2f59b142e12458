//! Ctrl-C while a server child runs (this binary in its `slow-server` role):
//! the demo kills it (it leads a process group of its own, out of the
//! terminal's reach) and exits 130, and no process or temporary file of the
//! run is left (the contract's Ctrl-C clause).

use std::time::Duration;

#[test]
fn sigint_mid_run_ends_the_server_child_too() {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_threads-sync"));
    let tmp = tempfile::tempdir().unwrap();
    let args = ["many-slow-connections"];
    let clause = threads_sync::contract::ctrl_c::sigint_mid_run(
        exe,
        &args,
        Duration::from_secs(60),
        tmp.path(),
    );
    clause.unwrap();
}
