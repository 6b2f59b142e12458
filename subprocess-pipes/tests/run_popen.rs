//! `run` and `Popen::communicate` against real programs: capture, check, timeout (killed and reaped), cwd, env, input, and no pipe deadlock.

mod common;

use common::{assert_reaped, ms, worker};
use subprocess_pipes::popen::CommunicateError;
use subprocess_pipes::run::{Run, RunError};

/// Bytes pushed through `cat`: many times a pipe's 64 KiB buffer.
const BIG: usize = 4 << 20;
/// A timeout long enough for `sh` to have echoed its first line before it
/// strikes, even on a loaded machine.
const ECHO_PATIENCE_MS: u64 = 2000;

#[test]
fn captures_stdout_and_status() {
    let done = Run::new("echo").arg("hello world").run().unwrap();
    assert!(done.status.success());
    assert_eq!(done.stdout, b"hello world\n");
}

#[test]
fn arguments_are_not_shell_words() {
    let done = Run::new("echo").arg("$HOME; rm -rf /").run().unwrap();
    assert_eq!(done.stdout_lossy(), "$HOME; rm -rf /\n");
    let done = Run::shell("echo a | tr a b").run().unwrap();
    assert_eq!(done.stdout_lossy(), "b\n");
}

#[test]
fn check_turns_failure_into_an_error_with_the_stderr_tail() {
    let err = Run::shell("echo first >&2; echo 'no such thing' >&2; exit 7")
        .check(true)
        .run()
        .unwrap_err();
    match &err {
        RunError::Failed {
            status,
            stderr_tail,
            ..
        } => {
            assert_eq!(status.code(), Some(7));
            assert!(stderr_tail.ends_with("no such thing"), "{stderr_tail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("exit status: 7"), "{err}");
    // Without check, a failure is just a status.
    assert_eq!(Run::shell("exit 7").run().unwrap().status.code(), Some(7));
}

#[test]
fn missing_program_is_a_spawn_error() {
    let err = Run::new("no-such-program-here").run().unwrap_err();
    assert!(matches!(err, RunError::Spawn { .. }), "{err}");
    // The command is named once, in the message and in a whole error chain.
    let text = format!("{:#}", anyhow::Error::from(err));
    assert_eq!(text.matches("no-such-program-here").count(), 1, "{text}");
}

#[test]
fn timeout_kills_and_reaps_including_grandchildren() {
    let started = std::time::Instant::now();
    // `sh` starts `sleep`, which would hold the pipes open if only `sh` died.
    // The timeout is generous so that even a loaded machine has `sh` echo
    // before it strikes.
    let err = Run::shell("echo started; sleep 30")
        .timeout(ms(ECHO_PATIENCE_MS))
        .run()
        .unwrap_err();
    match &err {
        RunError::TimedOut(t) => assert_eq!(t.stdout, b"started\n"),
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < ms(ECHO_PATIENCE_MS + 5000),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn cwd_env_and_input() {
    let dir = tempfile::tempdir().unwrap();
    let done = Run::new("pwd").cwd(dir.path()).run().unwrap();
    let pwd = std::path::PathBuf::from(done.stdout_lossy().trim());
    assert_eq!(
        pwd.canonicalize().unwrap(),
        dir.path().canonicalize().unwrap()
    );
    let done = Run::shell("echo $GREETING")
        .env("GREETING", "hi")
        .run()
        .unwrap();
    assert_eq!(done.stdout_lossy(), "hi\n");
    let done = Run::new("env")
        .env_clear()
        .env("ONLY", "this")
        .run()
        .unwrap();
    assert_eq!(done.stdout_lossy(), "ONLY=this\n");
    let done = Run::new("wc")
        .arg("-c")
        .input(vec![b'x'; 1000])
        .run()
        .unwrap();
    assert_eq!(done.stdout_lossy().trim(), "1000");
}

#[test]
fn communicate_pushes_big_input_through_cat_without_deadlock() {
    let input: Vec<u8> = (0..BIG).map(|i| (i % 251) as u8).collect();
    let mut child = worker("cat");
    let pid = child.id();
    let out = child.communicate(Some(&input), Some(ms(20_000))).unwrap();
    assert!(out.status.success());
    assert!(out.stdout == input, "cat changed the bytes");
    drop(child);
    assert_reaped(pid);
}

#[test]
fn communicate_timeout_keeps_partial_output_and_reaps() {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("echo partial; sleep 30")
        .stdout(std::process::Stdio::piped());
    let mut child = subprocess_pipes::popen::Popen::spawn(cmd).unwrap();
    let pid = child.id();
    match child.communicate(None, Some(ms(ECHO_PATIENCE_MS))) {
        Err(CommunicateError::TimedOut(t)) => assert_eq!(t.stdout, b"partial\n"),
        other => panic!("{other:?}"),
    }
    assert_reaped(pid);
}
