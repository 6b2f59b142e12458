"""Idle waiters by the thousand: threading.Thread or asyncio tasks.

Usage: tasks_vs_threads.py threads|asyncio BATCH BUDGET_MIB CAP TIMEOUT_S

Starts waiters BATCH at a time until CAP are parked, resident memory grew
by BUDGET_MIB, the interpreter refuses one more, or TIMEOUT_S passed; reads
VmRSS with all of them parked; releases and joins them. Prints one JSON
line: {"parked": k, "start_s": s, "rss_delta": bytes, "stop": "..."}.
Standard library only.
"""

import asyncio
import json
import sys
import threading
import time


def kib_field(path, name):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss():
    return kib_field("/proc/self/status", "VmRSS:")


def kernel_stacks():
    """Every thread's kernel stack on the machine: in no process's RSS."""
    return kib_field("/proc/meminfo", "KernelStack:")


def result(parked, start_s, before, stop):
    return {
        "parked": parked,
        "start_s": start_s,
        "rss_delta": max(0, rss() - before[0]),
        "kernel_delta": max(0, kernel_stacks() - before[1]),
        "stop": stop,
    }


def limit(started, cap, deadline):
    """Why no further batch starts (the cap or the time limit), or None."""
    if started >= cap:
        return "cap reached"
    if time.monotonic() >= deadline:
        return "time limit"
    return None


def threads(batch, budget, cap, timeout):
    release = threading.Event()
    parked = []  # list.append is atomic under the GIL
    handles = []
    before = (rss(), kernel_stacks())
    deadline = time.monotonic() + timeout
    start = time.perf_counter()
    stop = None

    def waiter():
        parked.append(1)
        release.wait(timeout)

    while stop is None:
        stop = limit(len(handles), cap, deadline)
        if stop is not None:
            break
        for _ in range(min(batch, cap - len(handles))):
            t = threading.Thread(target=waiter, daemon=True)
            try:
                t.start()
            except RuntimeError as e:  # can't start new thread
                stop = "refused: %s" % e
                break
            handles.append(t)
        while len(parked) < len(handles) and time.monotonic() < deadline:
            time.sleep(0.0005)
        if stop is None and rss() - before[0] >= budget:
            stop = "budget spent"
    start_s = time.perf_counter() - start
    out = result(len(parked), start_s, before, stop)
    release.set()
    for t in handles:
        t.join(timeout)
    return out


async def tasks(batch, budget, cap, timeout):
    release = asyncio.Event()
    parked = [0]
    handles = []
    before = (rss(), kernel_stacks())
    deadline = time.monotonic() + timeout
    start = time.perf_counter()
    stop = None

    async def waiter():
        # No timer per waiter (a second allocation each): the wait for the
        # whole group below is bounded.
        parked[0] += 1
        await release.wait()

    while stop is None:
        stop = limit(len(handles), cap, deadline)
        if stop is not None:
            break
        for _ in range(min(batch, cap - len(handles))):
            handles.append(asyncio.ensure_future(waiter()))
        while parked[0] < len(handles) and time.monotonic() < deadline:
            await asyncio.sleep(0)
        if rss() - before[0] >= budget:
            stop = "budget spent"
    start_s = time.perf_counter() - start
    out = result(parked[0], start_s, before, stop)
    release.set()
    await asyncio.wait_for(asyncio.gather(*handles), timeout)
    return out


def main():
    kind, batch, budget_mib, cap, timeout = sys.argv[1:6]
    batch, cap, timeout = int(batch), int(cap), float(timeout)
    budget = int(budget_mib) << 20
    if kind == "threads":
        out = threads(batch, budget, cap, timeout)
    elif kind == "asyncio":
        out = asyncio.run(tasks(batch, budget, cap, timeout))
    else:
        sys.exit("unknown kind %r" % kind)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
