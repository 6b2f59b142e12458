//! The fork server: how a `fork` pool replaces a dead worker without
//! breaking the single-thread rule (CPython's `forkserver` start method).
//!
//! A pool runs reader threads, so once it is up it may no longer fork
//! itself. So, while the parent is still single-threaded, the pool forks
//! one **server** process that never starts a thread. To start a worker,
//! the pool makes the worker's two pipes and passes the worker's ends to
//! the server over a Unix socket (`SCM_RIGHTS`); the server forks the
//! worker (legal: the server is single-threaded), closes its copies, and
//! answers with the worker's pid. The worker is the server's child, so the
//! server also reaps it and reports how it ended.
//!
//! A worker forked this way has a copy of the parent's memory *as it was
//! when the pool started* (the server's snapshot), not as it is now.
//!
//! Requests are single packets on a `SOCK_SEQPACKET` pair: `S` (with two
//! descriptors) → the pid as `i32`; `R pid grace_ms` (wait up to grace,
//! then kill, then reap) → `kind code` (`0`: exited with `code`, `1`:
//! killed by signal `code`). When the pool hangs up, the server kills and
//! reaps whatever workers it still has, and exits.
//!
//! Every answer is awaited at most [`ANSWER_LIMIT`] (plus the reap's grace):
//! a server that does not answer in time (stopped, wedged) is hung up on,
//! and every later request fails at once instead of blocking the pool.
//!
//! This file is the pool's side (the handle); [`server`] is the loop that
//! runs in the forked server process.

mod server;

use std::io::{self, IoSlice};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use nix::sys::signal::Signal;
use nix::sys::socket::{
    AddressFamily, ControlMessage, MsgFlags, SockFlag, SockType, sendmsg, socketpair,
};
use nix::unistd::Pid;

use crate::child::{ChildGuard, ExitCause};
use crate::job::Job;

/// How long the pool waits for the fork server's answer (beyond a reap's grace).
pub(crate) const ANSWER_LIMIT: Duration = Duration::from_secs(5);

/// The pool's handle on its fork server.
#[derive(Debug)]
pub(crate) struct ForkServer {
    sock: Option<OwnedFd>,
    server: ChildGuard,
    /// How long to wait for an answer ([`ANSWER_LIMIT`]; shorter in tests).
    answer_limit: Duration,
}

impl ForkServer {
    /// Forks the server (refused unless this process is single-threaded).
    pub(crate) fn start<J: Job>() -> Result<ForkServer, super::PoolError> {
        let (ours, theirs) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .map_err(io::Error::from)?;
        let keep = theirs.as_raw_fd();
        let server = crate::fork::fork_with(move || {
            crate::fork::close_all_but(&[keep]);
            let _ = crate::signals::ignore_sigint();
            let _ = nix::unistd::dup2_stdout(io::stderr());
            server::serve::<J>(keep);
            0
        })?;
        // The closure captured only the raw number `keep`; the parent's
        // `theirs` is still open here and closed now, so the server's end
        // is held by the server alone (its exit reads as a hang-up).
        drop(theirs);
        Ok(ForkServer {
            sock: Some(ours),
            server,
            answer_limit: ANSWER_LIMIT,
        })
    }

    fn fd(&self) -> io::Result<RawFd> {
        match &self.sock {
            Some(s) => Ok(s.as_raw_fd()),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the fork server did not answer in time and was hung up on",
            )),
        }
    }

    /// Has the server fork a worker on these two pipe ends; returns its pid.
    pub(crate) fn fork_worker(&mut self, tasks: &OwnedFd, replies: &OwnedFd) -> io::Result<Pid> {
        let fds = [tasks.as_raw_fd(), replies.as_raw_fd()];
        let cmsg = [ControlMessage::ScmRights(&fds)];
        sendmsg::<()>(
            self.fd()?,
            &[IoSlice::new(b"S")],
            &cmsg,
            MsgFlags::empty(),
            None,
        )?;
        let a = self.answer(self.answer_limit)?;
        let pid = i32::from_le_bytes(a[..4].try_into().expect("4 bytes"));
        if pid <= 0 {
            return Err(io::Error::from_raw_os_error(-pid));
        }
        Ok(Pid::from_raw(pid))
    }

    /// Has the server wait up to `grace` for worker `pid`, kill it if it
    /// still runs, and reap it.
    pub(crate) fn reap(&mut self, pid: Pid, grace: Duration) -> io::Result<ExitCause> {
        let mut req = [0u8; 9];
        req[0] = b'R';
        req[1..5].copy_from_slice(&pid.as_raw().to_le_bytes());
        let ms = grace.as_millis().min(u32::MAX as u128) as u32;
        req[5..9].copy_from_slice(&ms.to_le_bytes());
        sendmsg::<()>(
            self.fd()?,
            &[IoSlice::new(&req)],
            &[],
            MsgFlags::empty(),
            None,
        )?;
        let a = self.answer(grace + self.answer_limit)?;
        let code = i32::from_le_bytes(a[4..8].try_into().expect("4 bytes"));
        match a[0] {
            0 => Ok(ExitCause::Exited(code)),
            1 => Signal::try_from(code)
                .map(ExitCause::Signaled)
                .map_err(io::Error::from),
            _ => Err(io::Error::other(format!(
                "the fork server does not know pid {pid}"
            ))),
        }
    }

    /// Waits up to `limit` for the answer. On a timeout (or any error) the
    /// socket is closed: a late answer must never be read as the answer to
    /// a later request, and the server, seeing the hang-up, ends its workers.
    fn answer(&mut self, limit: Duration) -> io::Result<[u8; 8]> {
        let r = self.recv_within(limit);
        if r.is_err() {
            self.sock = None;
        }
        r
    }

    fn recv_within(&self, limit: Duration) -> io::Result<[u8; 8]> {
        let fd = self.fd()?;
        let tv = nix::sys::time::TimeVal::new(
            limit.as_secs().try_into().unwrap_or(i64::MAX),
            limit.subsec_micros().into(),
        );
        let sock = self.sock.as_ref().expect("fd() checked it");
        nix::sys::socket::setsockopt(sock, nix::sys::socket::sockopt::ReceiveTimeout, &tv)?;
        let mut buf = [0u8; 8];
        let n = match nix::sys::socket::recv(fd, &mut buf, MsgFlags::empty()) {
            Ok(n) => n,
            Err(nix::Error::EAGAIN) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the fork server did not answer within {limit:?}"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the fork server is gone",
            ));
        }
        Ok(buf)
    }
}

impl Drop for ForkServer {
    fn drop(&mut self) {
        drop(self.sock.take()); // the server sees the hang-up, cleans up, exits
        let _ = self.server.finish(Duration::from_secs(2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A "server" that never answers (a `sleep`, with the other end of the
    /// socket held by the test): the request times out, and the next one
    /// fails at once instead of reading a stale answer.
    #[test]
    fn a_silent_fork_server_times_out_and_is_hung_up_on() {
        let (ours, _theirs) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .unwrap();
        let sleeper = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let mut server = ForkServer {
            sock: Some(ours),
            server: ChildGuard::from_child(sleeper),
            answer_limit: Duration::from_millis(100),
        };
        let (r, w) = std::io::pipe().unwrap();
        let t0 = std::time::Instant::now();
        let e = server
            .fork_worker(&OwnedFd::from(r), &OwnedFd::from(w))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
        assert!(t0.elapsed() < Duration::from_secs(3));
        let e = server
            .reap(Pid::from_raw(1), Duration::from_millis(10))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotConnected, "{e}");
        server.server.kill().unwrap();
    }
}
