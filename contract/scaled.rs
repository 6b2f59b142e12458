//! A flag's default, written once: its value at full size and under
//! `--quick`. The experiment reads it with [`Scaled::pick`] and clap shows
//! the same two values in the flag's help with [`Scaled::help`], so the help
//! cannot promise a default the run does not use.
//!
//! ```text
//! const CALLS: Scaled<u64> = Scaled::new(40, 12);
//! assert_eq!(CALLS.pick(false), 40);
//! assert_eq!(CALLS.pick(true), 12);
//! assert_eq!(CALLS.help("Blocking calls"), "Blocking calls [default: 40; quick: 12]");
//! ```
//!
//! In an experiment's flags: `#[arg(long, help = CALLS.help("Blocking
//! calls"))]` on an `Option<u64>` field, and
//! `self.calls.unwrap_or(CALLS.pick(ctx.quick))` in its run.

use std::time::Duration;

/// A default at full size and under `--quick`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scaled<T> {
    /// The value of a full run.
    pub full: T,
    /// The value under `--quick`.
    pub quick: T,
}

impl<T: Copy + Shown> Scaled<T> {
    /// `full` for a full run, `quick` under `--quick`.
    pub const fn new(full: T, quick: T) -> Self {
        Self { full, quick }
    }

    /// The value for a run with `quick` as given (`ctx.quick`).
    pub fn pick(&self, quick: bool) -> T {
        if quick { self.quick } else { self.full }
    }

    /// `what` followed by both defaults, for clap's `help`.
    pub fn help(&self, what: &str) -> String {
        format!(
            "{what} [default: {}; quick: {}]",
            self.full.shown(),
            self.quick.shown()
        )
    }
}

/// How a default is written in help: as a user would type it.
pub trait Shown {
    /// `5M`, `300k`, `40`; `500ms`; `4 MiB`.
    fn shown(&self) -> String;
}

impl Shown for u64 {
    fn shown(&self) -> String {
        match *self {
            n if n >= 1_000_000 && n.is_multiple_of(1_000_000) => format!("{}M", n / 1_000_000),
            n if n >= 1_000 && n.is_multiple_of(1_000) => format!("{}k", n / 1_000),
            n => n.to_string(),
        }
    }
}

impl Shown for u32 {
    fn shown(&self) -> String {
        u64::from(*self).shown()
    }
}

impl Shown for usize {
    fn shown(&self) -> String {
        (*self as u64).shown()
    }
}

impl Shown for Duration {
    fn shown(&self) -> String {
        let us = self.as_micros();
        if us >= 1_000_000 && us.is_multiple_of(1_000_000) {
            format!("{}s", us / 1_000_000)
        } else if us >= 1_000 && us.is_multiple_of(1_000) {
            format!("{}ms", us / 1_000)
        } else {
            format!("{us}us")
        }
    }
}

impl<T: Shown> Shown for &[T] {
    fn shown(&self) -> String {
        let each: Vec<String> = self.iter().map(Shown::shown).collect();
        each.join(", ")
    }
}

/// A size in bytes, shown as `4 MiB` (and parsed back by
/// [`parse_bytes`](super::size::parse_bytes)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl Shown for Bytes {
    fn shown(&self) -> String {
        super::size::show_bytes(self.0 as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_typed() {
        assert_eq!(5_000_000u64.shown(), "5M");
        assert_eq!(300_000u64.shown(), "300k");
        assert_eq!(12_345u64.shown(), "12345");
        assert_eq!(0u64.shown(), "0");
    }

    #[test]
    fn durations_take_the_largest_whole_unit() {
        assert_eq!(Duration::from_secs(1).shown(), "1s");
        assert_eq!(Duration::from_millis(1500).shown(), "1500ms");
        assert_eq!(Duration::from_micros(250).shown(), "250us");
    }

    #[test]
    fn sizes_show_in_binary_units() {
        assert_eq!(Bytes(4 << 20).shown(), "4 MiB");
        assert_eq!(
            Scaled::new(Bytes(4 << 20), Bytes(1 << 20)).pick(true),
            Bytes(1 << 20)
        );
    }

    #[test]
    fn lists_join_with_commas() {
        let both: &[Duration] = &[Duration::from_millis(5), Duration::from_millis(1)];
        assert_eq!(both.shown(), "5ms, 1ms");
    }

    #[test]
    fn help_names_both_defaults() {
        let d = Scaled::new(Duration::from_secs(1), Duration::from_millis(300));
        assert_eq!(d.help("Stall"), "Stall [default: 1s; quick: 300ms]");
    }
}
