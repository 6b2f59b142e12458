"""cpu-bound, CPython side: the same prime counting sequentially, with
threads (the GIL serialises them) and with multiprocessing.Pool.

usage: cpu_bound.py TASKS SPAN WORKERS BASE  -> one JSON line
"""
import json
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


def main():
    tasks, span, workers, base = (int(a) for a in sys.argv[1:5])
    spans = [(base + i * span, base + (i + 1) * span) for i in range(tasks)]
    t = time.perf_counter()
    want = sum(map(count_primes, spans))
    seq = time.perf_counter() - t
    with ThreadPoolExecutor(workers) as ex:
        t = time.perf_counter()
        got_t = sum(ex.map(count_primes, spans))
        thr = time.perf_counter() - t
    with Pool(workers) as pool:
        pool.map(count_primes, spans[:workers])  # warm: workers started
        t = time.perf_counter()
        got_p = sum(pool.map(count_primes, spans))
        prc = time.perf_counter() - t
    assert want == got_t == got_p, (want, got_t, got_p)
    print(json.dumps({"seq_s": seq, "threads_s": thr, "pool_s": prc, "primes": want}))


if __name__ == "__main__":
    main()
