//! Time added to a program's instructions with `PACE`.

/// Extra time given to [`counter`](super::builtin_programs::counter)'s instructions, in `PACE` units (about
/// a nanosecond each), so that its time between check points can be made
/// to match an interpreter's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pacing {
    /// After the `LOAD_GLOBAL` of `counter`: inside the read-modify-write,
    /// before its next check point under every policy.
    pub inside: u32,
    /// After the `BINARY_SUBTRACT` of `n -= 1`: outside it.
    pub outside: u32,
}
