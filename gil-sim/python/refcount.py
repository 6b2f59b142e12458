"""One thread running loops whose work is mostly reference counting, timed:
best of three runs of each.

Run it with a free-threaded build (python3.13t), with the GIL build of the
same version, and with a GIL build whose counts are all atomic (see
build_atomic_cpython.sh) to see what each way of counting costs one thread.

Usage: refcount.py N
Prints one JSON line: {"seconds": {loop: best seconds}, "gil_enabled": bool}
"""
import json
import sys
import time

timer = getattr(time, "perf_counter", time.time)


class Obj(object):
    pass


def load_store(n, obj):
    # LOAD_FAST obj (count up), STORE_FAST x (the old x's count down): the
    # simulator's refcount workload.
    while n > 0:
        x = obj  # noqa: F841 (the load and the store are the point)
        n -= 1


def calls(n, obj):
    # A call counts the function and its arguments up and down again.
    def f(a, b):
        return a

    while n > 0:
        f(obj, obj)
        n -= 1


def attributes(n, obj):
    # Each attribute load counts the attribute's value up; the store of y
    # counts the previous one down.
    obj.a = Obj()
    while n > 0:
        y = obj.a  # noqa: F841
        y = obj.a  # noqa: F841
        n -= 1


LOOPS = [("load_store", load_store), ("calls", calls), ("attributes", attributes)]


def best_of_three(loop, n, obj):
    loop(n // 10, obj)
    best = None
    for _ in range(3):
        t0 = timer()
        loop(n, obj)
        dt = timer() - t0
        best = dt if best is None else min(best, dt)
    return best


def main():
    n = int(sys.argv[1])
    obj = Obj()
    seconds = dict((name, best_of_three(loop, n, obj)) for name, loop in LOOPS)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(json.dumps({"seconds": seconds, "gil_enabled": gil}))


main()
