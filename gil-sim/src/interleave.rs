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
