//! Why a program does not build ([`BuildError`]): what
//! [`ProgramBuilder::build`](super::ProgramBuilder::build) refuses.

/// Why a program does not build.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BuildError {
    /// A label of another function was bound or jumped to in this one.
    #[error("{func}: label {label} belongs to another function")]
    ForeignLabel {
        /// The function that used it.
        func: String,
        /// The label's number in its own function.
        label: usize,
    },
    /// A label was used but never bound.
    #[error("{func}: label {label} is never bound")]
    Unbound {
        /// The function.
        func: String,
        /// The label's number.
        label: usize,
    },
    /// A forward jump goes back, or a backward jump goes forward.
    #[error("{func}: {op} at {at} jumps the wrong way (to {target})")]
    WrongDirection {
        /// The function.
        func: String,
        /// The opcode.
        op: &'static str,
        /// Where the jump is.
        at: usize,
        /// Where it goes.
        target: usize,
    },
    /// A call passes the wrong number of arguments.
    #[error("{func}: calls {callee} with {nargs} arguments, it takes {params}")]
    Arity {
        /// The caller.
        func: String,
        /// The callee.
        callee: String,
        /// Arguments passed.
        nargs: u16,
        /// Parameters taken.
        params: u16,
    },
    /// An operand names a local, global, lock, function or target that does not exist.
    #[error("{func}: {op} at {at} refers to something that does not exist")]
    BadOperand {
        /// The function.
        func: String,
        /// The opcode.
        op: &'static str,
        /// Where it is.
        at: usize,
    },
    /// A function does not end with `RETURN_VALUE`.
    #[error("{0}: the last instruction must be RETURN_VALUE")]
    NoReturn(String),
}
