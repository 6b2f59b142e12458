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
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam::channel::Sender as EventTx;
use subprocess_pipes::channel::{ChannelError, Receiver, Sender};

use super::config::StartMethod;
use super::forkserver::ForkServer;
use super::pipe_writer::PipeWriter;
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

/// A worker process: our own child, or a child of the fork server.
#[derive(Debug)]
pub(crate) enum Proc {
    /// Started by us (spawn, command): we reap it.
    Own(ChildGuard),
    /// Forked by the fork server: it reaps it for us.
    Served(nix::unistd::Pid),
}

impl Proc {
    pub(crate) fn pid(&self) -> nix::unistd::Pid {
        match self {
            Proc::Own(g) => g.pid(),
            Proc::Served(p) => *p,
        }
    }

    /// Waits up to `grace` for it to exit, kills it if it still runs, reaps it.
    pub(crate) fn finish(
        &mut self,
        server: Option<&mut ForkServer>,
        grace: std::time::Duration,
    ) -> Option<crate::child::ExitCause> {
        match (self, server) {
            (Proc::Own(g), _) => g.finish(grace).ok(),
            (Proc::Served(p), Some(s)) => s.reap(*p, grace).ok(),
            (Proc::Served(p), None) => {
                let _ = nix::sys::signal::kill(*p, nix::sys::signal::Signal::SIGKILL);
                None
            }
        }
    }
}

/// A live worker.
#[derive(Debug)]
pub(crate) struct Slot<T> {
    pub(crate) generation: u64,
    pub(crate) child: Proc,
    pub(crate) tx: Option<Sender<Batch<T>, Corked<PipeWriter>>>,
    pub(crate) reader: Option<JoinHandle<()>>,
    /// Batches sent and not answered, oldest (running) first.
    pub(crate) inflight: VecDeque<u64>,
    /// Said hello: ready for tasks.
    pub(crate) ready: bool,
    /// When the process was started (for the start timeout of replacements).
    pub(crate) started_at: Instant,
    /// When its oldest in-flight batch started to count as running.
    pub(crate) busy_since: Option<Instant>,
    /// The pool killed it for running past the task timeout.
    pub(crate) timed_out: bool,
    /// A write to it failed: send nothing more, its death is on the way.
    pub(crate) broken: bool,
}

impl<T> Slot<T> {
    /// Sends `SIGKILL` to the worker; its reader then reports the death.
    pub(crate) fn kill(&self) {
        let _ = nix::sys::signal::kill(self.child.pid(), nix::sys::signal::Signal::SIGKILL);
    }

    /// Kills a worker that ran past a limit (start or task timeout), and
    /// marks it so its death is reported as a timeout.
    pub(crate) fn kill_timed_out(&mut self) {
        self.timed_out = true;
        self.kill();
    }

    /// Ends the worker (waits up to `grace`, then kills; reaps) and joins
    /// its reader thread, which the closed pipe lets finish.
    pub(crate) fn close(
        &mut self,
        server: Option<&mut ForkServer>,
        grace: std::time::Duration,
    ) -> Option<crate::child::ExitCause> {
        let exit = self.child.finish(server, grace);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
        exit
    }
}

/// A started process whose reader is not running yet.
pub(crate) struct Started {
    child: Proc,
    tasks: File,
    replies: File,
}

/// Starts one worker process for job `J`.
pub(crate) fn start<J: Job>(
    method: &StartMethod,
    server: Option<&mut ForkServer>,
) -> Result<Started, super::PoolError> {
    let mut cmd = match (method, server) {
        (StartMethod::Fork, Some(server)) => return fork_via(server),
        (StartMethod::Fork, None) => unreachable!("a fork pool starts its fork server first"),
        (StartMethod::Spawn(program), _) => {
            let program = match program {
                Some(p) => p.clone(),
                None => std::env::current_exe()?,
            };
            let mut cmd = Command::new(program);
            cmd.args([subprocess_pipes::worker::WORKER_FLAG, J::NAME]);
            cmd
        }
        (StartMethod::Command(program, args), _) => {
            let mut cmd = Command::new(program);
            cmd.args(args);
            cmd
        }
    };
    // Its own process group: when the pool ends a worker, whatever the
    // worker started goes too (the terminal's Ctrl-C then reaches the
    // parent only, whose policy kills every listed worker; see
    // `subprocess_pipes::interrupt`).
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let tasks = File::from(OwnedFd::from(child.stdin.take().expect("piped")));
    let replies = File::from(OwnedFd::from(child.stdout.take().expect("piped")));
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    Ok(Started {
        child: Proc::Own(ChildGuard::group_leader(pid)),
        tasks,
        replies,
    })
}

/// Starts a worker through the fork server: the pool makes the pipes and
/// hands the worker's ends over.
fn fork_via(server: &mut ForkServer) -> Result<Started, super::PoolError> {
    let (task_r, task_w) = std::io::pipe()?;
    let (reply_r, reply_w) = std::io::pipe()?;
    let pid = server.fork_worker(&OwnedFd::from(task_r), &OwnedFd::from(reply_w))?;
    // Our copies of the worker's ends were closed above: only the worker
    // holds them now, so its death closes the pipes.
    Ok(Started {
        child: Proc::Served(pid),
        tasks: File::from(OwnedFd::from(task_w)),
        replies: File::from(OwnedFd::from(reply_r)),
    })
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
            // Frames to the worker: the worker's own limit.
            tx: Some(
                Sender::new(Corked::new(PipeWriter::new(self.tasks)?))
                    .with_max_frame(crate::worker::MAX_FRAME),
            ),
            reader: Some(reader),
            inflight: VecDeque::new(),
            ready: false,
            started_at: Instant::now(),
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
