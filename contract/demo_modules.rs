// `demo_modules!`: how a demo crate's `lib.rs` declares the modules of its
// demo side (experiments, charts, advice, the contract, their helpers).
// Each is compiled only with the crate's `demo` feature and hidden from
// the library's documentation, which is the reference code's. Every demo
// crate's `lib.rs` includes this file (`include!`), so the rule is written
// once; it is a macro, not a module, and builds without the demo too.

/// Declares the modules every demo has (its report `advice` and `charts`,
/// and the `contract`), then each `mod` it is given, as modules of the demo
/// side: compiled with the `demo` feature only, and `#[doc(hidden)]`.
macro_rules! demo_modules {
    ($($(#[$meta:meta])* $vis:vis mod $name:ident;)*) => {
        demo_modules! {
            @each
            /// The report's "when to use what" rows from this demo's
            /// figures (data; xtask orders them).
            pub mod advice;
            /// The report's charts of this demo's figures (data; xtask
            /// draws them).
            pub mod charts;
            /// The demo contract (CLI, records, measuring), shared by every
            /// demo binary: the demo's side, not this library's API.
            #[path = "../../contract/mod.rs"]
            pub mod contract;
            $($(#[$meta])* $vis mod $name;)*
        }
    };
    (@each $($(#[$meta:meta])* $vis:vis mod $name:ident;)*) => {
        $(
            $(#[$meta])*
            #[cfg(feature = "demo")]
            #[doc(hidden)]
            $vis mod $name;
        )*
    };
}
