"""memory, CPython side: RSS and PSS of idle multiprocessing workers (fork
and spawn) read from /proc/<pid>/smaps_rollup, and a thread's growth.

usage: memory.py K [THREADS]  -> one JSON line per kind
"""
import json
import multiprocessing as mp
import sys
import threading
import time


def rollup(pid):
    m = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:"):
                m[parts[0][:-1].lower()] = int(parts[1])
    return m


def noop(x):
    return x


def pool_workers(kind, k):
    with mp.get_context(kind).Pool(k) as pool:
        pool.map(noop, range(k * 4))
        time.sleep(0.05)
        ms = [rollup(p.pid) for p in pool._pool]
    return {
        "kind": kind,
        "rss_kib": sum(m["rss"] for m in ms) / k,
        "pss_kib": sum(m["pss"] for m in ms) / k,
    }


def threads(k):
    before = rollup("self")
    stop = threading.Event()
    ts = [threading.Thread(target=stop.wait) for _ in range(k)]
    for t in ts:
        t.start()
    time.sleep(0.05)
    after = rollup("self")
    stop.set()
    for t in ts:
        t.join()
    return {
        "kind": "thread",
        "rss_kib": max(0, after["rss"] - before["rss"]) / k,
        "pss_kib": max(0, after["pss"] - before["pss"]) / k,
    }


def main():
    k = int(sys.argv[1])
    t = int(sys.argv[2]) if len(sys.argv) > 2 else k
    for row in (threads(t), pool_workers("fork", k), pool_workers("spawn", k)):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
