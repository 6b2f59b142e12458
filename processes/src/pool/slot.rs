//! One worker of a pool: its process, the pipe we write tasks to, and the
//! thread that reads its replies and turns them into events for the pool.
//!
//! The reader thread is what makes a death visible at once: when a worker
//! dies for any reason, the kernel closes its end of the reply pipe, the
//! reader's `recv` returns end-of-stream (or a typed error mid-message), and
//! the pool hears [`Event::Gone`] while it waits for results.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam::channel::Sender as EventTx;
use subprocess_pipes::channel::{ChannelError, Receiver, Sender};

use super::config::StartMethod;
use crate::child::ChildGuard;
use crate::job::Job;
use crate::protocol::{Batch, Corked, Reply};

/// What a reader thread tells the pool.
#[derive(Debug)]
pub(crate) enum Event<O> {
    /// A reply from worker `slot` (generation `generation`).
    Reply {
        slot: usize,
        generation: u64,
        reply: Reply<O>,
    },
    /// Worker `slot`'s stream ended: cleanly (`None`) or with an error.
    Gone {
        slot: usize,
        generation: u64,
        error: Option<ChannelError>,
    },
}

/// A live worker.
#[derive(Debug)]
pub(crate) struct Slot<T> {
    pub(crate) generation: u64,
    pub(crate) child: ChildGuard,
    pub(crate) tx: Option<Sender<Batch<T>, Corked<File>>>,
    pub(crate) reader: Option<JoinHandle<()>>,
    /// Batches sent and not answered, oldest (running) first.
    pub(crate) inflight: VecDeque<u64>,
    /// Said hello: ready for tasks.
    pub(crate) ready: bool,
    /// When its oldest in-flight batch started to count as running.
    pub(crate) busy_since: Option<Instant>,
    /// The pool killed it for running past the task timeout.
    pub(crate) timed_out: bool,
    /// A write to it failed: send nothing more, its death is on the way.
    pub(crate) broken: bool,
}

/// A started process whose reader is not running yet.
pub(crate) struct Started {
    child: ChildGuard,
    tasks: File,
    replies: File,
}

/// Starts one worker process for job `J` (no threads started here, so a
/// fork pool can start all its workers before its first thread).
pub(crate) fn start<J: Job>(method: &StartMethod) -> Result<Started, super::PoolError> {
    let mut cmd = match method {
        StartMethod::Fork => return fork::<J>(),
        StartMethod::Spawn(program) => {
            let program = match program {
                Some(p) => p.clone(),
                None => std::env::current_exe()?,
            };
            let mut cmd = Command::new(program);
            cmd.args([crate::worker::WORKER_ARG, J::NAME]);
            cmd
        }
        StartMethod::Command(program, args) => {
            let mut cmd = Command::new(program);
            cmd.args(args);
            cmd
        }
    };
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    let tasks = File::from(OwnedFd::from(child.stdin.take().expect("piped")));
    let replies = File::from(OwnedFd::from(child.stdout.take().expect("piped")));
    let guard = ChildGuard::from_child(child);
    Ok(Started {
        child: guard,
        tasks,
        replies,
    })
}

fn fork<J: Job>() -> Result<Started, super::PoolError> {
    let (task_r, task_w) = std::io::pipe()?;
    let (reply_r, reply_w) = std::io::pipe()?;
    let keep = [task_r.as_raw_fd(), reply_w.as_raw_fd()];
    let child = crate::fork::fork_with(move || {
        close_all_but(&keep);
        let _ = crate::interrupt::ignore();
        let _ = nix::unistd::dup2_stdout(std::io::stderr());
        let tasks = File::from(OwnedFd::from(task_r));
        let replies = File::from(OwnedFd::from(reply_w));
        match crate::worker::serve::<J, _, _>(tasks, replies) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("worker {}: {e}", std::process::id());
                3
            }
        }
    })?;
    // The child's ends, closed here: only the child holds them now, so its
    // death closes the pipes.
    Ok(Started {
        child,
        tasks: File::from(OwnedFd::from(task_w)),
        replies: File::from(OwnedFd::from(reply_r)),
    })
}

/// In a forked child: closes every descriptor except 0, 1, 2 and `keep`,
/// so the child holds no other worker's pipe ends (which would keep those
/// pipes open after their worker dies, and hide its death from the pool).
fn close_all_but(keep: &[i32]) {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let fds: Vec<i32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    for fd in fds {
        if fd > 2 && !keep.contains(&fd) {
            // SAFETY: in the forked child, this process exits with `_exit`
            // without running any destructor, so no owner of `fd` will use
            // or close it again; the one fd that read_dir held is closed
            // already (EBADF, ignored).
            unsafe { libc::close(fd) };
        }
    }
}

impl Started {
    /// Starts the reader thread and returns the slot.
    pub(crate) fn into_slot<J: Job>(
        self,
        slot: usize,
        generation: u64,
        max_frame: usize,
        events: EventTx<Event<J::Output>>,
    ) -> Result<Slot<J::Task>, super::PoolError> {
        let rx = Receiver::<Reply<J::Output>, File>::new(self.replies).with_max_frame(max_frame);
        let reader = std::thread::Builder::new()
            .name(format!("pool-reader-{slot}"))
            .spawn(move || read_replies(rx, slot, generation, events))?;
        Ok(Slot {
            generation,
            child: self.child,
            tx: Some(Sender::new(Corked::new(self.tasks)).with_max_frame(max_frame)),
            reader: Some(reader),
            inflight: VecDeque::new(),
            ready: false,
            busy_since: None,
            timed_out: false,
            broken: false,
        })
    }
}

/// The reader loop: every reply becomes an event; the end of the stream
/// (clean or not) becomes the last one.
pub(crate) fn read_replies<O: serde::de::DeserializeOwned, R: Read>(
    mut rx: Receiver<Reply<O>, R>,
    slot: usize,
    generation: u64,
    events: EventTx<Event<O>>,
) {
    loop {
        let event = match rx.recv() {
            Ok(Some(reply)) => Event::Reply {
                slot,
                generation,
                reply,
            },
            Ok(None) => Event::Gone {
                slot,
                generation,
                error: None,
            },
            Err(e) => Event::Gone {
                slot,
                generation,
                error: Some(e),
            },
        };
        let last = matches!(event, Event::Gone { .. });
        if events.send(event).is_err() || last {
            return;
        }
    }
}
