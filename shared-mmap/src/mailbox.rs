//! A mailbox between two processes: a small file mapped writable by both,
//! with a sequence-counter protocol in atomics, and `flush` for durability.
//!
//! # Layout (little-endian, the file is `HEADER + capacity` bytes)
//! | bytes  | field | meaning |
//! |--------|-------|---------|
//! | 0..8   | `seq` | messages published by the sender (only the sender writes it) |
//! | 8..16  | `ack` | messages taken by the receiver (only the receiver writes it) |
//! | 16..24 | `len` | length of the message in the payload |
//! | 64..   | payload | the message bytes |
//!
//! # Protocol (one sender, one receiver)
//! - The sender may write `len` and the payload only while `ack == seq`
//!   (the previous message was taken). It then publishes with
//!   `seq.store(seq + 1, Release)`.
//! - The receiver waits for `seq > ack` (`Acquire`: pairs with the sender's
//!   `Release`, so the payload written before it is visible), copies the
//!   payload, then hands the buffer back with `ack.store(seq, Release)`
//!   (pairs with the sender's `Acquire` load of `ack`).
//!
//! So the payload always has exactly one owner, and plain copies of it never
//! race. Waiting is polling with a short sleep and a deadline (there is no
//! cross-process condition variable here; a futex would be the next step).
//!
//! # SIGBUS and ownership
//! `tempfile` creates the file (mode 0600) in the directory its creator
//! picks (use a private `tempfile::tempdir()`, mode 0700), and the creator's
//! [`Mailbox`] removes it exactly once, when it is dropped or
//! [`Mailbox::remove`]d, also on error or panic. Only the same user can reach
//! it; one who truncates it kills both sides with SIGBUS. This is the one file-backed mapping in the crate, kept
//! because a file is what `flush` makes durable; the shared dataset uses a
//! sealed memfd instead, which nobody can truncate.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use memmap2::MmapMut;
use tempfile::TempPath;

use crate::error::{Context, Error, Result};

/// Header bytes before the payload (one cache line).
pub const HEADER: usize = 64;
/// The largest payload capacity a mailbox may have (a limit before mapping).
pub const MAX_CAPACITY: usize = 1 << 20;

/// One end of a mailbox. See the module docs for the protocol.
///
/// ```
/// use std::time::Duration;
/// use shared_mmap::Mailbox;
///
/// let dir = tempfile::tempdir()?;
/// let sender = Mailbox::create_in(dir.path(), 64)?;
/// // SAFETY: the file was just made by `create_in` in a private directory,
/// // and only these two ends touch it.
/// let receiver = unsafe { Mailbox::open(sender.path()) }?; // normally in another process
/// sender.send(b"ping", Duration::from_secs(1))?;
/// assert_eq!(receiver.recv(Duration::from_secs(1))?, b"ping");
/// sender.flush()?; // msync: the file now holds what was sent
/// drop((sender, receiver));
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 0); // the creator removed it
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Mailbox {
    map: MmapMut,
    base: *mut u8,
    capacity: usize,
    path: PathBuf,
    /// `Some` for the creator: removes the file on drop, exactly once.
    owner: Option<TempPath>,
}

// SAFETY: the shared bytes are only touched through the atomic header and,
// for the payload, under the single-owner protocol above.
unsafe impl Send for Mailbox {}

