//! Rates from counts and times: operations per second, nanoseconds per
//! operation, and a rate as the experiments print it.

/// Operations per second.
pub fn rate(ops: f64, secs: f64) -> f64 {
    if secs > 0.0 { ops / secs } else { 0.0 }
}

/// Nanoseconds per operation.
pub fn ns_per(secs: f64, ops: f64) -> f64 {
    if ops > 0.0 { secs * 1e9 / ops } else { 0.0 }
}

/// `1.2 M/s` style.
pub fn human_rate(per_s: f64) -> String {
    if per_s >= 1e6 {
        format!("{:.2} M/s", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!("{:.1} k/s", per_s / 1e3)
    } else {
        format!("{per_s:.1} /s")
    }
}
