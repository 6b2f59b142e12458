"""CPython side by side: multiprocessing.Pipe round trip and throughput.

Prints one JSON object per measurement on stdout:
  {"kind": "rtt", "round_trips": N, "median_s": ..., "min_s": ..., "max_s": ..., ...}
  {"kind": "throughput", "size": S, "count": M, "median_bytes_per_s": ..., ...}
Times are per round trip (rtt) or per batch (throughput); median of --repeats
runs after one warm-up. Pipe() is the default duplex Connection (a Unix
socketpair on Linux), as a user would write it; objects go through pickle.
--cpus P,C pins the parent to CPU P and the child to CPU C (Linux), the
placement the Rust side uses, so the comparison is like for like; likewise
--spin-us makes both ends busy-poll before each blocking recv, as the Rust
side's spinning receivers do.
"""

import argparse
import json
import multiprocessing as mp
import os
import select
import statistics
import sys
import time


def pin(cpu):
    """Pins the calling process to one CPU (no-op for None or without sched_setaffinity)."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def spinner(conn, spin_s):
    """A function that busy-polls conn for up to spin_s seconds, yielding the
    CPU between looks, before the caller's blocking recv (as the Rust side's
    readable::spin_until_readable does); a no-op for 0."""
    if not spin_s:
        return lambda: None
    p = select.poll()  # registered once: the cheapest look Python offers
    p.register(conn.fileno(), select.POLLIN)
    clock, look, yield_cpu = time.perf_counter, p.poll, os.sched_yield

    def spin():
        end = clock() + spin_s
        while not look(0) and clock() < end:
            yield_cpu()

    return spin


def echo(conn, other_end, cpu=None, spin_s=0.0):
    """Answers every int with int + 1 until the parent closes its end."""
    pin(cpu)
    other_end.close()  # a forked child inherits it: keep only our end, or EOF never comes
    spin = spinner(conn, spin_s)
    try:
        while True:
            spin()
            conn.send(conn.recv() + 1)
    except EOFError:
        pass


def sink(conn, other_end):
    """Counts bytes; an empty message ends a batch and is answered with the total."""
    other_end.close()
    total = 0
    try:
        while True:
            b = conn.recv_bytes()
            if b:
                total += len(b)
            else:
                conn.send(total)
                total = 0
    except EOFError:
        pass


def summary(samples):
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "max_s": max(samples),
        "n": len(samples),
    }


def rtt(n, repeats, cpus=None, spin_s=0.0):
    parent, child = mp.Pipe()
    p = mp.Process(target=echo, args=(child, parent, cpus[1] if cpus else None, spin_s))
    p.start()
    pin(cpus[0] if cpus else None)
    child.close()
    spin = spinner(parent, spin_s)
    samples = []
    for run in range(repeats + 1):  # run 0 is the warm-up
        t = time.perf_counter()
        for i in range(n):
            parent.send(i)
            spin()
            if parent.recv() != i + 1:
                raise SystemExit("echo child answered wrong")
        if run:
            samples.append((time.perf_counter() - t) / n)
    parent.close()
    p.join(10)
    if p.is_alive():
        p.kill()
        p.join()
    out = {"kind": "rtt", "round_trips": n, "spin_us": spin_s * 1e6}
    out.update(summary(samples))
    print(json.dumps(out), flush=True)


def throughput(sizes, volume, repeats):
    parent, child = mp.Pipe()
    p = mp.Process(target=sink, args=(child, parent))
    p.start()
    child.close()
    for size in sizes:
        count = max(1, volume // size)
        data = bytes(i % 253 for i in range(size))
        samples = []
        for run in range(repeats + 1):
            t = time.perf_counter()
            for _ in range(count):
                parent.send_bytes(data)
            parent.send_bytes(b"")
            if parent.recv() != size * count:
                raise SystemExit("sink child lost bytes")
            if run:
                samples.append(time.perf_counter() - t)
        out = {"kind": "throughput", "size": size, "count": count}
        out.update(summary(samples))
        out["median_bytes_per_s"] = size * count / out["median_s"]
        print(json.dumps(out), flush=True)
    parent.close()
    p.join(10)
    if p.is_alive():
        p.kill()
        p.join()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["rtt", "throughput", "all"], default="all")
    ap.add_argument("--round-trips", type=int, default=20000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--sizes", default="1048576")
    ap.add_argument("--volume", type=int, default=32 << 20)
    ap.add_argument("--cpus", default=None, help="P,C: pin parent to CPU P, child to CPU C (rtt)")
    ap.add_argument("--spin-us", type=float, default=0.0,
                    help="rtt: both ends busy-poll this long before each blocking recv")
    a = ap.parse_args()
    cpus = tuple(int(c) for c in a.cpus.split(",")) if a.cpus else None
    print(json.dumps({"kind": "info", "start_method": mp.get_start_method(),
                      "version": sys.version.split()[0]}), flush=True)
    if a.mode in ("rtt", "all"):
        rtt(a.round_trips, a.repeats, cpus, a.spin_us / 1e6)
    if a.mode in ("throughput", "all"):
        throughput([int(s) for s in a.sizes.split(",")], a.volume, a.repeats)


if __name__ == "__main__":
    main()