impl Mailbox {
    /// Creates a mailbox file with room for `capacity`-byte messages in `dir`.
    pub fn create_in(dir: &Path, capacity: usize) -> Result<Mailbox> {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(Error::Invalid(format!(
                "capacity {capacity} not in 1..={MAX_CAPACITY}"
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix("mailbox-")
            .tempfile_in(dir)
            .ctx("create mailbox file")?;
        // On any error below, `tmp` drops and the file is removed.
        tmp.as_file()
            .set_len((HEADER + capacity) as u64)
            .ctx("size mailbox file")?;
        let (file, path) = tmp.into_parts();
        // SAFETY: the file was created just above, private (0600), and is
        // sized once, here; only `Mailbox` ends will touch it.
        let mut mb = unsafe { Mailbox::map(&file, path.to_path_buf()) }?;
        mb.owner = Some(path);
        Ok(mb)
    }

    /// Opens an existing mailbox (the other end); it does not own the file.
    ///
    /// A file of the wrong size is refused, but no check can tell a mailbox
    /// from any other file of the right size, nor stop a third party from
    /// resizing it later: hence `unsafe`.
    ///
    /// # Safety
    /// `path` must name a file made by [`Mailbox::create_in`] (in a
    /// directory only this user can write), and for as long as the returned
    /// `Mailbox` lives, nothing but `Mailbox` ends may write or resize it:
    /// a file truncated under the mapping kills the process with SIGBUS on
    /// the next access, and bytes written by other code race with the
    /// protocol's plain copies of the payload.
    ///
    /// Opening anything else is refused at compile time unless the caller
    /// takes that responsibility:
    ///
    /// ```compile_fail
    /// let _ = shared_mmap::Mailbox::open(std::path::Path::new("/etc/passwd"));
    /// ```
    pub unsafe fn open(path: &Path) -> Result<Mailbox> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .ctx("open mailbox")?;
        // SAFETY: the caller vouches for the file (see # Safety above).
        unsafe { Mailbox::map(&file, path.to_path_buf()) }
    }

    /// Maps `file`. Safety: as [`Mailbox::open`]'s.
    unsafe fn map(file: &File, path: PathBuf) -> Result<Mailbox> {
        let size = file.metadata().ctx("fstat mailbox")?.len() as usize;
        if !(HEADER + 1..=HEADER + MAX_CAPACITY).contains(&size) {
            return Err(Error::Invalid(format!(
                "{}: {size} bytes is not a mailbox",
                path.display()
            )));
        }
        // SAFETY: the file is one `create_in` made (mode 0600, in a
        // directory of its creator's choosing) and only `Mailbox` ends touch
        // it; none of them resizes it after creation. For `create_in` that
        // holds by construction; for `open` the caller guarantees it (its
        // `# Safety`). Truncation by another process is the documented
        // SIGBUS risk of any file-backed mapping.
        let mut map = unsafe { MmapMut::map_mut(file) }.ctx("mmap mailbox")?;
        let base = map.as_mut_ptr();
        Ok(Mailbox {
            map,
            base,
            capacity: size - HEADER,
            path,
            owner: None,
        })
    }

    /// The file's path (hand it to the other process).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn field(&self, i: usize) -> &AtomicU64 {
        // SAFETY: the mapping is page-aligned and at least HEADER bytes, so
        // bytes 8i..8i+8 (i < 3) are in bounds and 8-aligned; both ends only
        // access them atomically; the reference borrows `self`, which owns the map.
        unsafe { &*(self.base.add(8 * i) as *const AtomicU64) }
    }

    /// Sends one message, waiting up to `limit` for the previous one to be taken.
    pub fn send(&self, msg: &[u8], limit: Duration) -> Result<()> {
        if msg.len() > self.capacity {
            return Err(Error::Invalid(format!(
                "message of {} bytes > capacity {}",
                msg.len(),
                self.capacity
            )));
        }
        let seq = self.field(0).load(Ordering::Relaxed); // only we write seq
        poll_until(limit, "the receiver to take the last message", || {
            self.field(1).load(Ordering::Acquire) == seq
        })?;
        self.field(2).store(msg.len() as u64, Ordering::Relaxed);
        // SAFETY: `ack == seq`: the receiver handed the payload back, so this
        // end owns it; `msg.len() <= capacity` keeps the copy in bounds.
        unsafe { std::ptr::copy_nonoverlapping(msg.as_ptr(), self.base.add(HEADER), msg.len()) };
        self.field(0).store(seq + 1, Ordering::Release); // publish: pairs with recv's Acquire
        Ok(())
    }

    /// Receives the next message, waiting up to `limit` for one to arrive.
    pub fn recv(&self, limit: Duration) -> Result<Vec<u8>> {
        let ack = self.field(1).load(Ordering::Relaxed); // only we write ack
        poll_until(limit, "a message", || {
            self.field(0).load(Ordering::Acquire) > ack
        })?;
        let len = self.field(2).load(Ordering::Relaxed) as usize;
        if len > self.capacity {
            return Err(Error::Worker(format!(
                "mailbox header says {len} bytes > capacity"
            )));
        }
        let mut out = vec![0u8; len];
        // SAFETY: `seq > ack`: the sender published and no longer touches the
        // payload until we ack; `len <= capacity` keeps the copy in bounds.
        unsafe { std::ptr::copy_nonoverlapping(self.base.add(HEADER), out.as_mut_ptr(), len) };
        self.field(1).store(ack + 1, Ordering::Release); // hand back: pairs with send's Acquire
        Ok(out)
    }

    /// Unmaps and, for the creator, removes the file now, reporting a failed
    /// removal (dropping does the same silently). Exactly once either way:
    /// the file's owner is consumed here.
    pub fn remove(self) -> Result<()> {
        let Mailbox { map, owner, .. } = self;
        drop(map);
        match owner {
            Some(path) => path.close().ctx("remove mailbox file"),
            None => Ok(()),
        }
    }

    /// Writes the mapped pages back to the file (`msync`): durability, not
    /// visibility (the other process sees writes at once, without it).
    pub fn flush(&self) -> Result<()> {
        self.map.flush().ctx("msync mailbox")
    }
}

fn poll_until(limit: Duration, what: &'static str, mut ready: impl FnMut() -> bool) -> Result<()> {
    // A limit too long to be a deadline waits as long as it takes.
    let deadline = subprocess_pipes::deadline::after(limit);
    let mut spins = 0u32;
    while !ready() {
        if subprocess_pipes::deadline::passed(deadline) {
            return Err(Error::Timeout(limit, what));
        }
        spins += 1;
        if spins < 100 {
            std::hint::spin_loop();
        } else {
            std::thread::sleep(Duration::from_micros(50));
        }
    }
    Ok(())
}
