"""Lost updates: two threads each do `counter += 1` N times on a global,
plainly, with a function call between the load and the store, and under a
threading.Lock. Prints the final counts, the expected one, and each race's
wall time in seconds (the simulator races for the same time, not the same
count: its loop is faster than CPython's, its calls far cheaper).
Usage: race.py N SWITCH_INTERVAL_S [LOCKED_N [SAMPLE_N]]   (the interval is
ignored by Python 2; LOCKED_N, default N, sizes the slower locked race; with
SAMPLE_N, Python 3 first measures, in this process and one thread alone, the
share of eval-breaker checks inside each variant's read-modify-write, as
checkpoints.py does: "plain_share", "with_call_share")
"""
import json
import sys
import threading
import time

clock = getattr(time, "perf_counter", time.time)  # Python 2 has no perf_counter

counter = 0
lock = threading.Lock()


def one():
    return 1


def plain(n):
    global counter
    while n > 0:
        counter += 1
        n -= 1


def with_call(n):
    global counter
    while n > 0:
        counter = counter + one()
        n -= 1


def locked(n):
    global counter
    while n > 0:
        with lock:
            counter += 1
        n -= 1


def race(target, n):
    global counter
    counter = 0
    ths = [threading.Thread(target=target, args=(n,)) for _ in range(2)]
    t0 = clock()
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return counter, clock() - t0


def main():
    n = int(sys.argv[1])
    if hasattr(sys, "setswitchinterval"):
        sys.setswitchinterval(float(sys.argv[2]))
    locked_n = int(sys.argv[3]) if len(sys.argv) > 3 else n
    out = {"expected": 2 * n, "locked_expected": 2 * locked_n}
    if len(sys.argv) > 4 and sys.version_info[0] >= 3:
        from checkpoints import share

        for name, target in (("plain", plain), ("with_call", with_call)):
            seen = share(target, int(sys.argv[4]), 0.0001)
            out[name + "_share"] = seen["inside"] / max(seen["all"], 1)
    for name, target, k in (("plain", plain, n), ("with_call", with_call, n), ("locked", locked, locked_n)):
        out[name], out[name + "_s"] = race(target, k)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
