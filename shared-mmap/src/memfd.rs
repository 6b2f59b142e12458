//! A sealed memfd: an anonymous in-memory file that nobody can shrink, grow or
//! write once it is sealed, so every mapping of it is immune to SIGBUS.
//!
//! A mapping of an ordinary file dies with SIGBUS when another process
//! truncates the file under it (see the `sigbus` experiment). A memfd has no
//! name in the filesystem, so nothing can open it by path; and once
//! `F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL` are set, the
//! kernel refuses `ftruncate` and writes with `EPERM` for *every* holder of a
//! descriptor, the creator included. That is what makes
//! [`Mmap`] of it sound: the contract of `memmap2::Mmap::map` (the file must
//! not change size or content while mapped) is enforced by the kernel.
//!
//! Ownership: the memfd is freed by the kernel when the last descriptor and
//! the last mapping are gone. There is no name to unlink, so nothing can be
//! left behind, whether the program returns, fails or is killed.

use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use memmap2::{Mmap, MmapMut};
use nix::fcntl::{FcntlArg, SealFlag, fcntl};
use nix::sys::memfd::{MFdFlags, memfd_create};

use crate::error::{Context, Error, Result};

/// The most bytes [`SealedMemfd::build`] accepts (16 GiB): a limit before allocating.
pub const MAX_LEN: usize = 16 << 30;

/// The seals that make the content immutable: no shrink (no SIGBUS), no grow,
/// no write, and no way to remove or change the seals.
pub fn immutable_seals() -> SealFlag {
    SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_GROW | SealFlag::F_SEAL_WRITE | SealFlag::F_SEAL_SEAL
}

/// The seals that fix the size (no SIGBUS for any mapping), set before the
/// memfd is first mapped.
fn size_seals() -> SealFlag {
    SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_GROW
}

/// An immutable, sealed in-memory file.
///
/// ```
/// use shared_mmap::SealedMemfd;
///
/// // Create, fill through a writable mapping, then seal.
/// let fd = SealedMemfd::build("doc", 4096, |bytes| bytes[..5].copy_from_slice(b"hello"))?;
/// let map = fd.map()?;
/// assert_eq!(&map[..5], b"hello");
/// // Truncation is refused for everyone, so the mapping can never SIGBUS.
/// assert!(fd.file().set_len(0).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SealedMemfd {
    file: File,
    len: usize,
}

impl SealedMemfd {
    /// Creates a memfd of `len` bytes, seals its size, lets `fill` write it
    /// through a private writable mapping, unmaps it, and seals the content.
    ///
    /// The size is sealed (`F_SEAL_SHRINK | F_SEAL_GROW`) right after it is
    /// set, before anything is mapped: a process of the same user can open
    /// the memfd through `/proc/<pid>/fd/<n>` at any moment, and without
    /// that seal it could truncate the file under the writable mapping
    /// while `fill` runs, killing this process with SIGBUS. `F_SEAL_WRITE |
    /// F_SEAL_SEAL` can only come once no writable mapping is left.
    ///
    /// `name` only shows in `/proc/<pid>/fd` (as `memfd:<name>`); it is not a path.
    pub fn build(name: &str, len: usize, fill: impl FnOnce(&mut [u8])) -> Result<SealedMemfd> {
        if len == 0 || len > MAX_LEN {
            return Err(Error::Invalid(format!(
                "memfd length {len} not in 1..={MAX_LEN}"
            )));
        }
        let fd: OwnedFd = memfd_create(name, MFdFlags::MFD_CLOEXEC | MFdFlags::MFD_ALLOW_SEALING)
            .ctx("memfd_create")?;
        let file = File::from(fd);
        file.set_len(len as u64).ctx("ftruncate memfd")?;
        // The size first: from here on nobody can shrink or grow it.
        fcntl(&file, FcntlArg::F_ADD_SEALS(size_seals())).ctx("F_ADD_SEALS (size)")?;
        {
            // SAFETY: what is guaranteed: the file's size is sealed just above
            // (F_SEAL_SHRINK | F_SEAL_GROW, which no one can remove), so every
            // page of this mapping stays backed and no access through it can
            // raise SIGBUS. Within this program the descriptor has not left
            // this function, so no other thread writes the bytes behind the
            // `&mut [u8]`. What no seal can stop before F_SEAL_WRITE (which
            // needs this writable mapping gone): a process of the same user
            // writing through `/proc/<pid>/fd/<n>` meanwhile, as it could
            // through `/proc/<pid>/mem`; that changes bytes, never the
            // mapping's validity, and is outside what a program can defend.
            let mut map = unsafe { MmapMut::map_mut(&file) }.ctx("mmap memfd for writing")?;
            fill(&mut map);
            // The writable mapping is dropped here: F_SEAL_WRITE below is only
            // accepted once no writable shared mapping exists.
        }
        fcntl(
            &file,
            FcntlArg::F_ADD_SEALS(SealFlag::F_SEAL_WRITE | SealFlag::F_SEAL_SEAL),
        )
        .ctx("F_ADD_SEALS (content)")?;
        Ok(SealedMemfd { file, len })
    }

    /// The length in bytes (fixed forever by the seals).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a sealed memfd has at least one byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Maps the whole file read-only.
    pub fn map(&self) -> Result<Mmap> {
        map_sealed(&self.file)
    }

    /// The file, e.g. to `pread` from it or to show that `set_len` fails.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The seals set on the file, as the kernel reports them.
    pub fn seals(&self) -> Result<SealFlag> {
        seals_of(self.file.as_fd())
    }

