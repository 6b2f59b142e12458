//! A loopback listener whose backlog can hold thousands of connects.
//!
//! `std::net::TcpListener::bind` asks the kernel for a backlog of 128
//! pending connections. When two thousand clients connect at once, the
//! rest of their handshakes are dropped and retried a second later, so a
//! measurement of "many connections" would mostly measure TCP's retry
//! timer. Servers built for many connections ask for more (`nginx`, and
//! CPython's `asyncio.start_server`, default 100 but commonly raised); the
//! kernel caps the request at `net.core.somaxconn` (4096 on Linux 5.4+).

use std::io;
use std::net::TcpListener;
use std::os::fd::{AsRawFd, OwnedFd};

use nix::sys::socket::{
    AddressFamily, Backlog, SockFlag, SockType, SockaddrIn, bind, listen, setsockopt, socket,
    sockopt::ReuseAddr,
};

/// The largest backlog [`loopback`] accepts; the kernel caps it further.
pub const MAX_BACKLOG: u32 = 65_535;

/// A blocking listener on `127.0.0.1` at a free port, with room for
/// `backlog` connections that are not yet accepted.
///
/// # Example
///
/// ```
/// let listener = threads_sync::async_io::listener::loopback(4096)?;
/// assert!(listener.local_addr()?.ip().is_loopback());
/// assert!(threads_sync::async_io::listener::loopback(0).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn loopback(backlog: u32) -> io::Result<TcpListener> {
    if backlog == 0 || backlog > MAX_BACKLOG {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("backlog {backlog} is outside 1..={MAX_BACKLOG}"),
        ));
    }
    let fd: OwnedFd = socket(
        AddressFamily::Inet,
        SockType::Stream,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    setsockopt(&fd, ReuseAddr, &true)?;
    bind(fd.as_raw_fd(), &SockaddrIn::new(127, 0, 0, 1, 0))?;
    listen(&fd, Backlog::new(backlog as i32)?)?;
    Ok(TcpListener::from(fd))
}

/// Raises this process's soft limit on open files towards `wanted` (never
/// past the hard limit) and returns the limit now in force: a server of
/// `n` connections on loopback needs about `2n` descriptors (each side of
/// every connection), more than the common default soft limit of 1024.
///
/// # Example
///
/// ```
/// let now = threads_sync::async_io::listener::raise_open_files(64)?;
/// assert!(now >= 64);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn raise_open_files(wanted: u64) -> io::Result<u64> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    if soft >= wanted {
        return Ok(soft);
    }
    let new = wanted.min(hard);
    setrlimit(Resource::RLIMIT_NOFILE, new, hard)?;
    Ok(new)
}
