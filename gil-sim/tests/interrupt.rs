//! Ctrl-C while a CPython child runs: the demo kills it (it leads a process
//! group of its own, out of the terminal's reach) and exits 130, and no
//! process or temporary file of the run is left (the contract's Ctrl-C clause).

use std::time::Duration;

#[test]
fn sigint_mid_run_ends_the_cpython_child_too() {
    if std::process::Command::new("python3")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("no python3: nothing to interrupt");
        return;
    }
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_gil-sim"));
    let tmp = tempfile::tempdir().unwrap();
    let args = ["compare-cpython"];
    let clause =
        gil_sim::contract::ctrl_c::sigint_mid_run(exe, &args, Duration::from_secs(60), tmp.path());
    clause.unwrap();
}
