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

use std::collections::HashMap;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use nix::sys::signal::Signal;
use nix::sys::socket::{
    AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags, SockFlag, SockType, recvmsg,
    sendmsg, socketpair,
};
use nix::unistd::Pid;

use crate::child::{ChildGuard, ExitCause};
use crate::job::Job;

/// The pool's handle on its fork server.
#[derive(Debug)]
pub(crate) struct ForkServer {
    sock: Option<OwnedFd>,
    server: ChildGuard,
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
            super::slot::close_all_but(&[keep]);
            let _ = crate::interrupt::ignore();
            let _ = nix::unistd::dup2_stdout(io::stderr());
            serve::<J>(keep);
            0
        })?;
        // `theirs` was moved into the closure, which the parent dropped: closed here.
        Ok(ForkServer {
            sock: Some(ours),
            server,
        })
    }

    fn fd(&self) -> RawFd {
        self.sock.as_ref().expect("open until drop").as_raw_fd()
    }

    /// Has the server fork a worker on these two pipe ends; returns its pid.
    pub(crate) fn fork_worker(&mut self, tasks: &OwnedFd, replies: &OwnedFd) -> io::Result<Pid> {
        let fds = [tasks.as_raw_fd(), replies.as_raw_fd()];
        let cmsg = [ControlMessage::ScmRights(&fds)];
        sendmsg::<()>(
            self.fd(),
            &[IoSlice::new(b"S")],
            &cmsg,
            MsgFlags::empty(),
            None,
        )?;
        let pid = i32::from_le_bytes(self.answer()?[..4].try_into().expect("4 bytes"));
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
            self.fd(),
            &[IoSlice::new(&req)],
            &[],
            MsgFlags::empty(),
            None,
        )?;
        let a = self.answer()?;
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

    fn answer(&self) -> io::Result<[u8; 8]> {
        let mut buf = [0u8; 8];
        let n = nix::sys::socket::recv(self.fd(), &mut buf, MsgFlags::empty())?;
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

/// The server loop (in the forked server process).
fn serve<J: Job>(sock: RawFd) {
    let mut workers: HashMap<i32, ChildGuard> = HashMap::new();
    loop {
        let mut buf = [0u8; 9];
        let mut space = nix::cmsg_space!([RawFd; 2]);
        let (n, fds) = {
            let mut iov = [IoSliceMut::new(&mut buf)];
            let Ok(msg) =
                recvmsg::<()>(sock, &mut iov, Some(&mut space), MsgFlags::MSG_CMSG_CLOEXEC)
            else {
                break;
            };
            let mut fds = Vec::new();
            if let Ok(cmsgs) = msg.cmsgs() {
                for c in cmsgs {
                    if let ControlMessageOwned::ScmRights(r) = c {
                        fds.extend(r);
                    }
                }
            }
            (msg.bytes, fds)
        };
        // SAFETY: descriptors received with SCM_RIGHTS are new in this
        // process and owned by nobody else.
        let fds: Vec<OwnedFd> = fds
            .into_iter()
            .map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
            .collect();
        let reply: [u8; 8] = match (n, buf[0]) {
            (0, _) => break, // the pool hung up
            (1, b'S') if fds.len() == 2 => {
                let pid = match fork_one::<J>(&fds) {
                    Ok(guard) => {
                        let pid = guard.pid().as_raw();
                        workers.insert(pid, guard);
                        pid
                    }
                    Err(crate::fork::ForkError::Fork(errno)) => -(errno as i32),
                    Err(_) => -libc::EAGAIN,
                };
                let mut out = [0u8; 8];
                out[..4].copy_from_slice(&pid.to_le_bytes());
                out
            }
            (9, b'R') => {
                let pid = i32::from_le_bytes(buf[1..5].try_into().expect("4 bytes"));
                let ms = u32::from_le_bytes(buf[5..9].try_into().expect("4 bytes"));
                reap_one(workers.remove(&pid), Duration::from_millis(ms.into()))
            }
            _ => break, // not our protocol
        };
        drop(fds); // our copies of the worker's ends: only the worker holds them now
        if nix::sys::socket::send(sock, &reply, MsgFlags::empty()).is_err() {
            break;
        }
    }
    // `workers` drops here: each guard kills and reaps its worker.
}

/// Forks one worker serving `J` on the two received pipe ends.
fn fork_one<J: Job>(fds: &[OwnedFd]) -> Result<ChildGuard, crate::fork::ForkError> {
    let (t, r) = (fds[0].as_raw_fd(), fds[1].as_raw_fd());
    crate::fork::fork_with(move || {
        super::slot::close_all_but(&[t, r]);
        // SAFETY: `t` and `r` are open in this forked child and, since it
        // ends with `_exit`, no other owner here will close them.
        let (tasks, replies) = unsafe { (OwnedFd::from_raw_fd(t), OwnedFd::from_raw_fd(r)) };
        let (tasks, replies) = (std::fs::File::from(tasks), std::fs::File::from(replies));
        match crate::worker::serve::<J, _, _>(tasks, replies) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("worker {}: {e}", std::process::id());
                3
            }
        }
    })
}

fn reap_one(guard: Option<ChildGuard>, grace: Duration) -> [u8; 8] {
    let mut out = [0u8; 8];
    let Some(mut g) = guard else {
        out[0] = 2;
        return out;
    };
    let (kind, code) = match g.finish(grace) {
        Ok(ExitCause::Exited(c)) => (0u8, c),
        Ok(ExitCause::Signaled(s)) => (1u8, s as i32),
        Err(_) => (2u8, 0),
    };
    out[0] = kind;
    out[4..8].copy_from_slice(&code.to_le_bytes());
    out
}
