//! The slow-echo protocol both servers speak: the client sends one line
//! of at most [`MAX_LINE`] bytes (newline included), the server waits, then
//! writes the same bytes back and closes the connection.
//!
//! A line is read with a bound before anything is stored, so a client that
//! sends an endless line costs the server [`MAX_LINE`] bytes, not memory
//! without limit.

use std::io::{self, Read};

/// The longest request line, newline included.
pub const MAX_LINE: usize = 64;

/// A request line as read: its bytes, newline included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    buf: [u8; MAX_LINE],
    len: usize,
}

impl Line {
    /// The bytes of the line, newline included.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Where a line being read stands after more bytes arrived.
#[derive(Debug)]
struct Partial {
    buf: [u8; MAX_LINE],
    len: usize,
}

impl Partial {
    fn new() -> Partial {
        Partial {
            buf: [0; MAX_LINE],
            len: 0,
        }
    }

    /// The free room, for the next read.
    fn room(&mut self) -> &mut [u8] {
        &mut self.buf[self.len..]
    }

    /// Takes `n` more bytes just read into [`room`](Partial::room): the line
    /// when it is complete, `None` while it is not, an error when the peer
    /// closed early or the line is too long.
    fn advance(&mut self, n: usize) -> io::Result<Option<Line>> {
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the peer closed after {} bytes, before a newline", self.len),
            ));
        }
        let start = self.len;
        self.len += n;
        if self.buf[start..self.len].contains(&b'\n') {
            return Ok(Some(Line {
                buf: self.buf,
                len: self.len,
            }));
        }
        if self.len == MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("no newline in the first {MAX_LINE} bytes"),
            ));
        }
        Ok(None)
    }
}

/// Reads one request line from a blocking stream (its read timeout bounds
/// each read).
///
/// # Example
///
/// ```
/// use threads_sync::async_io::protocol::read_line;
///
/// assert_eq!(read_line(&mut &b"ping 7\n"[..])?.as_bytes(), b"ping 7\n");
/// assert!(read_line(&mut &b"no newline"[..]).is_err());
/// assert!(read_line(&mut &[b'x'; 100][..]).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_line(r: &mut impl Read) -> io::Result<Line> {
    let mut p = Partial::new();
    loop {
        let n = match r.read(p.room()) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(line) = p.advance(n)? {
            return Ok(line);
        }
    }
}

/// Reads one request line from an async stream.
pub async fn read_line_async(r: &mut (impl tokio::io::AsyncRead + Unpin)) -> io::Result<Line> {
    use tokio::io::AsyncReadExt;
    let mut p = Partial::new();
    loop {
        let n = r.read(p.room()).await?;
        if let Some(line) = p.advance(n)? {
            return Ok(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn a_line_in_pieces_is_whole_and_the_limit_is_exact() {
        let line = read_line(&mut Trickle(b"abc\nrest")).unwrap();
        assert_eq!(line.as_bytes(), b"abc\n");
        let mut longest = vec![b'a'; MAX_LINE - 1];
        longest.push(b'\n');
        assert_eq!(
            read_line(&mut Trickle(&longest)).unwrap().as_bytes(),
            longest
        );
        let too_long = vec![b'a'; MAX_LINE];
        let e = read_line(&mut Trickle(&too_long)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let e = read_line(&mut Trickle(b"")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
