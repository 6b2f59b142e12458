"""CPU-bound countdown: N iterations sequentially vs split over T threads.

Prints one JSON line: {"seq_s": .., "threaded_s": .., "ratio": threaded/seq}.
Usage: cpu_bound.py N THREADS REPEATS
"""
import json
import sys
import threading
import time

# Python 2.7 has no perf_counter.
timer = getattr(time, "perf_counter", time.time)


def countdown(n):
    while n > 0:
        n -= 1


def timed(f):
    t0 = timer()
    f()
    return timer() - t0


def threaded(n, t):
    ths = [threading.Thread(target=countdown, args=(n // t,)) for _ in range(t)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()


def median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def main():
    n, t, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    timed(lambda: countdown(n // 10))  # warm-up
    seq, par = [], []
    for _ in range(reps):  # interleaved, as the simulator measures
        seq.append(timed(lambda: countdown(n)))
        par.append(timed(lambda: threaded(n, t)))
    s, p = median(seq), median(par)
    print(json.dumps({"seq_s": s, "threaded_s": p, "ratio": p / s}))


main()
