"""start-cost, CPython side: start + join of a thread, a fork Process and a
spawn Process running a no-op.

usage: start_cost.py N  -> one JSON line (seconds per start)
"""
import json
import multiprocessing as mp
import sys
import threading
import time


def noop():
    pass


def per(n, start):
    t = time.perf_counter()
    for _ in range(n):
        start()
    return (time.perf_counter() - t) / n


def main():
    n = int(sys.argv[1])

    def thread():
        t = threading.Thread(target=noop)
        t.start()
        t.join()

    def proc(ctx):
        def go():
            p = ctx.Process(target=noop)
            p.start()
            p.join()
            assert p.exitcode == 0
        return go

    fork, spawn = proc(mp.get_context("fork")), proc(mp.get_context("spawn"))
    for f in (thread, fork, spawn):  # warm-up
        f()
    print(json.dumps({"thread_s": per(n * 10, thread), "fork_s": per(n, fork), "spawn_s": per(n, spawn)}))


if __name__ == "__main__":
    main()
