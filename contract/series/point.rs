//! [`point!`]: a point type declared once, each field with its unit beside
//! it, so the units cannot miss a field, and the x field is checked by the
//! compiler.

/// Declares a point type of a series: the struct (serde, `Clone`), and its
/// [`Point`](super::Point) impl, whose `UNITS` come from the `=> "unit"`
/// after each field and whose `X` must name one of the fields (a typo is a
/// compile error, not a chart that silently goes missing). A categorical
/// field is a `String` with the unit `"name"` ([`CATEGORY`](super::CATEGORY)).
///
/// ```text
/// point! {
///     /// What one point is.
///     pub struct Latency("latency", x = interval_us) {
///         /// The GIL policy.
///         gil: String => "name",
///         /// The switch interval.
///         interval_us: f64 => "µs",
///         /// The median wait.
///         latency_s: f64 => "s",
///     }
/// }
/// ```
macro_rules! point {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($series:literal, x = $x:ident) {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $unit:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )+
        }

        impl super::Point for $name {
            const NAME: &'static str = $series;
            const X: &'static str = {
                // `X` names a field: this reads it, so a typo does not compile.
                let _ = |p: $name| p.$x;
                stringify!($x)
            };
            const UNITS: &'static [(&'static str, &'static str)] =
                &[$( (stringify!($field), $unit) ),+];
        }
    };
}

pub(super) use point;
