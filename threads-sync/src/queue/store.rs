//! The three orders a queue can hand items out in: FIFO, LIFO, and lowest
//! first (Python's `_put`/`_get` overrides of `Queue`, `LifoQueue` and
//! `PriorityQueue`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Where a queue keeps its items; sealed: [`Fifo`], [`Lifo`] or [`Priority`].
pub trait Store<T>: Default + sealed::Sealed {
    /// Adds an item.
    #[doc(hidden)]
    fn push(&mut self, item: T);
    /// Takes the next item.
    #[doc(hidden)]
    fn pop(&mut self) -> Option<T>;
    /// How many items it holds.
    #[doc(hidden)]
    fn len(&self) -> usize;
    /// Whether it holds no item.
    #[doc(hidden)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for super::Fifo<T> {}
    impl<T> Sealed for super::Lifo<T> {}
    impl<T: Ord> Sealed for super::Priority<T> {}
}

/// First in, first out (Python: `queue.Queue`).
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out (Python: `queue.LifoQueue`).
#[derive(Debug)]
pub struct Lifo<T>(Vec<T>);

/// Lowest item first, like Python's `heapq` (Python: `queue.PriorityQueue`);
/// wrap items in [`std::cmp::Reverse`] for highest first.
#[derive(Debug)]
pub struct Priority<T: Ord>(BinaryHeap<Reverse<T>>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority(BinaryHeap::new())
    }
}

impl<T> Store<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Store<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Store<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(t)| t)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}
