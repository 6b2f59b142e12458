"""A foreign (non-Rust) child: answers JSON-lines requests on stdin, one JSON line each on stdout.

Request:  {"id": 7, "op": "square", "x": 12}   -> {"id": 7, "result": 144}
          {"id": 8, "op": "upper", "s": "abc"}  -> {"id": 8, "result": "ABC"}
          {"id": 9, "op": "sum", "xs": [1, 2]}  -> {"id": 9, "result": 3}
Anything else gets {"id": ..., "error": "..."}. Exits at end of input.
"""

import json
import sys

OPS = {
    "square": lambda r: r["x"] * r["x"],
    "upper": lambda r: r["s"].upper(),
    "sum": lambda r: sum(r["xs"]),
}


def main():
    for line in sys.stdin:
        try:
            req = json.loads(line)
            reply = {"id": req.get("id"), "result": OPS[req["op"]](req)}
        except Exception as e:  # a bad request gets an answer, not a crash
            reply = {"id": None, "error": repr(e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
