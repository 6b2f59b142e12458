//! HTML text: escaping, and numbers shown in `<data>` elements (the exact
//! figure in `value`, the rounded one shown).

use crate::contract::show;

/// Escapes text for HTML and XML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number in an HTML `<data>` element: the exact figure in `value`, the
/// one shown as every figure is shown ([`show::metric`]: counts whole,
/// ratios with `×`, durations in the unit that reads best). `unit` is an
/// advice figure's (` µs`, `×`, ` cores`).
pub fn data(v: f64, unit: &str) -> String {
    let (shown, unit) = show::metric(v, unit);
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!("<data value=\"{v}\">{}</data>{}", esc(&shown), esc(&unit))
}

#[cfg(test)]
mod tests {
    use super::data;

    #[test]
    fn advice_figures_read_as_every_figure_does() {
        assert_eq!(data(4.0, " threads"), "<data value=\"4\">4</data> threads");
        assert_eq!(data(2.14, "×"), "<data value=\"2.14\">2.14×</data>");
        assert_eq!(data(56.7, " µs"), "<data value=\"56.7\">56.70 µs</data>");
        assert_eq!(data(0.0063, " s"), "<data value=\"0.0063\">6.30 ms</data>");
    }
}
