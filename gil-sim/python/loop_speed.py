"""CPython's own loop speed: a countdown of N, timed, and the number of
bytecode instructions one iteration executes (read with `dis`).
Usage: loop_speed.py N
"""
import dis
import json
import sys
import time

# Python 2.7 has no perf_counter.
timer = getattr(time, "perf_counter", time.time)


def countdown(n):
    while n > 0:
        n -= 1


def instructions(f):
    """(offset, opname, jump target or None) for each instruction of f."""
    if hasattr(dis, "get_instructions"):
        return [(i.offset, i.opname, i.argval if "JUMP" in i.opname else None)
                for i in dis.get_instructions(f)]
    code = bytearray(f.__code__.co_code)  # Python 2: 1 byte, +2 with an argument
    out, i = [], 0
    while i < len(code):
        op = code[i]
        name = dis.opname[op]
        arg = code[i + 1] + 256 * code[i + 2] if op >= dis.HAVE_ARGUMENT else None
        target = None
        if op in dis.hasjabs:
            target = arg
        elif op in dis.hasjrel:
            target = i + 3 + arg
        out.append((i, name, target))
        i += 3 if op >= dis.HAVE_ARGUMENT else 1
    return out


def instrs_per_iteration():
    ins = instructions(countdown)
    for offset, name, target in ins:
        if "JUMP" in name and target is not None and target <= offset:
            # The loop: from the backward jump's target to the jump itself.
            return len([o for o, _, _ in ins if target <= o <= offset])
    return 0


def main():
    n = int(sys.argv[1])
    countdown(n // 10)
    t0 = timer()
    countdown(n)
    dt = timer() - t0
    per = instrs_per_iteration()
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(json.dumps({"seconds": dt, "iters_per_s": n / dt, "instrs_per_iter": per, "gil_enabled": gil,
                      "instrs_per_s": n * per / dt}))


main()
