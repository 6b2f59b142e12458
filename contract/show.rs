//! One way to print a figure, chosen by its unit: counts as whole numbers
//! with thousands separators, fractions as percentages, ratios with `×`,
//! durations in the unit that reads best, booleans as yes or no. The JSON
//! records keep the exact numbers; this is only what a reader sees.

use super::measure::human_time;

/// Units that count things: whole numbers print without decimals.
const COUNTS: &[&str] = &[
    "updates",
    "threads",
    "cores",
    "rounds",
    "jobs",
    "workers",
    "waits",
    "tasks",
    "processes",
    "meals",
    "items",
    "count",
    "connections",
    "waiters",
    "signal",
    "B",
    "bytes",
];

/// `1234567` as `1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number with about four significant digits, large ones grouped.
fn number(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        format!("{v}")
    } else if a >= 1000.0 || (v.fract() == 0.0 && a < 1e15) {
        grouped(v.round() as i64)
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else if a >= 0.001 || a == 0.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}

/// `value` in `unit` as a reader sees it: `(number, unit)`, so a table can
/// align the numbers: `195776 updates` is `195,776 updates`, `0.411
/// fraction` is `41.1%`, `1.98 x` is `1.98×`, `0.0063 s` is `6.30 ms`,
/// `1 bool` is `yes` (see the tests below).
pub fn metric(value: f64, unit: &str) -> (String, String) {
    let value = value + 0.0; // -0.0 prints as 0
    let unit = unit.trim();
    let (head, rest) = unit.split_once(' ').unwrap_or((unit, ""));
    let rest = rest.trim().to_string();
    match head {
        "x" | "×" | "ratio" => (format!("{value:.2}×"), rest),
        "fraction" => (format!("{:.1}%", value * 100.0), rest),
        "bool" => ((if value != 0.0 { "yes" } else { "no" }).to_string(), rest),
        "s" => (human_time(value), rest),
        "ms" => (human_time(value * 1e-3), rest),
        "µs" | "us" => (human_time(value * 1e-6), rest),
        "ns" => (human_time(value * 1e-9), rest),
        _ if COUNTS.contains(&head) && value.fract() == 0.0 => {
            (grouped(value as i64), unit.to_string())
        }
        _ => (number(value), unit.to_string()),
    }
}

/// A figure as a summary shows it: `name 1.98×`.
pub fn figure(name: &str, value: f64, unit: &str) -> String {
    let (v, u) = metric(value, unit);
    format!("{name} {v} {u}").trim_end().to_string()
}

/// The figure that failed a claim, beside the bar it had to reach:
/// `queue_over_cpython 44× (needs ≥ 50×)`.
pub fn failed_figure(name: &str, value: f64, unit: &str, symbol: &str, bar: f64) -> String {
    let (b, u) = metric(bar, unit);
    let bar = format!("{b} {u}");
    format!(
        "{} (needs {symbol} {})",
        figure(name, value, unit),
        bar.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_figure_shows_its_bar_in_its_unit() {
        assert_eq!(
            failed_figure("queue_over_cpython", 44.0, "x", "≥", 50.0),
            "queue_over_cpython 44.00× (needs ≥ 50.00×)"
        );
        assert_eq!(figure("rounds", 20.0, "rounds"), "rounds 20 rounds");
    }

    #[test]
    fn counts_group_and_never_show_decimals() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(-1234567), "-1,234,567");
        assert_eq!(metric(20.0, "rounds").0, "20");
        assert_eq!(metric(2.0e5, "jobs").0, "200,000");
        assert_eq!(metric(7.0, "signal").0, "7");
    }

    #[test]
    fn the_documented_examples() {
        let m = |v, u| metric(v, u);
        assert_eq!(m(195776.0, "updates"), ("195,776".into(), "updates".into()));
        assert_eq!(m(0.411, "fraction"), ("41.1%".into(), String::new()));
        assert_eq!(m(1.98, "x"), ("1.98×".into(), String::new()));
        assert_eq!(m(0.0063, "s"), ("6.30 ms".into(), String::new()));
        assert_eq!(m(1.0, "bool"), ("yes".into(), String::new()));
    }

    #[test]
    fn ratios_fractions_and_times_read_as_people_write_them() {
        assert_eq!(
            metric(1.02, "x (time threads/sequential)"),
            ("1.02×".into(), "(time threads/sequential)".into())
        );
        assert_eq!(metric(-0.0, "fraction").0, "0.0%");
        assert_eq!(metric(250.0, "µs").0, "250.00 µs");
        assert_eq!(
            metric(84149169.057, "iter/s"),
            ("84,149,169".into(), "iter/s".into())
        );
        assert_eq!(metric(0.5, "bool").0, "yes");
        assert_eq!(metric(12.3456, "M instr/s").0, "12.35");
    }
}
