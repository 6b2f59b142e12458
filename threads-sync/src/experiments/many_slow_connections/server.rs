//! The servers `many-slow-connections` compares: Rust's two and, when
//! there is a `python3`, CPython's two.

/// The four servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Server {
    RustThreads,
    RustTasks,
    PyThreads,
    PyAsyncio,
}

impl Server {
    /// The server's name in the table.
    pub(super) fn name(self) -> &'static str {
        match self {
            Server::RustThreads => "Rust thread per conn",
            Server::RustTasks => "Rust tokio, 1 thread",
            Server::PyThreads => "CPython threading",
            Server::PyAsyncio => "CPython asyncio",
        }
    }
}
