"""CPython's threading.Lock and queue.Queue doing the same work as the Rust
`cost` experiment of threads-sync; prints one JSON object on stdout.

usage: cost.py LOCK_ITERS ITEMS PRODUCERS CONSUMERS CAPACITY
"""
import json
import queue
import sys
import threading
import time


def lock_ns(n):
    lock = threading.Lock()
    counter = 0
    t = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        counter += 1
        lock.release()
    dt = time.perf_counter() - t
    assert counter == n
    return dt * 1e9 / n


def transfer(items, producers, consumers, capacity):
    """Items per second through a queue.Queue, exact shares, sum checked."""
    items = items // (producers * consumers) * (producers * consumers)
    q = queue.Queue(capacity)
    sums = []

    def produce(k):
        for x in range(k, items, producers):
            q.put(x, timeout=20)  # timed, as on the Rust side

    def consume():
        s = 0
        for _ in range(items // consumers):
            s += q.get(timeout=20)
        sums.append(s)

    threads = [threading.Thread(target=produce, args=(k,)) for k in range(producers)]
    threads += [threading.Thread(target=consume) for _ in range(consumers)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    dt = time.perf_counter() - t
    assert sum(sums) == items * (items - 1) // 2, "wrong sum"
    return items / dt


def main():
    lock_iters, items, producers, consumers, capacity = map(int, sys.argv[1:6])
    out = {
        "lock_ns": lock_ns(lock_iters),
        "spsc_items_per_s": transfer(items, 1, 1, capacity),
        "mpmc_items_per_s": transfer(items, producers, consumers, capacity),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
