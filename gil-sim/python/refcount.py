"""One thread loading an object and dropping the reference N times (its
reference count up and down each time), timed: best of three runs.
Run with a free-threaded build (python3.13t) and its GIL build to see what
PEP 703's reference counting costs one thread.
Usage: refcount.py N
"""
import json
import sys
import time

timer = getattr(time, "perf_counter", time.time)


class Obj(object):
    pass


def loop(n, obj):
    while n > 0:
        x = obj  # noqa: F841 (the load and the store are the point)
        n -= 1


def main():
    n = int(sys.argv[1])
    obj = Obj()
    loop(n // 10, obj)
    best = None
    for _ in range(3):
        t0 = timer()
        loop(n, obj)
        dt = timer() - t0
        best = dt if best is None else min(best, dt)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(json.dumps({"seconds": best, "gil_enabled": gil}))


main()
