//! Measuring variants in turn: [`crate::contract::measure::interleaved`]
//! over boxed closures, so an experiment can list its variants in a `vec!`.

/// A measured variant: returns its figure (seconds, usually).
pub type Variant<'a> = Box<dyn FnMut() -> anyhow::Result<f64> + 'a>;

/// [`crate::contract::measure::interleaved`] over boxed variants.
pub fn interleave(
    repeats: usize,
    mut variants: Vec<Variant<'_>>,
) -> anyhow::Result<Vec<crate::contract::Stats>> {
    let mut refs: Vec<&mut dyn FnMut() -> anyhow::Result<f64>> = variants
        .iter_mut()
        .map(|b| b.as_mut() as &mut dyn FnMut() -> anyhow::Result<f64>)
        .collect();
    crate::contract::measure::interleaved(repeats, &mut refs)
}

/// Says one line a measured variant: its label, padded so that the times
/// line up, and its time in ms (median and spread). `labels` and `stats`
/// come in the same order, as [`interleave`] returns them.
pub fn say_times(
    report: &mut crate::contract::Report,
    labels: &[String],
    stats: &[crate::contract::Stats],
) {
    let width = labels.iter().map(String::len).max().unwrap_or(0);
    for (label, s) in labels.iter().zip(stats) {
        report.say(format!("{label:<width$} {}", s.show(1e3, "ms")));
    }
}
