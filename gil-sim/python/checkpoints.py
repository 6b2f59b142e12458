"""Where CPython's eval-breaker checks land, one thread alone: a timer
signal sets the eval breaker at random moments, as a waiting thread's drop
request does, and Python runs the handler at the next check point, where a
GIL switch would happen. The handler notes whether that check point is
inside `counter`'s read-modify-write in race.py's workers (after the
LOAD_GLOBAL of counter and before its STORE_GLOBAL, or in a function called
in between). Prints, per variant, the share of checks inside and how many
were sampled. Python 3 only (2.7 switches by ticks, not by time).
Usage: checkpoints.py N SAMPLE_INTERVAL_S   (race.py N ... SAMPLE_N measures
the same shares in the process that then races, which is what
compare-cpython uses: the time split moves by a few points from process to
process with the code's layout)
"""
import dis
import json
import signal
import sys


def window(code):
    """Offsets of the LOAD_GLOBAL and the STORE_GLOBAL of counter."""
    ops = [(i.opname, i.argval, i.offset) for i in dis.get_instructions(code)]
    load = min(o for name, arg, o in ops if name == "LOAD_GLOBAL" and arg == "counter")
    store = min(o for name, arg, o in ops if name == "STORE_GLOBAL" and arg == "counter")
    return load, store


def share(target, n, interval):
    code = target.__code__
    load, store = window(code)
    seen = {"inside": 0, "all": 0}

    def handler(signum, frame):
        seen["all"] += 1
        # In the worker, f_lasti is the instruction last run (3.9: the check
        # comes before the next one) or running (3.10+: the backward jump
        # checks as it runs); any other frame is the function it called.
        if frame.f_code is not code or load <= frame.f_lasti < store:
            seen["inside"] += 1

    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, interval, interval)
    try:
        target(n)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
    return seen


def main():
    from race import plain, with_call

    n, interval = int(sys.argv[1]), float(sys.argv[2])
    out = {}
    for name, target in (("plain", plain), ("with_call", with_call)):
        seen = share(target, n, interval)
        out[name] = seen["inside"] / max(seen["all"], 1)
        out[name + "_samples"] = seen["all"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
