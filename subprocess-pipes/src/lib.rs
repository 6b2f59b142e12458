//! # subprocess-pipes: children, pipes and serialized messages
//!
//! The lecture: `subprocess.run` starts a program and waits for it; `Popen`
//! gives control over its stdin, stdout and stderr; and with pipes plus a
//! serializer (pickle) a parent can send "just about any object" to a child
//! as messages. This crate builds each of those in Rust, with serde and
//! bincode 2 in place of pickle.
//!
//! ## 1. Frames: messages on a byte stream
//!
//! A pipe has no message boundaries, so each message is a length-prefixed
//! frame ([`frame`]: `u32` little-endian length, then the payload). The
//! reader checks the length against a limit before it allocates.
//!
//! ```
//! use subprocess_pipes::frame::{read_frame, write_frame};
//!
//! let mut pipe = Vec::new();
//! write_frame(&mut pipe, b"ping")?;
//! let mut buf = Vec::new();
//! assert!(read_frame(&mut &pipe[..], 1024, &mut buf)?);
//! assert_eq!(buf, b"ping");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 2. The codec seam
//!
//! [`codec::Codec`] turns a serde value into a payload; [`codec::Bincode`]
//! (bincode 2, `config::standard()`) is the default. Swapping formats is one
//! impl (see [`codec`]).
//!
//! ## 3. Typed channels
//!
//! [`channel::Channel`] sends one type and receives another over any
//! `Read`/`Write` pair: a child's pipes, a socket, a `Vec`. It splits into a
//! [`channel::Sender`] and a [`channel::Receiver`] for two threads, and
//! every failure is a typed [`channel::ChannelError`].
//!
//! ```
//! use subprocess_pipes::channel::Channel;
//!
//! let mut a = Channel::<(u32, String), (), _, _>::new(std::io::empty(), Vec::new());
//! a.send(&(7, "seven".to_string()))?;
//! let wire = a.split().0.into_inner();
//! let mut b = Channel::<(), (u32, String), _, _>::new(&wire[..], std::io::sink());
//! assert_eq!(b.recv()?, Some((7, "seven".to_string())));
//! assert_eq!(b.recv()?, None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Big payloads: wrap bytes in [`blob::Blob`] (one byte string on the wire,
//! not a list of numbers); a big message is streamed into the pipe without
//! an intermediate copy, and [`channel::Receiver::recv_borrowed`] decodes in
//! place.
//!
//! ## 4. Children: `run` and `Popen` (Unix)
//!
//! [`run::Run`] is `subprocess.run`: an argv (no shell unless
//! [`run::Run::shell`]), captured output, `check`, a timeout that kills and
//! reaps. [`popen::Popen`] is the child itself: piped stdio,
//! [`popen::Popen::communicate`] (threads, so a chatty child cannot
//! deadlock us), a timed wait, and a guard that kills and reaps on drop.
//! Children run in process groups of their own; [`interrupt`] makes Ctrl-C
//! end them too.
//!
//! ```no_run
//! use subprocess_pipes::run::Run;
//!
//! let done = Run::new("echo").arg("hello; not a shell").run()?;
//! assert_eq!(done.stdout, b"hello; not a shell\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 5. A typed conversation with a child
//!
//! [`popen::Popen::channel`] puts a [`channel::Channel`] on a child's
//! pipes; the child side is [`channel::Channel::stdio`]. In the demos the
//! child is this crate's own binary in worker mode ([`worker`]).
//! [`channel::Channel::recv_timeout`] bounds the wait for a child that
//! never answers; a child that dies mid-message is
//! [`channel::ChannelError::Truncated`].
//!
//! ## 6. The experiments
//!
//! `run`, `pipe-deadlock`, `messages`, `latency`, `throughput`,
//! `foreign-child`: `subprocess-pipes list` names them. They, the binary
//! and its worker roles come with the `demo` feature (on by default);
//! `subprocess-pipes = { path = "../subprocess-pipes", default-features =
//! false }` is the library alone, on serde, bincode, thiserror, nix and
//! signal-hook.
#![deny(unsafe_op_in_unsafe_fn)]
#![forbid(unsafe_code)]

// The contract (compiled into every demo crate) names the process
// lifecycle by its crate path; here that path is this crate.
#[cfg(feature = "demo")]
extern crate self as subprocess_pipes;

// The demo side (advice, charts and the contract, then these), compiled
// with the `demo` feature and hidden from the docs.
include!("../../contract/demo_modules.rs");
demo_modules! {
    /// The experiments: each tests one claim of the lecture (the demo's side,
    /// not this library's API).
    pub mod experiments;
    // The experiments' helpers: CPython's Pipe round trip, the flags they
    // share, CPU placement, and a watchdog for hot loops.
    mod cpython_pipe_rtt;
    mod flags;
    mod placement;
    mod watchdog;
}

pub mod blob;
pub mod channel;
pub mod child;
pub mod codec;
pub mod deadline;
pub mod frame;
pub mod frame_reader;
#[cfg(unix)]
pub mod interrupt;
#[cfg(unix)]
pub mod popen;
#[cfg(unix)]
pub mod readable;
#[cfg(unix)]
pub mod run;
#[cfg(unix)]
pub mod worker;

/// The demo: its name, what it teaches, and its experiments (the demo's
/// side, not this library's API).
///
/// ```
/// assert_eq!(subprocess_pipes::DEMO.name, "subprocess-pipes");
/// ```
#[cfg(feature = "demo")]
#[doc(hidden)]
pub static DEMO: contract::Demo = contract::Demo {
    name: "subprocess-pipes",
    about: "Children, pipes and serialized messages: subprocess.run, Popen and typed framed channels",
    experiments: experiments::ALL,
    tools: &[],
};
