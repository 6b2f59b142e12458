//! The part of the demo contract xtask consumes: the record schema, compiled
//! from the same source file as the demos', so producer and consumer agree.

#[path = "../../contract/record.rs"]
pub mod record;
