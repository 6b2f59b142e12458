"""The event loop's convoy in asyncio: time.sleep on the loop vs
run_in_executor.

Usage: blocking_in_async.py BLOCK_MS TICKERS TICK_MS RUNS

Per run, on a fresh event loop: TICKERS tasks each sleep TICK_MS in a loop
and note how late they woke; after BLOCK_MS of quiet one task calls
time.sleep(BLOCK_MS), on the loop or through run_in_executor. Runs
alternate between the two. Prints one JSON line:
{"blocked_worst_s": [...], "offloaded_worst_s": [...]}.
Standard library only.
"""

import asyncio
import json
import sys
import time


async def one(offload, block, tickers, tick):
    loop = asyncio.get_running_loop()
    end = time.monotonic() + 3 * block

    async def ticker():
        worst = 0.0
        while time.monotonic() < end:
            due = time.monotonic() + tick
            await asyncio.sleep(tick)
            worst = max(worst, time.monotonic() - due)
        return worst

    ticks = [asyncio.ensure_future(ticker()) for _ in range(tickers)]
    await asyncio.sleep(block)
    if offload:
        await loop.run_in_executor(None, time.sleep, block)
    else:
        time.sleep(block)  # the mistake, on purpose
    return max(await asyncio.wait_for(asyncio.gather(*ticks), 10 * block + 10))


def main():
    block_ms, tickers, tick_ms, runs = (int(a) for a in sys.argv[1:5])
    block, tick = block_ms / 1000.0, tick_ms / 1000.0
    out = {"blocked_worst_s": [], "offloaded_worst_s": []}
    for _ in range(runs):
        out["blocked_worst_s"].append(asyncio.run(one(False, block, tickers, tick)))
        out["offloaded_worst_s"].append(asyncio.run(one(True, block, tickers, tick)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
