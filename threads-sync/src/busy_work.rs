//! Deterministic busy work: the CPU-bound pieces the experiments' threads
//! and tasks run.

/// Deterministic CPU work of about `rounds` steps whose result the optimiser
/// cannot drop (a xorshift chain).
pub fn busy(seed: u64, rounds: u32) -> u64 {
    let mut x = seed | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}
