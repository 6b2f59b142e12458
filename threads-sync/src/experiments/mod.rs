//! The experiments of `threads-sync`, one claim a module, in the order a full run takes them.

use crate::contract::Entry;

pub mod async_cpu_bound;
pub mod barrier;
pub mod blocking_in_async;
pub mod condition;
pub mod cost;
pub mod deadlock;
pub mod dining_philosophers;
pub mod event;
pub mod lock_scope;
pub mod many_slow_connections;
pub mod queue;
pub mod race;
pub mod read_only;
pub mod rlock;
pub mod semaphore;
pub mod tasks_vs_threads;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[
    Entry::of::<race::Race>(),
    Entry::of::<deadlock::Deadlock>(),
    Entry::of::<rlock::RLockExp>(),
    Entry::of::<semaphore::SemaphoreExp>(),
    Entry::of::<event::EventExp>(),
    Entry::of::<condition::ConditionExp>(),
    Entry::of::<barrier::BarrierExp>(),
    Entry::of::<queue::QueueExp>(),
    Entry::of::<dining_philosophers::DiningPhilosophers>(),
    Entry::of::<lock_scope::LockScope>(),
    Entry::of::<read_only::ReadOnly>(),
    Entry::of::<cost::Cost>(),
    Entry::of::<tasks_vs_threads::TasksVsThreads>(),
    Entry::of::<many_slow_connections::ManySlowConnections>(),
    Entry::of::<blocking_in_async::BlockingInAsync>(),
    Entry::of::<async_cpu_bound::AsyncCpuBound>(),
];
