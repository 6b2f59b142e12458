//! One OS thread per connection: the classic blocking server.
//!
//! Each accepted connection gets its own thread, which reads the request,
//! sleeps through the slow backend's delay, answers and ends. The code is
//! as simple as blocking code gets; the cost is a thread (stack, kernel
//! task) per open connection, paid even while it only waits.
//!
//! Bounded everywhere: every socket read and write has a timeout that ends
//! at the deadline, and a watchdog wakes the accept loop at the deadline
//! (by connecting to it) so a client that never came cannot hang the server.

use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::protocol::read_line;
use super::{OpenCount, ServeConfig, Served};

/// Serves `config.connections` connections, one thread each, and returns
/// once every thread it started has been joined.
///
/// A thread the OS refuses to start (`ulimit -u`, memory) is counted in
/// [`Served::failed`] and its connection closed; the server goes on.
///
/// # Example
///
/// ```
/// use std::io::{Read, Write};
/// use std::time::{Duration, Instant};
/// use threads_sync::async_io::{ServeConfig, Shutdown, listener, thread_server};
///
/// let listener = listener::loopback(16)?;
/// let addr = listener.local_addr()?;
/// let config = ServeConfig {
///     delay: Duration::from_millis(5),
///     connections: 1,
///     deadline: Instant::now() + Duration::from_secs(10),
///     shutdown: Shutdown::new(addr),
/// };
/// let server = std::thread::spawn(move || thread_server::serve(listener, &config));
/// let mut c = std::net::TcpStream::connect(addr)?;
/// c.write_all(b"hello\n")?;
/// let mut answer = String::new();
/// c.read_to_string(&mut answer)?;
/// assert_eq!(answer, "hello\n");
/// assert_eq!(server.join().unwrap()?.answered, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn serve(listener: TcpListener, config: &ServeConfig) -> io::Result<Served> {
    let addr = listener.local_addr()?;
    let (done, watchdog) = wake_at_deadline(addr, config.deadline)?;
    let mut handlers: Vec<JoinHandle<io::Result<()>>> = Vec::with_capacity(config.connections);
    let mut served = Served::default();
    let mut open = OpenCount::default();
    let mut accepted = 0;
    while accepted < config.connections && Instant::now() < config.deadline {
        let (stream, _) = match listener.accept() {
            Ok(conn) => conn,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                drop(done);
                let _ = watchdog.join();
                // Every thread is joined before the error goes up.
                join_all(handlers, &mut served);
                return Err(e);
            }
        };
        if Instant::now() >= config.deadline || config.shutdown.requested() {
            break; // the watchdog's or a shutdown's wake-up, or a client too late
        }
        accepted += 1;
        let (delay, deadline) = (config.delay, config.deadline);
        let guard = open.opened();
        match std::thread::Builder::new()
            .name("connection".into())
            .spawn(move || {
                let _open = guard;
                handle(stream, delay, deadline)
            }) {
            Ok(h) => handlers.push(h),
            Err(_) => served.failed += 1, // the stream was dropped with the closure
        }
    }
    drop(done); // the watchdog returns without connecting
    let _ = watchdog.join();
    served.failed += config.connections - accepted;
    join_all(handlers, &mut served);
    served.peak_open = open.peak;
    Ok(served)
}

/// One connection: read the request, wait, echo it, close.
fn handle(mut stream: TcpStream, delay: Duration, deadline: Instant) -> io::Result<()> {
    let timeout = left(deadline)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let line = read_line(&mut stream)?;
    std::thread::sleep(delay.min(left(deadline)?)); // the slow backend
    stream.write_all(line.as_bytes())
}

/// The time until `deadline`, or `TimedOut` once it passed (a zero
/// socket timeout would mean "no timeout").
fn left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the deadline passed",
        ));
    }
    Ok(left)
}

fn join_all(handlers: Vec<JoinHandle<io::Result<()>>>, served: &mut Served) {
    for h in handlers {
        match h.join() {
            Ok(Ok(())) => served.answered += 1,
            Ok(Err(_)) | Err(_) => served.failed += 1,
        }
    }
}

/// A thread that connects to `addr` at `deadline`, waking a blocked
/// `accept`, unless the sender it returns is dropped first.
fn wake_at_deadline(
    addr: std::net::SocketAddr,
    deadline: Instant,
) -> io::Result<(mpsc::Sender<()>, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel::<()>();
    let h = std::thread::Builder::new()
        .name("accept watchdog".into())
        .spawn(move || {
            let wait = deadline.saturating_duration_since(Instant::now());
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(wait) {
                let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
            }
        })?;
    Ok((tx, h))
}
