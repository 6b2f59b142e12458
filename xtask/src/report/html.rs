//! HTML text: escaping, and numbers shown in `<data>` elements (the exact
//! figure in `value`, the rounded one shown).

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

/// A number with about three significant digits, for tables.
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.2e}")
    }
}

/// A number in an HTML `<data>` element: the exact figure in `value`, the
/// rounded one shown (seconds below one as milliseconds).
pub fn data(v: f64, unit: &str) -> String {
    let (shown, unit) = if unit.trim() == "s" && v.abs() < 1.0 {
        (v * 1e3, " ms")
    } else {
        (v, unit)
    };
    format!("<data value=\"{v}\">{}</data>{}", fmt_num(shown), esc(unit))
}
