//! Fault injection: a child killed mid-message, a child that exits early, a child that never answers, a child that sends garbage. Each gives its typed error in the parent, in bounded time, and no zombie is left.

mod common;

use common::{assert_reaped, ms, worker};
use subprocess_pipes::channel::{Channel, ChannelError};
use subprocess_pipes::worker::proto::{Ping, Pong};

/// The longest any test here waits for an answer.
const PATIENCE_MS: u64 = 3000;

/// Starts `role` and sends it one `Ping`; returns the child and the parent's channel.
fn ask(
    role: &str,
) -> (
    subprocess_pipes::popen::Popen,
    Channel<Ping, Pong, std::process::ChildStdout, std::process::ChildStdin>,
) {
    let mut child = worker(role);
    let (stdin, stdout) = (child.take_stdin().unwrap(), child.take_stdout().unwrap());
    let mut ch = Channel::new(stdout, stdin);
    ch.send(&Ping { seq: 1 }).expect("send the request");
    (child, ch)
}

#[test]
fn healthy_child_answers_and_ends_cleanly() {
    let (mut child, mut ch) = ask("echo");
    assert_eq!(
        ch.recv_timeout(ms(PATIENCE_MS)).unwrap(),
        Some(Pong { seq: 2 })
    );
    let (tx, mut rx) = ch.split();
    drop(tx); // EOF to the child: it leaves its loop and exits
    assert_eq!(rx.recv_timeout(ms(PATIENCE_MS)).unwrap(), None);
    let pid = child.id();
    assert_exits_ok(&mut child);
    drop(child);
    assert_reaped(pid);
}

#[test]
fn child_killed_mid_message_gives_truncated() {
    let (mut child, mut ch) = ask("die-mid-frame");
    // The child writes a header for 1000 bytes and 10 of them, then hangs.
    // Kill it only once those bytes are here: killed earlier, its pipe would
    // end at a frame boundary, a clean end rather than a truncation.
    let until = std::time::Instant::now() + ms(PATIENCE_MS);
    while ch.receiver().buffered() < 4 + 10 {
        let err = ch.recv_timeout(ms(100)).unwrap_err();
        assert!(matches!(err, ChannelError::TimedOut { .. }), "{err}");
        assert!(
            std::time::Instant::now() < until,
            "the partial frame never arrived"
        );
    }
    assert_eq!(ch.receiver().buffered(), 4 + 10);
    let status = child.kill_and_reap().unwrap();
    assert!(!status.success());
    let err = ch.recv_timeout(ms(PATIENCE_MS)).unwrap_err();
    assert!(
        matches!(
            err,
            ChannelError::Truncated {
                expected: 1000,
                got: 10
            }
        ),
        "{err}"
    );
    assert!(err.is_disconnect());
    assert!(err.to_string().contains("died mid-message"), "{err}");
    assert_reaped(child.id());
}

#[test]
fn child_that_exits_early_gives_clean_end_or_peer_closed() {
    let mut child = worker("exit-early");
    let (stdin, stdout) = (child.take_stdin().unwrap(), child.take_stdout().unwrap());
    let mut ch = Channel::<Ping, Pong, _, _>::new(stdout, stdin);
    let status = child
        .wait_timeout(ms(PATIENCE_MS))
        .unwrap()
        .expect("it exits at once");
    assert_eq!(status.code(), Some(3));
    // Its stdin is gone: sending hits EPIPE (Rust ignores SIGPIPE), typed as
    // PeerClosed. Retry for a moment: a child forked by a test running in
    // parallel can hold a copy of the pipe's read end until it execs.
    let until = std::time::Instant::now() + ms(PATIENCE_MS);
    let err = loop {
        match ch.send(&Ping { seq: 1 }) {
            Err(e) => break e,
            Ok(()) if std::time::Instant::now() < until => std::thread::sleep(ms(10)),
            Ok(()) => panic!("sending to an exited child kept succeeding"),
        }
    };
    assert!(matches!(err, ChannelError::PeerClosed { .. }), "{err}");
    // Its stdout is gone at a frame boundary: a clean end, not an error.
    assert_eq!(ch.recv_timeout(ms(PATIENCE_MS)).unwrap(), None);
    let pid = child.id();
    drop(child);
    assert_reaped(pid);
}

#[test]
fn child_that_never_answers_times_out_and_is_reaped_by_the_guard() {
    let (child, mut ch) = ask("silent");
    let pid = child.id();
    let started = std::time::Instant::now();
    let err = ch.recv_timeout(ms(200)).unwrap_err();
    assert!(matches!(err, ChannelError::TimedOut { .. }), "{err}");
    assert!(
        started.elapsed() < ms(PATIENCE_MS),
        "timeout took {:?}",
        started.elapsed()
    );
    drop(child); // the guard kills and reaps
    assert_reaped(pid);
    // The channel survives the timeout; the peer is gone now: a clean end.
    assert_eq!(ch.recv_timeout(ms(PATIENCE_MS)).unwrap(), None);
}

#[test]
fn garbage_from_a_child_is_a_decode_error() {
    let (child, mut ch) = ask("garbage");
    let err = ch.recv_timeout(ms(PATIENCE_MS)).unwrap_err();
    assert!(matches!(err, ChannelError::Decode(_)), "{err}");
    let pid = child.id();
    drop(child);
    assert_reaped(pid);
}

