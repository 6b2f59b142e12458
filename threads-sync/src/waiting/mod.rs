//! How the primitives block, written once on top of the
//! [`primitive`](crate::primitive) facade, so that loom checks the same
//! code that ships: locking an internal mutex without caring about
//! poisoning, waiting on a condition variable until a [`Deadline`]
//! (counted in a waiter field or not), and the short back-off a blocked
//! caller tries before it sleeps.

mod backoff;
mod deadline;
mod unpoisoned;

pub(crate) use backoff::{BACKOFF_ROUNDS, backoff};
pub(crate) use deadline::{Deadline, Patience};
pub(crate) use unpoisoned::lock;
