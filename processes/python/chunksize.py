"""chunksize, CPython side: Pool.map over tiny tasks, wall time per task.

usage: chunksize.py TASKS WORKERS CHUNKSIZE...  -> one JSON line per chunksize
"""
import json
import sys
import time
from multiprocessing import Pool


def tiny(x):
    return x * 2


def main():
    n, workers = int(sys.argv[1]), int(sys.argv[2])
    sizes = [int(c) for c in sys.argv[3:]]
    want = sum(2 * x for x in range(n))
    with Pool(workers) as pool:
        pool.map(tiny, range(workers * 10))  # warm: workers started
        for c in sizes:
            t = time.perf_counter()
            got = sum(pool.map(tiny, range(n), chunksize=c))
            dt = time.perf_counter() - t
            assert got == want, (got, want)
            print(json.dumps({"chunksize": c, "per_task_s": dt / n, "tasks": n}))


if __name__ == "__main__":
    main()
