//! Waiting for a descriptor to become readable: with a timeout
//! ([`wait_readable`], `poll(2)`), or by busy-polling for a short budget
//! first ([`spin_until_readable`]).
//!
//! Why spin at all: a process that blocks in `read` lets its CPU go idle,
//! and the next message then has to wake that CPU before it can be read.
//! On bare metal that costs a few microseconds; on a virtual machine whose
//! idle vCPUs halt, tens of microseconds per hop, which is most of a small
//! request/response round trip between processes on two CPUs. A receiver
//! that expects an answer within microseconds can instead look again and
//! again for a short while ("spin"), and only then sleep: latency falls to
//! the cost of the system calls, and the price is CPU time burnt while
//! spinning (at most the budget per wait). Each look yields the CPU, so a
//! peer waiting for that same CPU runs at once.
//!
//! Both functions look at the kernel's buffer only: a reader with a
//! user-space buffer of its own (a `BufReader`) may hold data they do not
//! see. Pass the raw pipe end.
//!
//! ```
//! use std::io::Write;
//! use std::time::Duration;
//! use subprocess_pipes::readable::{spin_until_readable, wait_readable};
//!
//! let (r, mut w) = std::io::pipe()?;
//! assert!(!spin_until_readable(&r, Duration::from_micros(50))?); // nothing yet
//! w.write_all(b"x")?;
//! assert!(spin_until_readable(&r, Duration::from_micros(50))?);
//! assert!(wait_readable(&r, Duration::from_secs(1))?);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// Waits up to `timeout` for `fd` to be readable (data, end of stream or an
/// error condition, an invalid descriptor included: the next `read` tells
/// which); `Ok(false)` when the time ran out or a signal interrupted the
/// wait (the caller looks at its clock and waits again if it has time left).
///
/// The timeout is rounded up to whole milliseconds, `poll`'s unit: any
/// non-zero timeout waits at least 1 ms.
///
/// # Errors
/// `poll` itself failing for another reason than a signal (out of memory).
pub fn wait_readable(fd: &impl AsFd, timeout: Duration) -> io::Result<bool> {
    let ms = timeout.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32;
    poll_readable(fd, PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX))
}

/// Looks at `fd` again and again, yielding the CPU between looks, until it
/// is readable (`Ok(true)`) or `budget` has passed (`Ok(false)`: the caller
/// then blocks as usual). A zero budget returns `Ok(false)` at once,
/// without a look, so a caller can pass its setting unconditionally.
///
/// # Errors
/// As [`wait_readable`].
pub fn spin_until_readable(fd: &impl AsFd, budget: Duration) -> io::Result<bool> {
    if budget.is_zero() {
        return Ok(false);
    }
    let start = Instant::now();
    loop {
        if poll_readable(fd, PollTimeout::ZERO)? {
            return Ok(true);
        }
        if start.elapsed() >= budget {
            return Ok(false);
        }
        std::thread::yield_now();
    }
}

/// One `poll(2)` for readability; a signal counts as "not yet".
fn poll_readable(fd: &impl AsFd, timeout: PollTimeout) -> io::Result<bool> {
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, timeout) {
        Ok(0) | Err(Errno::EINTR) => Ok(false),
        Ok(_) => Ok(true), // POLLIN, POLLHUP, POLLERR or POLLNVAL: the read will tell
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_closed_writer_counts_as_readable_so_the_read_can_report_the_end() {
        let (r, w) = std::io::pipe().unwrap();
        drop(w);
        assert!(spin_until_readable(&r, Duration::from_micros(1)).unwrap());
        assert!(wait_readable(&r, Duration::from_millis(1)).unwrap());
    }

    #[test]
    fn a_zero_budget_does_not_look() {
        let (r, mut w) = std::io::pipe().unwrap();
        w.write_all(b"x").unwrap();
        assert!(!spin_until_readable(&r, Duration::ZERO).unwrap());
        assert!(spin_until_readable(&r, Duration::from_micros(1)).unwrap());
    }

    #[test]
    fn spinning_gives_up_after_its_budget_and_sees_late_data() {
        let (r, mut w) = std::io::pipe().unwrap();
        let t = Instant::now();
        assert!(!spin_until_readable(&r, Duration::from_millis(3)).unwrap());
        assert!(t.elapsed() >= Duration::from_millis(3));
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(2));
            w.write_all(b"late").unwrap();
            w
        });
        assert!(spin_until_readable(&r, Duration::from_secs(10)).unwrap());
        drop(writer.join().unwrap());
    }

    #[test]
    fn a_short_wait_is_not_rounded_down_to_no_wait() {
        let (r, _w) = std::io::pipe().unwrap();
        for short in [Duration::from_micros(300), Duration::from_nanos(100)] {
            let t = Instant::now();
            assert!(!wait_readable(&r, short).unwrap());
            let waited = t.elapsed();
            assert!(
                waited >= Duration::from_micros(500),
                "{short:?}: {waited:?}"
            );
        }
    }
}
