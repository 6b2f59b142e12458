//! Claim: memmap2's `MmapMut::map_anon` is a private mapping: after `fork`
//! the child's writes land in its own copy-on-write pages and the parent
//! never sees them, while a `MAP_SHARED` anonymous mapping carries them back.

use std::time::Duration;

use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::trap::{MARK, private_vs_shared};

/// Limit on waiting for the child.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Flags of `private-trap` (none).
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct PrivateTrap {}

impl Experiment for PrivateTrap {
    const NAME: &'static str = "private-trap";
    const CLAIM: &'static str = "memmap2's map_anon is MAP_PRIVATE: a forked child's writes never reach the parent (MAP_SHARED's do)";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, _ctx: &Ctx) -> anyhow::Result<Report> {
        let seen = private_vs_shared(TIMEOUT)?;
        let trap = seen.private == 0 && seen.child_private == MARK;
        let fixed = seen.shared == u64::from(MARK);
        let mut r = Report::new(
            Verdict::from_bool(trap && fixed),
            format!(
                "child wrote {MARK:#x}: parent reads {:#x} through map_anon (private), {:#x} through MAP_SHARED",
                seen.private, seen.shared
            ),
        )
        .metric("parent_sees_private", f64::from(seen.private), "value")
        .metric("parent_sees_shared", seen.shared as f64, "value")
        .metric("child_sees_private", f64::from(seen.child_private), "value");
        r.say(format!(
            "child wrote {MARK:#x} into both mappings and read back {:#x} from its private copy",
            seen.child_private
        ));
        r.say(format!(
            "parent, memmap2::MmapMut::map_anon (MAP_PRIVATE): {:#x}",
            seen.private
        ));
        r.say(format!(
            "parent, SharedAnon (MAP_SHARED|MAP_ANONYMOUS):    {:#x}",
            seen.shared
        ));
        Ok(r)
    }
}
