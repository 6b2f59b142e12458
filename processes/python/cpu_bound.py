"""cpu-bound, CPython side: the same prime counting sequentially, with
threads (the GIL serialises them) and with multiprocessing.Pool.

usage: cpu_bound.py TASKS SPAN WORKERS BASE [ROUNDS]  -> one JSON line

Warm-up first: CPython 3.11+ specialises its bytecode as it runs, so a
first sequential pass timed cold runs slower than everything after it, and
threads would look faster than sequential under the GIL. Then ROUNDS
rounds (default 3) of sequential, threads and pool, interleaved; the
medians are printed.
"""
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool


def count_primes(span):
    lo, hi = span
    n = 0
    for x in range(lo, hi):
        if x < 2:
            continue
        d = 2
        while d * d <= x:
            if x % d == 0:
                break
            d += 1
        else:
            n += 1
    return n


def timed(f):
    t = time.perf_counter()
    got = f()
    return time.perf_counter() - t, got


def main():
    tasks, span, workers, base = (int(a) for a in sys.argv[1:5])
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    spans = [(base + i * span, base + (i + 1) * span) for i in range(tasks)]
    sum(map(count_primes, spans[:workers]))  # warm-up, untimed
    times = {"seq_s": [], "threads_s": [], "pool_s": []}
    with ThreadPoolExecutor(workers) as ex, Pool(workers) as pool:
        pool.map(count_primes, spans[:workers])  # warm: workers started
        for _ in range(rounds):
            seq, want = timed(lambda: sum(map(count_primes, spans)))
            thr, got_t = timed(lambda: sum(ex.map(count_primes, spans)))
            prc, got_p = timed(lambda: sum(pool.map(count_primes, spans)))
            assert want == got_t == got_p, (want, got_t, got_p)
            for k, v in zip(times, (seq, thr, prc)):
                times[k].append(v)
    out = {k: statistics.median(v) for k, v in times.items()}
    out.update(primes=want, rounds=rounds)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
