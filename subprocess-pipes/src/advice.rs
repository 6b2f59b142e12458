//! subprocess-pipes' row of the report's "when to use what" table: messages between processes.
//!
//! Rules as data (`Advice` values), next to the experiments that measure their
//! figures: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file and puts the rows in the
//! lecture's order.

use crate::contract::advice::{Advice, Figure, clearly, fig, row};
use crate::contract::record::{Record, find};

/// "Messages between processes": framed messages against raw bytes and CPython.
pub fn messages_between_processes(records: &[Record]) -> Option<Advice> {
    let r = find(records, "subprocess-pipes", "latency")?;
    let framed = fig(r, "framed_rtt_us", "framed round trip", " µs")?;
    let raw = fig(r, "raw_rtt_us", "raw ping-pong", " µs")?;
    let cpython = fig(r, "cpython_rtt_us", "CPython Pipe round trip", " µs");
    let spun = fig(r, "spin_framed_rtt_us", "framed, spinning receivers", " µs");
    let cheap = framed.value <= raw.value * 1.3;
    let mut choice = match (&cpython, cheap) {
        (Some(py), true) if framed.value < py.value => {
            "typed framed messages over a pipe: near raw speed, faster than CPython's Pipe"
        }
        (_, true) => "typed framed messages over a pipe: near raw speed",
        (_, false) => "raw bytes where latency matters: framing cost more than 30% here",
    }
    .to_string();
    if let Some(s) = &spun
        && clearly(framed.value, s.value)
    {
        choice.push_str(
            "; for request/response, let receivers spin briefly before they block (it burns CPU while it waits)",
        );
    }
    // The blocking figures are shown, not judged: say so where they could
    // read as a failed claim (framed slower than CPython's Pipe).
    let judged_py = r.metric("spin_cpython_rtt_us");
    let note = match (&cpython, &spun, judged_py) {
        (Some(py), Some(s), Some(jp)) if framed.value >= py.value => format!(
            "The blocking round trips cross CPUs and wake a sleeping reader on each message, \
             for both sides; they are shown, not judged. The claim is judged with receivers \
             that spin briefly (and on one CPU): there framed takes {:.1} µs against \
             CPython's {jp:.1} µs.",
            s.value
        ),
        _ => String::new(),
    };
    let figs: Vec<Figure> = [Some(framed), spun, Some(raw), cpython]
        .into_iter()
        .flatten()
        .collect();
    Some(
        row(
            "Small messages between processes",
            choice,
            figs,
            "chart-pipes",
            "subprocess-pipes",
            "latency",
        )
        .note(note),
    )
}
