//! The runner judged against fake demos: small shell programs that print a
//! good record, garbage, a record of another demo, exit non-zero, die of a
//! signal, or hang (with a grandchild holding the pipe open).

use std::process::Command;
use std::time::{Duration, Instant};

use xtask::runner::{Ending, Outcome, run_demo};

const GOOD: &str = r#"{"schema":1,"demo":"fake","experiment":"e","claim":"c","params":{},"metrics":{"speedup":1.5},"units":{"speedup":"x"},"verdict":"holds","detail":"d"}"#;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn fake(script: &str, limit: Duration) -> Outcome {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    run_demo("fake", cmd, limit, |_, _| {}).expect("the runner itself works")
}

#[test]
fn good_records_are_collected_and_reported_ok() {
    let mut seen = 0;
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        &format!("echo '{GOOD}'; echo 'human text' >&2; echo '{GOOD}'"),
    ]);
    let o = run_demo("fake", cmd, secs(20), |_, _| seen += 1).unwrap();
    assert_eq!(o.ending, Ending::Ok);
    assert!(o.ok());
    assert_eq!((o.records.len(), seen), (2, 2));
    assert_eq!(o.records[0].0.key_figures(1), vec![("speedup", 1.5, "x")]);
    assert!(o.stderr_tail.contains("human text"));
}

#[test]
fn no_experiments_and_clean_exit_is_ok() {
    let o = fake("echo 'not built yet' >&2", secs(20));
    assert!(o.ok() && o.records.is_empty());
}

#[test]
fn invalid_json_fails_the_run_and_keeps_the_good_records() {
    let o = fake(&format!("echo '{GOOD}'; echo 'speedup: 2x'"), secs(20));
    assert!(
        matches!(&o.ending, Ending::BadOutput(why) if why.contains("speedup: 2x")),
        "{:?}",
        o.ending
    );
    assert!(!o.ok());
    assert_eq!(o.records.len(), 1);
}

#[test]
fn a_record_of_another_demo_is_invalid_output() {
    let other = GOOD.replace("\"fake\"", "\"other\"");
    let o = fake(&format!("echo '{other}'"), secs(20));
    assert!(
        matches!(&o.ending, Ending::BadOutput(why) if why.contains("other")),
        "{:?}",
        o.ending
    );
}

#[test]
fn a_non_zero_exit_fails_the_run_with_its_status() {
    let o = fake("echo boom >&2; exit 3", secs(20));
    assert_eq!(o.ending, Ending::Failed("exit status 3".into()));
    assert!(o.stderr_tail.contains("boom"));
}

#[test]
fn death_by_signal_fails_the_run() {
    let o = fake("kill -9 $$", secs(20));
    assert_eq!(o.ending, Ending::Failed("killed by signal 9".into()));
}

#[test]
fn a_hang_is_killed_at_the_limit_with_its_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("grandchild.pid");
    // A grandchild that holds stdout open, and a parent that waits on it.
    let script = format!(
        "echo '{GOOD}'; sleep 60 & echo $! > {}; wait",
        pidfile.display()
    );
    let start = Instant::now();
    let o = fake(&script, secs(1));
    assert_eq!(o.ending, Ending::TimedOut(secs(1)));
    assert!(!o.ok());
    assert_eq!(o.records.len(), 1, "records before the hang are kept");
    assert!(
        start.elapsed() < secs(10),
        "the limit was not enforced: {:?}",
        start.elapsed()
    );
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    assert!(gone(pid.trim()), "grandchild {pid} survived the run");
}

#[test]
fn a_demo_that_exits_while_a_grandchild_holds_stdout_is_not_waited_for_forever() {
    let start = Instant::now();
    let o = fake(&format!("echo '{GOOD}'; sleep 60 &"), secs(30));
    assert_eq!(o.ending, Ending::Ok);
    assert!(start.elapsed() < secs(10), "waited {:?}", start.elapsed());
}

/// True once `pid` no longer exists (killed and reaped by its new parent).
fn gone(pid: &str) -> bool {
    let deadline = Instant::now() + secs(5);
    while Instant::now() < deadline {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Gone, or a zombie waiting for init: either way it no longer runs.
        if stat.is_empty() || stat.split_whitespace().nth(2) == Some("Z") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_limit_too_long_for_a_deadline_means_no_limit_not_a_panic() {
    let o = fake(&format!("echo '{GOOD}'"), Duration::MAX);
    assert_eq!(o.ending, Ending::Ok);
    let mut child = Command::new("true").spawn().unwrap();
    let status = xtask::runner::wait_with_limit(&mut child, Duration::MAX).unwrap();
    assert!(status.is_some_and(|s| s.success()));
}
