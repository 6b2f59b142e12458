"""I/O-bound: T threads each doing K blocking sleeps of D seconds, vs the same
calls one after another. Prints {"seq_s", "threaded_s", "speedup"}.
Usage: io_bound.py THREADS CALLS SLEEP_S REPEATS
"""
import json
import sys
import threading
import time

# Python 2.7 has no perf_counter.
timer = getattr(time, "perf_counter", time.time)


def worker(k, d):
    for _ in range(k):
        time.sleep(d)


def timed(f):
    t0 = timer()
    f()
    return timer() - t0


def threaded(t, k, d):
    ths = [threading.Thread(target=worker, args=(k, d)) for _ in range(t)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()


def sequential(t, k, d):
    for _ in range(t):
        worker(k, d)


def median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def main():
    t, k, d, reps = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    seq, par = [], []
    for _ in range(reps):
        seq.append(timed(lambda: sequential(t, k, d)))
        par.append(timed(lambda: threaded(t, k, d)))
    s, p = median(seq), median(par)
    print(json.dumps({"seq_s": s, "threaded_s": p, "speedup": s / p}))


main()
