// `demo_modules!`: how a demo crate's `lib.rs` declares the modules of its
// demo side (experiments, charts, advice, the contract, their helpers).
// Each is compiled only with the crate's `demo` feature and hidden from
// the library's documentation, which is the reference code's. Every demo
// crate's `lib.rs` includes this file (`include!`), so the rule is written
// once; it is a macro, not a module, and builds without the demo too.

/// Declares each `mod` it is given as a module of the demo side: compiled
/// with the `demo` feature only, and `#[doc(hidden)]`.
macro_rules! demo_modules {
    ($($(#[$meta:meta])* $vis:vis mod $name:ident;)*) => {
        $(
            $(#[$meta])*
            #[cfg(feature = "demo")]
            #[doc(hidden)]
            $vis mod $name;
        )*
    };
}
