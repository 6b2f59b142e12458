//! SIGBUS, shown in throwaway children: a mapped file that is truncated kills
//! whoever touches the vanished pages; a sealed memfd refuses the truncation.
//!
//! Mapping a file is only sound while nobody shrinks it (that is why
//! `memmap2::Mmap::map` is `unsafe`). The kernel cannot hand back bytes that
//! no longer exist, so the access raises SIGBUS and the process dies. The
//! cure used throughout this crate is [`crate::SealedMemfd`]: with
//! `F_SEAL_SHRINK` set, `ftruncate` fails with `EPERM` for everyone.

use std::fs::OpenOptions;
use std::path::Path;
use std::time::Duration;

use memmap2::Mmap;
use nix::sys::resource::{Resource, setrlimit};
use subprocess_pipes::child::ExitCause;

use crate::error::{Context, Error, Result};
use crate::memfd::SealedMemfd;
use crate::reply::{Reply, send};
use crate::worker_set::{WorkerExe, WorkerSet};

/// Size of the demo file and memfd: two pages.
pub const DEMO_LEN: usize = 8192;

/// How the two children ended.
#[derive(Debug, Clone)]
pub struct Sigbus {
    /// The signal that killed the child that truncated its mapped file (7 = SIGBUS).
    pub file_signal: Option<i32>,
    /// Its exit code, had it survived.
    pub file_code: Option<i32>,
    /// The `errno` that refused the sealed-memfd child's truncation (`None`: allowed).
    pub memfd_errno: Option<i32>,
    /// The byte that child read through its mapping afterwards (7 when intact).
    pub memfd_value: u8,
    /// Whether the sealed-memfd child exited 0.
    pub memfd_ok: bool,
}

/// Runs both children; the file lives in `dir` and is removed by this
/// function's tempfile, whatever the children do.
///
/// ```no_run
/// use std::time::Duration;
/// use shared_mmap::{sigbus::demonstrate, worker_set::WorkerExe};
///
/// let dir = tempfile::tempdir()?;
/// let out = demonstrate(&WorkerExe::current()?, dir.path(), Duration::from_secs(10))?;
/// assert_eq!(out.file_signal, Some(libc::SIGBUS));
/// assert_eq!(out.memfd_errno, Some(libc::EPERM));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn demonstrate(exe: &WorkerExe, dir: &Path, limit: Duration) -> Result<Sigbus> {
    let tmp = tempfile::Builder::new()
        .prefix("sigbus-")
        .tempfile_in(dir)
        .ctx("create demo file")?;
    tmp.as_file()
        .set_len(DEMO_LEN as u64)
        .ctx("size demo file")?;
    let path = tmp
        .path()
        .to_str()
        .ok_or_else(|| Error::Invalid("non-UTF-8 temp path".into()))?;
    // The file starts with its own (unpredictable) path: the worker checks
    // it before truncating, so it only ever truncates a file made for it.
    if path.len() >= DEMO_LEN {
        return Err(Error::Invalid(format!("temp path too long: {path}")));
    }
    std::os::unix::fs::FileExt::write_all_at(tmp.as_file(), path.as_bytes(), 0)
        .ctx("mark demo file")?;
    let mut set = WorkerSet::spawn(exe, &[vec!["sigbus-file".into(), path.into()]])?;
    set.collect("Mapped", limit, |r| (*r == Reply::Mapped).then_some(()))?;
    let status = set.wait_all(limit)?[0];

    let mut set = WorkerSet::spawn(exe, &[vec!["sigbus-memfd".into()]])?;
    let (errno, value) = set
        .collect("Truncate", limit, |r| match r {
            Reply::Truncate { errno, value } => Some((*errno, *value)),
            _ => None,
        })?
        .remove(0)
        .0;
    let memfd_ok = set.wait_all(limit)?[0] == ExitCause::Exited(0);
    let (file_signal, file_code) = match status {
        ExitCause::Signaled(sig) => (Some(sig as i32), None),
        ExitCause::Exited(code) => (None, Some(code)),
    };
    Ok(Sigbus {
        file_signal,
        file_code,
        memfd_errno: errno,
        memfd_value: value,
        memfd_ok,
    })
}

/// No core file from a child that is meant to crash.
fn no_core_dump() -> Result<()> {
    setrlimit(Resource::RLIMIT_CORE, 0, 0).ctx("setrlimit RLIMIT_CORE")
}

/// Child side: map the file, truncate it, touch the last byte. Dies of
/// SIGBUS. Refuses any file but the one [`demonstrate`] made for it: a
/// regular file of [`DEMO_LEN`] bytes that starts with its own path.
pub(crate) fn child_truncate_file(path: &str) -> Result<()> {
    no_core_dump()?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .ctx("open demo file")?;
    let meta = file.metadata().ctx("fstat")?;
    let mut mark = vec![0u8; path.len()];
    let marked = meta.is_file()
        && meta.len() == DEMO_LEN as u64
        && std::os::unix::fs::FileExt::read_exact_at(&file, &mut mark, 0).is_ok()
        && mark == path.as_bytes();
    if !marked {
        return Err(Error::Invalid(format!(
            "{path} is not a file the sigbus demo made for this worker; it is left alone"
        )));
    }
    let len = DEMO_LEN;
    // SAFETY: deliberately broken, in a throwaway child: we truncate the file
    // below while it is mapped, which is exactly what `Mmap::map` forbids. The
    // point is the crash: the access raises SIGBUS before any value is used.
    let map = unsafe { Mmap::map(&file) }.ctx("mmap demo file")?;
    send(&Reply::Mapped)?;
    file.set_len(0).ctx("truncate demo file")?;
    // SAFETY: `len - 1 < map.len()`, so the pointer is inside the mapping;
    // the page behind it is gone, which is the point (see above).
    let byte = unsafe { std::ptr::read_volatile(map.as_ptr().add(len - 1)) };
    send(&Reply::Sum(u64::from(byte))) // not reached: the read above raised SIGBUS
}

/// Child side: the same with a sealed memfd: truncation is refused, the
/// mapping stays valid. Replies [`Reply::Truncate`].
pub(crate) fn child_truncate_memfd() -> Result<()> {
    no_core_dump()?;
    let fd = SealedMemfd::build("sigbus-demo", DEMO_LEN, |b| b.fill(7))?;
    let map = fd.map()?;
    let errno = match fd.file().set_len(0) {
        Ok(()) => None,
        Err(e) => Some(e.raw_os_error().unwrap_or(0)),
    };
    send(&Reply::Truncate {
        errno,
        value: map[DEMO_LEN - 1],
    })
}
