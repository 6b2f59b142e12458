//! The mailbox between two processes, and the files the crate creates: each
//! is removed by its creator after a run, after an error, and after the other
//! process was killed (checked in a private temp directory).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use shared_mmap::reply::Reply;
use shared_mmap::worker_set::{WorkerExe, WorkerSet};
use shared_mmap::{Error, Mailbox, sigbus};
use subprocess_pipes::worker::WORKER_FLAG;

/// Messages sent to the receiving process.
const MESSAGES: u64 = 500;
/// Messages in the two-thread stress test, and the mailbox capacity there.
const STRESS_MESSAGES: usize = 5_000;
const STRESS_CAPACITY: usize = 256;
const LIMIT: Duration = Duration::from_secs(20);

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_shared-mmap")
}

fn entries(dir: &tempfile::TempDir) -> usize {
    std::fs::read_dir(dir.path()).unwrap().count()
}

#[test]
fn messages_cross_to_another_process_and_the_file_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let mb = Mailbox::create_in(dir.path(), 64).unwrap();
    let args = vec![
        "mailbox-recv".to_string(),
        mb.path().to_str().unwrap().to_string(),
        MESSAGES.to_string(),
    ];
    let mut set = WorkerSet::spawn(&WorkerExe::at(exe()), &[args]).unwrap();
    for i in 1..=MESSAGES {
        mb.send(&i.to_le_bytes(), LIMIT).unwrap();
    }
    mb.flush().unwrap();
    let sum = set.collect("Sum", LIMIT, |r| match r {
        Reply::Sum(v) => Some(*v),
        _ => None,
    });
    assert_eq!(sum.unwrap()[0].0, MESSAGES * (MESSAGES + 1) / 2);
    set.finish(LIMIT).unwrap();
    assert_eq!(entries(&dir), 1);
    mb.remove().unwrap();
    assert_eq!(entries(&dir), 0, "the creator removes the mailbox file");
}

#[test]
fn a_killed_receiver_is_a_timeout_and_the_file_still_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let mb = Mailbox::create_in(dir.path(), 64).unwrap();
    let mut child = Command::new(exe())
        .args([
            WORKER_FLAG,
            "mailbox-recv",
            mb.path().to_str().unwrap(),
            "1000",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    mb.send(b"first", LIMIT).unwrap(); // nobody will take it
    let err = mb.send(b"second", Duration::from_millis(50)).unwrap_err();
    assert!(matches!(err, Error::Timeout(..)), "{err}");
    drop(mb);
    assert_eq!(entries(&dir), 0);
}

#[test]
fn bad_sizes_fail_before_creating_anything_lasting() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Mailbox::create_in(dir.path(), 0).is_err());
    assert!(Mailbox::create_in(dir.path(), shared_mmap::mailbox::MAX_CAPACITY + 1).is_err());
    let mb = Mailbox::create_in(dir.path(), 8).unwrap();
    assert!(matches!(mb.send(&[0; 9], LIMIT), Err(Error::Invalid(_))));
    // Garbage: a file too small to be a mailbox is refused, not mapped.
    let junk = dir.path().join("junk");
    std::fs::File::create(&junk)
        .unwrap()
        .write_all(b"x")
        .unwrap();
    // SAFETY: refused before mapping (too small); nothing else touches it.
    assert!(matches!(
        unsafe { Mailbox::open(&junk) },
        Err(Error::Invalid(_))
    ));
    std::fs::remove_file(junk).unwrap();
    drop(mb);
    assert_eq!(entries(&dir), 0);
}

#[test]
fn truncating_a_mapped_file_is_sigbus_and_a_sealed_memfd_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let out = sigbus::demonstrate(&WorkerExe::at(exe()), dir.path(), LIMIT).unwrap();
    assert_eq!(out.file_signal, Some(libc::SIGBUS), "{out:?}");
    assert!(
        out.memfd_ok && out.memfd_errno == Some(libc::EPERM) && out.memfd_value == 7,
        "{out:?}"
    );
    assert_eq!(
        entries(&dir),
        0,
        "the demo file is removed although its user crashed"
    );
}

#[test]
fn messages_are_never_torn_or_reordered_under_stress() {
    let dir = tempfile::tempdir().unwrap();
    let sender = Mailbox::create_in(dir.path(), STRESS_CAPACITY).unwrap();
    // SAFETY: made by `create_in` just above in a private directory.
    let receiver = unsafe { Mailbox::open(sender.path()) }.unwrap();
    // Message i: length i % (capacity + 1), every byte equal to i as u8.
    let msg = |i: usize| vec![i as u8; i % (STRESS_CAPACITY + 1)];
    let reader = std::thread::spawn(move || {
        for i in 0..STRESS_MESSAGES {
            assert_eq!(receiver.recv(LIMIT).unwrap(), msg(i), "message {i}");
        }
    });
    for i in 0..STRESS_MESSAGES {
        sender.send(&msg(i), LIMIT).unwrap();
    }
    reader.join().unwrap();
}

#[test]
fn a_failed_demonstration_still_removes_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = WorkerExe::at("/nonexistent/shared-mmap");
    assert!(sigbus::demonstrate(&missing, dir.path(), LIMIT).is_err());
    assert_eq!(
        entries(&dir),
        0,
        "the demo file is removed on the error path too"
    );
}
