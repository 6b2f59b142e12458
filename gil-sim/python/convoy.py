"""Convoy effect: an I/O thread does CALLS short blocking calls
(time.sleep(BLOCK_S), which releases the GIL while it blocks), alone and
beside CPU_THREADS busy threads. Prints the median latency per call in
seconds (block + taking the GIL back), and the CPU threads' loop iterations
per second.
Usage: convoy.py CALLS CPU_THREADS SWITCH_INTERVAL_S BLOCK_S
"""
import json
import sys
import threading
import time

# Python 2.7 has no perf_counter.
timer = getattr(time, "perf_counter", time.time)

stop = False


def spin(counts, i):
    n = 0
    while not stop:
        n += 1
    counts[i] = n


def io_calls(calls, block):
    lat = []
    for _ in range(calls):
        t0 = timer()
        time.sleep(block)
        lat.append(timer() - t0)
    return lat


def main():
    global stop
    calls, cpu = int(sys.argv[1]), int(sys.argv[2])
    interval, block = float(sys.argv[3]), float(sys.argv[4])
    if hasattr(sys, "setswitchinterval"):  # Python 3.2+; 2.7 has a check interval
        sys.setswitchinterval(interval)
    counts = [0] * cpu
    ths = [threading.Thread(target=spin, args=(counts, i)) for i in range(cpu)]
    for th in ths:
        th.start()
    time.sleep(0.01)
    t0 = timer()
    lat = io_calls(calls, block)
    elapsed = timer() - t0
    stop = True
    for th in ths:
        th.join()
    lat.sort()
    # The median as the Rust side takes it: the mean of the two middle
    # values of an even count (no `statistics` module in Python 2.7).
    mid = len(lat) // 2
    median = lat[mid] if len(lat) % 2 else (lat[mid - 1] + lat[mid]) / 2.0
    print(json.dumps({
        "median_s": median,
        "cpu_iters_per_s": sum(counts) / elapsed if cpu else 0.0,
        "elapsed_s": elapsed,
    }))


main()
