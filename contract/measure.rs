//! Measuring helpers: repeat, interleave A and B in the same run, report the
//! median and the spread, and describe the machine.

use std::time::{Duration, Instant};

/// Summary of repeated measurements.
///
/// # Example
#[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::Stats;\n\nlet s = Stats::of(&[3.0, 1.0, 2.0]);\nassert_eq!((s.median, s.min, s.max, s.n), (2.0, 1.0, 3.0, 3));\nassert_eq!(s.spread(), 1.0);\n```")]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// The median sample.
    pub median: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// How many samples.
    pub n: usize,
}

impl Stats {
    /// Summarises `samples` (which must not be empty).
    ///
    /// # Panics
    /// If `samples` is empty.
    pub fn of(samples: &[f64]) -> Stats {
        assert!(!samples.is_empty(), "Stats::of needs at least one sample");
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        let median = if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        };
        Stats {
            median,
            min: s[0],
            max: s[n - 1],
            n,
        }
    }

    /// The spread as a fraction of the median: `(max - min) / median`.
    pub fn spread(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            (self.max - self.min) / self.median
        }
    }

    /// `median [min..max] (n=R)` with the given unit and scale.
    pub fn show(&self, scale: f64, unit: &str) -> String {
        format!(
            "{:.3} {unit} [{:.3}..{:.3}] (n={})",
            self.median * scale,
            self.min * scale,
            self.max * scale,
            self.n
        )
    }
}

/// Runs `f` once and returns its wall time in seconds, with its result.
pub fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed().as_secs_f64(), out)
}

/// Runs each variant once as a warm-up, then `repeats` rounds in which every
/// variant runs once, in turn (A, B, A, B, …), so that a slow phase of a
/// noisy machine hits all variants alike. Each variant returns its own
/// measurement (seconds, or any figure); an error stops the measurement.
///
/// # Example
#[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::measure::{interleaved, timed};\n\nlet data: Vec<u64> = (0..10_000).collect();\nlet mut sum = || Ok::<_, ()>(timed(|| data.iter().sum::<u64>()).0);\nlet mut max = || Ok::<_, ()>(timed(|| data.iter().max().copied()).0);\nlet stats = interleaved(5, &mut [&mut sum, &mut max]).unwrap();\nlet ratio = stats[1].median / stats[0].median; // compare in the same run\nassert!(ratio.is_finite() && stats[0].n == 5);\n```")]
pub fn interleaved<E>(
    repeats: usize,
    variants: &mut [&mut dyn FnMut() -> Result<f64, E>],
) -> Result<Vec<Stats>, E> {
    for v in variants.iter_mut() {
        v()?;
    }
    let mut samples = vec![Vec::with_capacity(repeats); variants.len()];
    for _ in 0..repeats.max(1) {
        for (v, s) in variants.iter_mut().zip(&mut samples) {
            s.push(v()?);
        }
    }
    Ok(samples.iter().map(|s| Stats::of(s)).collect())
}

/// The machine an experiment ran on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Cores available to this process (`available_parallelism`).
    pub cores: usize,
    /// `linux x86_64`, etc.
    pub os: String,
}

impl Machine {
    /// The current machine.
    pub fn current() -> Machine {
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// Formats seconds as `ns`, `µs`, `ms` or `s`, whichever reads best.
pub fn human_time(secs: f64) -> String {
    // An empty f64 sum is -0.0: print it as 0.
    let secs = secs + 0.0;
    let d = secs.abs();
    if d < 1e-6 {
        format!("{:.1} ns", secs * 1e9)
    } else if d < 1e-3 {
        format!("{:.2} µs", secs * 1e6)
    } else if d < 1.0 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

/// Parses `5ms`, `250us`, `1.5s`, `100ns` (a number and a unit) into a Duration.
///
/// # Example
#[doc = concat!("```\nuse std::time::Duration;\nuse ", env!("CARGO_CRATE_NAME"), "::contract::measure::parse_duration;\n\nassert_eq!(parse_duration(\"5ms\"), Ok(Duration::from_millis(5)));\nassert!(parse_duration(\"5\").unwrap_err().contains(\"needs a unit\"));\n```")]
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| c.is_ascii_alphabetic() || c == 'µ')
        .ok_or_else(|| format!("{s:?}: a duration needs a unit: ns, us, ms or s (e.g. 5ms)"))?;
    let (num, unit) = s.split_at(split);
    let value: f64 = num.parse().map_err(|_| {
        format!("{s:?}: a duration is a number and a unit, such as 5ms, 250us or 1.5s")
    })?;
    let scale = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return Err(format!("{s:?}: unknown unit {unit:?}; use ns, us, ms or s")),
    };
    let secs = value * scale;
    if !(0.0..=3600.0).contains(&secs) {
        return Err(format!("{s:?}: must be between 0 and 1 hour"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// As [`parse_duration`], refusing zero: for timeouts and stall limits,
/// where 0 would time out before anything could happen.
///
/// # Example
#[doc = concat!("```\nuse std::time::Duration;\nuse ", env!("CARGO_CRATE_NAME"), "::contract::measure::parse_positive_duration;\n\nassert_eq!(parse_positive_duration(\"1ms\"), Ok(Duration::from_millis(1)));\nassert!(parse_positive_duration(\"0ms\").unwrap_err().contains(\"above 0\"));\n```")]
pub fn parse_positive_duration(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err(format!("{s:?}: must be above 0 (e.g. 300ms)"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(Stats::of(&[3.0, 1.0, 2.0]).median, 2.0);
        assert_eq!(Stats::of(&[4.0, 1.0, 2.0, 3.0]).median, 2.5);
        let s = Stats::of(&[1.0, 2.0, 3.0]);
        assert_eq!((s.min, s.max, s.n), (1.0, 3.0, 3));
        assert_eq!(s.spread(), 1.0);
    }

    #[test]
    fn interleaved_runs_each_variant_warmup_plus_repeats_in_turn() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut a = || -> Result<f64, ()> {
            order.borrow_mut().push('a');
            Ok(1.0)
        };
        let mut b = || -> Result<f64, ()> {
            order.borrow_mut().push('b');
            Ok(2.0)
        };
        let stats = interleaved(3, &mut [&mut a, &mut b]).unwrap();
        assert_eq!(order.borrow().iter().collect::<String>(), "abababab");
        assert_eq!(
            (stats[0].median, stats[1].median, stats[1].n),
            (1.0, 2.0, 3)
        );
    }

    #[test]
    fn durations_parse_with_units_and_reject_nonsense() {
        assert_eq!(parse_duration("5ms"), Ok(Duration::from_millis(5)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        for bad in ["5", "ms", "5 parsecs", "-1ms", "1e9s"] {
            assert!(parse_duration(bad).is_err(), "accepted {bad}");
        }
    }
}
