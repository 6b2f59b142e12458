//! What the measurements say about the claim: the verdict a record carries.

use serde::{Deserialize, Serialize};

/// What the measurements say about the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The measurements support the claim on this machine.
    Holds,
    /// The measurements contradict the claim on this machine.
    DoesNotHold,
    /// The experiment only reports figures; there is nothing to judge.
    Info,
}

impl Verdict {
    /// `Holds` when `ok`, else `DoesNotHold`: the verdict is computed, never written in.
    pub fn from_bool(ok: bool) -> Verdict {
        if ok {
            Verdict::Holds
        } else {
            Verdict::DoesNotHold
        }
    }

    /// The name used in records and tables (`holds`, `does-not-hold`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::DoesNotHold => "does-not-hold",
            Verdict::Info => "info",
        }
    }
}
