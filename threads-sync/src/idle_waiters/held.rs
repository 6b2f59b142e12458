//! What a run of waiters reports: how many were parked at once, what they
//! added to memory, and why starting them ended.

/// Why a growing run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Resident memory grew past the budget.
    Budget,
    /// It reached the most waiters it was allowed to start.
    Cap,
    /// The OS refused one more (`ulimit -u`, memory): its error.
    Refused(String),
    /// The time limit passed.
    Time,
}

/// One run: how many waiters were parked at once, how long starting them
/// took, and how much resident memory they added together.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// Waiters parked at the moment memory was read.
    pub parked: usize,
    /// Seconds from the first start to the last one parked.
    pub start_secs: f64,
    /// Resident memory then, less before the first one started.
    pub rss_delta: u64,
    /// The machine's kernel stacks then, less before: a thread's kernel
    /// stack is in no process's resident memory.
    pub kernel_delta: u64,
    /// Why starting ended (after `n` of them: [`Stop::Cap`]).
    pub stop: Stop,
}

impl Held {
    /// Resident bytes per parked waiter.
    pub fn resident_each(&self) -> f64 {
        self.rss_delta as f64 / self.parked.max(1) as f64
    }

    /// Kernel stack bytes per parked waiter.
    pub fn kernel_each(&self) -> f64 {
        self.kernel_delta as f64 / self.parked.max(1) as f64
    }

    /// All the memory one waiter costs: resident plus kernel stack.
    pub fn bytes_each(&self) -> f64 {
        self.resident_each() + self.kernel_each()
    }
}