#[test]
fn guard_reaps_on_panic() {
    let child = worker("silent");
    let pid = child.id();
    let r = std::panic::catch_unwind(move || {
        let _child = child;
        panic!("something went wrong while the child ran");
    });
    assert!(r.is_err());
    assert_reaped(pid);
}

#[test]
fn spinning_echo_child_answers_and_a_bad_spin_argument_is_a_clear_failure() {
    let exe = std::path::Path::new(common::EXE);
    let mut cmd = subprocess_pipes::worker::command(exe, "echo");
    cmd.arg("50");
    let mut child = subprocess_pipes::popen::Popen::spawn(cmd).unwrap();
    let (stdin, stdout) = (child.take_stdin().unwrap(), child.take_stdout().unwrap());
    let mut ch = Channel::<Ping, Pong, _, _>::new(stdout, stdin)
        .with_spin(std::time::Duration::from_micros(50));
    for seq in 0..100 {
        ch.send(&Ping { seq }).unwrap();
        assert_eq!(
            ch.recv_timeout(ms(PATIENCE_MS)).unwrap(),
            Some(Pong { seq: seq + 1 })
        );
    }
    drop(ch);
    assert_exits_ok(&mut child);

    let mut cmd = subprocess_pipes::worker::command(exe, "pingpong");
    cmd.arg("fifty").stderr(std::process::Stdio::piped());
    let out = subprocess_pipes::popen::Popen::spawn(cmd)
        .unwrap()
        .communicate(None, Some(ms(PATIENCE_MS)))
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("spin budget \"fifty\""), "{err}");
}

/// Asserts that `child` exits with success within [`PATIENCE_MS`].
fn assert_exits_ok(child: &mut subprocess_pipes::popen::Popen) {
    let status = child.wait_timeout(ms(PATIENCE_MS)).unwrap();
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

#[test]
fn misbehaving_roles_exit_at_once_when_the_parent_hangs_up() {
    // They used to sleep their 30 s out whatever the parent did.
    for role in ["silent", "die-mid-frame", "garbage"] {
        let (mut child, ch) = ask(role);
        std::thread::sleep(ms(50)); // let it read the request
        drop(ch); // closes its stdin
        let t = std::time::Instant::now();
        let status = child.wait_timeout(ms(PATIENCE_MS)).unwrap();
        assert!(status.is_some(), "{role} still runs after its stdin closed");
        assert!(t.elapsed() < ms(2000), "{role} took {:?}", t.elapsed());
    }
}

#[test]
fn a_raw_sink_allocates_for_bytes_that_arrive_not_for_a_header() {
    use std::io::{Read, Write};
    let mut child = worker("raw-sink");
    let (mut stdin, mut stdout) = (child.take_stdin().unwrap(), child.take_stdout().unwrap());
    // A header promising one 64 MiB message, then 3 bytes of it.
    let mut h = (64u64 << 20).to_le_bytes().to_vec();
    h.extend_from_slice(&1u64.to_le_bytes());
    stdin.write_all(&h).unwrap();
    stdin.write_all(b"abc").unwrap();
    std::thread::sleep(ms(200));
    // Its peak resident memory: it used to zero-fill 64 MiB at once.
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status");
    assert!(
        peak_kib < 32 << 10,
        "the sink holds {peak_kib} KiB for 3 bytes"
    );
    drop(stdin);
    let mut ack = Vec::new();
    stdout.read_to_end(&mut ack).unwrap();
    assert!(ack.is_empty(), "no acknowledgement for a short message");
    let status = child
        .wait_timeout(ms(PATIENCE_MS))
        .unwrap()
        .expect("it exits");
    assert!(!status.success(), "a short message is an error");
}

#[test]
fn a_message_too_big_for_the_memory_limit_is_an_error_not_an_abort() {
    // 400 MB of address space: a 256 MiB message needs three copies.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 400000 && exec '{}' throughput --size 256MiB",
            common::EXE
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("needs about"), "{stderr}");
    assert!(
        !stderr.contains("memory allocation of"),
        "aborted: {stderr}"
    );
}

#[test]
fn a_zero_stall_limit_is_refused_with_a_valid_example() {
    // It used to be accepted and "detect a deadlock" after 0 KiB.
    let out = std::process::Command::new(common::EXE)
        .args(["pipe-deadlock", "--stall", "0ms"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("must be above 0 (e.g. 300ms)"), "{stderr}");
}

#[test]
fn timeouts_too_long_for_a_deadline_wait_without_one() {
    use std::time::Duration;
    // Each of these computed `Instant::now() + timeout` and panicked.
    let (mut child, mut ch) = ask("echo");
    assert_eq!(
        ch.recv_timeout(Duration::MAX).unwrap(),
        Some(Pong { seq: 2 })
    );
    drop(ch);
    assert!(child.wait_timeout(Duration::MAX).unwrap().is_some());
    let done = subprocess_pipes::run::Run::new("true")
        .timeout(Duration::MAX)
        .run()
        .unwrap();
    assert!(done.status.success());
}