    /// A duplicate descriptor *without* `FD_CLOEXEC`, so that child processes
    /// spawned while it lives inherit it; pass its number on their command
    /// line and drop it once they are spawned.
    ///
    /// A child started concurrently from another thread inherits it too; that
    /// only keeps the memory alive until that child exits.
    pub fn inheritable(&self) -> Result<OwnedFd> {
        nix::unistd::dup(&self.file).ctx("dup memfd")
    }
}

/// The seals on any descriptor; none for files that cannot be sealed
/// (`F_GET_SEALS` fails with `EINVAL` on anything but shmem/memfd).
pub fn seals_of(fd: BorrowedFd<'_>) -> Result<SealFlag> {
    match fcntl(fd, FcntlArg::F_GET_SEALS) {
        Ok(bits) => Ok(SealFlag::from_bits_truncate(bits)),
        Err(nix::errno::Errno::EINVAL) => Ok(SealFlag::empty()),
        Err(e) => Err(e).ctx("F_GET_SEALS"),
    }
}

/// Maps `file` read-only after checking that it is sealed against shrinking
/// and writing: the check that makes the mapping sound.
pub fn map_sealed(file: &File) -> Result<Mmap> {
    let size = file.metadata().ctx("fstat")?.len();
    let len = usize::try_from(size).map_err(|_| Error::Invalid(format!("{size} bytes")))?;
    map_sealed_range(file, 0, len, false)
}

/// Maps `len` bytes at `offset` of a sealed file read-only (one worker's
/// slice); `populate` pre-faults the page tables (`MAP_POPULATE`).
pub fn map_sealed_range(file: &File, offset: u64, len: usize, populate: bool) -> Result<Mmap> {
    let seals = seals_of(file.as_fd())?;
    if !seals.contains(SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_WRITE) {
        return Err(Error::Invalid(format!(
            "fd {} is not sealed against shrink and write (seals: {seals:?})",
            file.as_raw_fd()
        )));
    }
    let size = file.metadata().ctx("fstat")?.len();
    if len == 0 || offset.checked_add(len as u64).is_none_or(|end| end > size) {
        return Err(Error::Invalid(format!(
            "range {offset}+{len} not inside the file's {size} bytes"
        )));
    }
    let mut opts = memmap2::MmapOptions::new();
    opts.offset(offset).len(len);
    if populate {
        opts.populate();
    }
    // SAFETY: the kernel refuses every truncation and every write to this
    // file (F_SEAL_SHRINK | F_SEAL_WRITE, checked just above; seals can only
    // be added, never removed), and the range lies inside the file, whose
    // size can no longer change: the mapped bytes never change and never
    // vanish, so no SIGBUS and no data race behind the `&[u8]`.
    unsafe { opts.map(file) }.ctx("mmap sealed memfd")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_memfd_refuses_resizing_and_writing() {
        use std::io::Write;
        let fd = SealedMemfd::build("test", 8192, |b| b.fill(1)).unwrap();
        assert!(fd.seals().unwrap().contains(immutable_seals()));
        for len in [0, 4096, 1 << 20] {
            let e = fd.file().set_len(len).unwrap_err();
            assert_eq!(e.raw_os_error(), Some(libc::EPERM), "set_len({len})");
        }
        let mut f = fd.file();
        assert_eq!(f.write(b"x").unwrap_err().raw_os_error(), Some(libc::EPERM));
        assert_eq!(
            fd.map().unwrap().iter().map(|&b| u64::from(b)).sum::<u64>(),
            8192
        );
    }

    /// The memfd of this process whose `/proc/self/fd` link names `name`.
    fn memfd_path(name: &str) -> std::path::PathBuf {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                std::fs::read_link(p)
                    .is_ok_and(|l| l.to_string_lossy().starts_with(&format!("/memfd:{name}")))
            })
            .expect("the memfd is open")
    }

    #[test]
    fn truncating_from_another_process_during_the_fill_is_refused() {
        const LEN: usize = 1 << 20;
        let name = format!("fill-race-{}", std::process::id());
        let fd = SealedMemfd::build(&name, LEN, |bytes| {
            bytes[..LEN / 2].fill(7);
            // Another process truncates the file while it is mapped for
            // writing; before the size was sealed first, it succeeded and
            // the next write below died of SIGBUS.
            let path = memfd_path(&name);
            let status = std::process::Command::new("truncate")
                .args(["-s", "0"])
                .arg(&path)
                .stderr(std::process::Stdio::null())
                .status()
                .expect("truncate runs");
            assert!(!status.success(), "truncate of {path:?} was allowed");
            bytes[LEN / 2..].fill(7);
        })
        .unwrap();
        assert_eq!(fd.file().metadata().unwrap().len(), LEN as u64);
        assert!(fd.map().unwrap().iter().all(|&b| b == 7));
        assert!(fd.seals().unwrap().contains(immutable_seals()));
    }

    #[test]
    fn unsealed_files_and_bad_ranges_are_refused() {
        let plain = tempfile::tempfile().unwrap();
        plain.set_len(4096).unwrap();
        assert!(matches!(map_sealed(&plain), Err(Error::Invalid(_))));
        let fd = SealedMemfd::build("test", 4096, |_| {}).unwrap();
        assert!(map_sealed_range(fd.file(), 4000, 200, false).is_err());
        assert!(map_sealed_range(fd.file(), u64::MAX, 8, false).is_err());
        assert!(SealedMemfd::build("test", 0, |_| {}).is_err());
    }
}
