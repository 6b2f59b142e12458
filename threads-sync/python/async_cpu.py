"""CPU-bound work from asyncio: on the loop, in a thread executor, in a
process pool.

Usage: async_cpu.py PIECES ROUNDS RUNS

The same work (PIECES pieces of ROUNDS xorshift rounds) runs sequentially,
as coroutines gathered on one loop, through run_in_executor on a thread pool
and on a warm process pool (started and used once before timing). The ways
alternate for RUNS runs, each round starting with the next way; prints the
best (least) seconds of each as one JSON line: other load only ever slows a
run down.
Standard library only.
"""

import asyncio
import concurrent.futures
import json
import os
import sys
import time

MASK = (1 << 64) - 1


def busy(seed, rounds):
    x = seed | 1
    for _ in range(rounds):
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
    return x


async def piece(seed, rounds):
    return busy(seed, rounds)  # no await inside: holds the loop until done


async def on_loop(pieces, rounds):
    return await asyncio.gather(*(piece(s, rounds) for s in range(pieces)))


async def in_executor(pool, pieces, rounds):
    loop = asyncio.get_running_loop()
    calls = asyncio.gather(*(loop.run_in_executor(pool, busy, s, rounds) for s in range(pieces)))
    return await asyncio.wait_for(calls, LIMIT_S)


LIMIT_S = 60  # no executor call waits longer


def main():
    try:
        run()
    except Exception as e:  # a pool that could not start its workers, ...
        # Exit at once: a broken process pool can hang in its shutdown.
        sys.stderr.write("async_cpu.py: %s: %s\n" % (type(e).__name__, e))
        sys.stderr.flush()
        os._exit(1)


def run():
    pieces, rounds, runs = (int(a) for a in sys.argv[1:4])
    expected = [busy(s, rounds) for s in range(pieces)]
    times = {"sequential_s": [], "asyncio_s": [], "thread_executor_s": [], "process_pool_s": []}
    with concurrent.futures.ThreadPoolExecutor(pieces) as threads, \
            concurrent.futures.ProcessPoolExecutor() as procs:
        list(procs.map(busy, range(pieces), [1] * pieces, timeout=LIMIT_S))  # warm: workers started
        ways = {
            "sequential_s": lambda: [busy(s, rounds) for s in range(pieces)],
            "asyncio_s": lambda: asyncio.run(on_loop(pieces, rounds)),
            "thread_executor_s": lambda: asyncio.run(in_executor(threads, pieces, rounds)),
            "process_pool_s": lambda: asyncio.run(in_executor(procs, pieces, rounds)),
        }
        names = list(ways)
        for r in range(runs):
            # Each round starts with another way: no way always runs right
            # after the process pool (whose workers were busy a moment ago).
            for name in names[r % len(names):] + names[:r % len(names)]:
                way = ways[name]
                start = time.perf_counter()
                got = way()
                times[name].append(time.perf_counter() - start)
                if list(got) != expected:
                    sys.exit("%s computed a different result" % name)
    print(json.dumps({k: min(v) for k, v in times.items()}))


if __name__ == "__main__":
    main()
