"""Lost updates: two threads each do `counter += 1` N times on a global,
plainly, with a function call between the load and the store, and under a
threading.Lock. Prints the final counts and the expected one.
Usage: race.py N SWITCH_INTERVAL_S   (the interval is ignored by Python 2)
"""
import json
import sys
import threading

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
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return counter


def main():
    n = int(sys.argv[1])
    if hasattr(sys, "setswitchinterval"):
        sys.setswitchinterval(float(sys.argv[2]))
    print(json.dumps({
        "expected": 2 * n,
        "plain": race(plain, n),
        "with_call": race(with_call, n),
        "locked": race(locked, n),
    }))


main()
