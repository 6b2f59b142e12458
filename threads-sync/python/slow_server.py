"""The slow-echo server in CPython, thread per connection or asyncio.

Usage: slow_server.py threads|asyncio DELAY_MS CONNECTIONS TIMEOUT_S

The listening socket is standard input (handed over by the caller, already
listening). Each connection sends one line of at most 64 bytes; the server
waits DELAY_MS (a slow backend: time.sleep in a thread, asyncio.sleep in a
task), sends the line back and closes. After CONNECTIONS connections (or
TIMEOUT_S) it prints one JSON line and exits:
{"answered": a, "failed": f, "base_rss": bytes, "peak_rss": bytes,
"peak_open": most connections open at once}.
Standard library only.
"""

import asyncio
import json
import socket
import sys
import threading
import time

MAX_LINE = 64
BACKLOG = 4096  # as the caller's listen()


def status_kib(name):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(name):
                return int(line.split()[1]) * 1024
    return 0


def rss():
    return status_kib("VmRSS:")


def peak_rss():
    # VmHWM belongs to this program's memory since exec. ru_maxrss would
    # not do: Linux carries it over from the parent across fork and exec,
    # so a large parent would set this peak.
    return status_kib("VmHWM:")


def read_line(conn):
    data = b""
    while b"\n" not in data:
        if len(data) >= MAX_LINE:
            raise ValueError("line too long")
        chunk = conn.recv(MAX_LINE - len(data))
        if not chunk:
            raise EOFError("closed before a newline")
        data += chunk
    return data


class Open:
    """Connections open now (accepted, not yet closed) and the peak."""

    def __init__(self):
        self.now = 0
        self.peak = 0
        self.lock = threading.Lock()

    def opened(self):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def closed(self):
        with self.lock:
            self.now -= 1


def threads(listener, delay, n, deadline, open_):
    counts = {"answered": 0, "failed": 0}
    lock = threading.Lock()

    def handle(conn):
        ok = False
        try:
            conn.settimeout(max(0.001, deadline - time.monotonic()))
            line = read_line(conn)
            time.sleep(delay)
            conn.sendall(line)
            ok = True
        except (OSError, ValueError, EOFError):
            pass
        finally:
            conn.close()
            open_.closed()
            with lock:
                counts["answered" if ok else "failed"] += 1

    handles = []
    accepted = 0
    listener.setblocking(True)
    while accepted < n:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        listener.settimeout(left)
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            break
        accepted += 1
        open_.opened()
        t = threading.Thread(target=handle, args=(conn,))
        try:
            t.start()
        except RuntimeError:
            conn.close()
            open_.closed()
            with lock:
                counts["failed"] += 1
            continue
        handles.append(t)
    for t in handles:
        t.join(max(0.0, deadline - time.monotonic()))
    counts["failed"] += n - accepted  # never came by the deadline
    return counts


async def tasks(listener, delay, n, deadline, open_):
    counts = {"answered": 0, "failed": 0}
    done = asyncio.Event()

    async def handle(reader, writer):
        open_.opened()
        ok = False
        try:
            line = await reader.readuntil(b"\n")
            await asyncio.sleep(delay)
            writer.write(line)
            await writer.drain()
            ok = True
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            open_.closed()
            counts["answered" if ok else "failed"] += 1
            if counts["answered"] + counts["failed"] >= n:
                done.set()

    listener.setblocking(False)
    # start_server listens again, with its own backlog (100 by default):
    # ask for the caller's, or most of a burst of connects is dropped.
    server = await asyncio.start_server(handle, sock=listener, limit=MAX_LINE, backlog=BACKLOG)
    try:
        await asyncio.wait_for(done.wait(), max(0.001, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        pass
    server.close()
    await server.wait_closed()
    counts["failed"] += max(0, n - counts["answered"] - counts["failed"])
    return counts


def main():
    kind, delay_ms, n, timeout = sys.argv[1:5]
    delay, n = float(delay_ms) / 1000.0, int(n)
    deadline = time.monotonic() + float(timeout)
    listener = socket.socket(fileno=0)
    base = rss()
    open_ = Open()
    if kind == "threads":
        counts = threads(listener, delay, n, deadline, open_)
    elif kind == "asyncio":
        counts = asyncio.run(tasks(listener, delay, n, deadline, open_))
    else:
        sys.exit("unknown kind %r" % kind)
    counts.update(base_rss=base, peak_rss=peak_rss(), peak_open=open_.peak)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
