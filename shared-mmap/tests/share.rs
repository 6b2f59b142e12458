//! Totals through every sharing method equal the direct computation, and a
//! killed or failing worker leaves no child, no memfd and no file behind.

use std::time::Duration;

use shared_mmap::reply::Reply;
use shared_mmap::share::{Method, Options, reduce};
use shared_mmap::worker_set::{WorkerExe, WorkerSet};
use shared_mmap::{Dataset, Error};

/// Dataset size for the tests: small, with a remainder for the last slice.
const LEN: usize = (1 << 20) + 24;
const TIMEOUT: Duration = Duration::from_secs(20);

fn exe() -> WorkerExe {
    WorkerExe::at(env!("CARGO_BIN_EXE_shared-mmap"))
}

fn opts(workers: usize) -> Options {
    Options {
        workers,
        timeout: TIMEOUT,
        kill_worker: None,
    }
}

/// Descriptors of this process open on the file with inode `ino`.
fn open_fds_on(ino: u64) -> usize {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::metadata(e.unwrap().path()).ok())
        .filter(|m| m.ino() == ino)
        .count()
}

#[test]
fn every_method_reproduces_the_direct_total() {
    let data = Dataset::generate(LEN).unwrap();
    let direct = data.direct_checksum().unwrap();
    for workers in [1, 3] {
        for method in Method::ALL {
            let out = reduce(&data, method, &opts(workers), &exe()).unwrap();
            assert_eq!(
                out.total,
                direct,
                "{} with {workers} workers",
                method.name()
            );
            assert!(out.setup <= out.elapsed);
            assert!(out.memory.pss_kib > 0 && out.memory.pss_kib <= out.memory.rss_kib);
        }
    }
}

#[test]
fn a_killed_worker_is_an_error_and_leaves_nothing_behind() {
    use std::os::unix::fs::MetadataExt;
    for method in Method::ALL {
        let data = Dataset::generate(LEN).unwrap();
        let ino = data.memfd().file().metadata().unwrap().ino();
        let o = Options {
            kill_worker: Some(1),
            ..opts(2)
        };
        // Depending on when the kill lands: a worker that vanished before
        // replying, or one whose memory can no longer be read.
        let err = reduce(&data, method, &o, &exe());
        assert!(
            err.is_err(),
            "{}: a killed worker went unnoticed",
            method.name()
        );
        // Only the dataset's own descriptor is left: the one passed to the
        // workers was closed on the error path.
        assert_eq!(open_fds_on(ino), 1, "{}", method.name());
        drop(data);
        // The memfd has no name; with its last descriptor it is gone.
        assert_eq!(open_fds_on(ino), 0, "{}", method.name());
    }
}

#[test]
fn a_missing_worker_binary_is_an_error() {
    let data = Dataset::generate(LEN).unwrap();
    let err = reduce(
        &data,
        Method::Mmap,
        &opts(2),
        &WorkerExe::at("/nonexistent/shared-mmap"),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

#[test]
fn garbage_on_a_worker_pipe_is_an_error_not_a_panic() {
    // `echo __worker …` prints text: its first four bytes read as a huge frame length.
    let mut set = WorkerSet::spawn(&WorkerExe::at("/bin/echo"), &[vec!["hello".into()]]).unwrap();
    let err = set.collect("Sum", TIMEOUT, |_| Some(())).unwrap_err();
    assert!(matches!(err, Error::Worker(_)), "{err}");
}

#[test]
fn a_silent_worker_times_out_and_is_killed_and_reaped() {
    use std::os::fd::AsRawFd;
    let data = Dataset::generate(LEN).unwrap();
    let fd = data.memfd().inheritable().unwrap();
    let args = ["scan", &fd.as_raw_fd().to_string(), "0", "4096", "1"]
        .map(String::from)
        .to_vec();
    let mut set = WorkerSet::spawn(&exe(), &[args]).unwrap();
    drop(fd);
    let pid = nix::unistd::Pid::from_raw(set.pids()[0] as i32);
    set.collect("Ready", TIMEOUT, |r| {
        matches!(r, Reply::Ready { .. }).then_some(())
    })
    .unwrap();
    // No go byte is sent, so no Scan reply comes.
    let err = set
        .collect("Scan", Duration::from_millis(100), |_| Some(()))
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(..)), "{err}");
    drop(set);
    assert_eq!(
        nix::sys::signal::kill(pid, None),
        Err(nix::errno::Errno::ESRCH),
        "killed and reaped"
    );
}
