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
#![deny(unsafe_op_in_unsafe_fn)]
#![forbid(unsafe_code)]

pub mod blob;
pub mod channel;
pub mod codec;
#[path = "../../contract/mod.rs"]
pub mod contract;
pub mod experiments;
pub mod frame;
pub mod frame_reader;
#[cfg(unix)]
pub mod popen;
#[cfg(unix)]
pub mod run;
#[cfg(unix)]
pub mod worker;

/// The demo: its name, what it teaches, and its experiments.
///
/// ```
/// assert_eq!(subprocess_pipes::DEMO.name, "subprocess-pipes");
/// ```
pub static DEMO: contract::Demo = contract::Demo {
    name: "subprocess-pipes",
    about: "Children, pipes and serialized messages: subprocess.run, Popen and typed framed channels",
    experiments: experiments::ALL,
    tools: &[],
};
