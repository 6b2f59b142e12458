//! The fork server's own loop, run in the forked server process: it forks, reaps and reports workers on the pool's requests.

use std::collections::HashMap;
use std::io::IoSliceMut;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg};
use nix::unistd::Pid;

use crate::child::{ChildGuard, ExitCause};
use crate::job::Job;

/// The server loop (in the forked server process).
pub(super) fn serve<J: Job>(sock: RawFd) {
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
    let guard = crate::fork::fork_with(move || {
        // Its own process group (set on both sides of the fork, so neither
        // order of events leaves a window), ended with it by its guard.
        let _ = nix::unistd::setpgid(Pid::from_raw(0), Pid::from_raw(0));
        crate::fork::close_all_but(&[t, r]);
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
    })?;
    let _ = nix::unistd::setpgid(guard.pid(), guard.pid());
    Ok(guard.into_group_leader())
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
