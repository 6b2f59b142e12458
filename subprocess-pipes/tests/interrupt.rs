//! Ctrl-C (SIGINT) to the demo binary while it waits on a child: the child, in a process group of its own, is killed too, not orphaned.

mod common;

use std::path::Path;

use common::{EXE, ms};
use subprocess_pipes::contract::ctrl_c::sigint_mid_run;

/// How long the demo may take to start its `sleep 30` child.
const START_PATIENCE_MS: u64 = 20_000;

#[test]
fn sigint_to_the_demo_kills_its_children() {
    // `run` ends with `sleep 30` under a timeout; make the timeout long, so
    // that the SIGINT arrives while the demo waits on it. The contract's
    // Ctrl-C clause: exit 130, no process and no temporary file left.
    let tmp = tempfile::tempdir().unwrap();
    let args = ["run", "--timeout", "30s"];
    sigint_mid_run(Path::new(EXE), &args, ms(START_PATIENCE_MS), tmp.path()).unwrap();
}
