"""CPython's own loop speed: a countdown of N, timed, and the number of
bytecode instructions one iteration executes (read with `dis`).
Usage: loop_speed.py N
"""
import dis
import json
import sys
import time


def countdown(n):
    while n > 0:
        n -= 1


def instrs_per_iteration():
    ins = list(dis.get_instructions(countdown))
    for i in ins:
        if "JUMP" in i.opname and i.argval is not None and i.argval <= i.offset:
            body = [j for j in ins if i.argval <= j.offset <= i.offset]
            return len(body)
    return 0


def main():
    n = int(sys.argv[1])
    countdown(n // 10)
    t0 = time.perf_counter()
    countdown(n)
    dt = time.perf_counter() - t0
    per = instrs_per_iteration()
    print(json.dumps({"seconds": dt, "iters_per_s": n / dt, "instrs_per_iter": per,
                      "instrs_per_s": n * per / dt}))


main()
