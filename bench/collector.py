"""Benchmark of the collector: single-event requests per second with their latency, and events per
second through ``/v1/batch``, each answer given only after the commit that holds the events.

Usage::

    python bench/collector.py                       # both scenarios, a table
    python bench/collector.py --only single --json  # one scenario, JSON
    python bench/collector.py --busy-thread         # with another thread busy in the same process
    python bench/collector.py --workspace DIR       # keep the workspace (default: a temporary one)

The collector runs in this process, as ``journey-studio collect`` runs it: a fresh SQLite workspace
in WAL mode with synchronous commits (a 200 means the commit's log write was synced). The load
comes from ``--clients`` separate processes, each holding ``--connections`` keep-alive HTTP/1.1
connections (``--batch-connections`` for batches) in one asyncio loop. Each connection sends its
next request as soon as the answer to the previous one has arrived (a closed loop: the requests in
flight are the connections). The generator speaks HTTP with pre-built bytes rather than through
``http.client``, and makes its requests before the run (enough for 120,000 events/s; any beyond
are made as they are sent; ``--make-live`` makes every one as it is sent): the load generators run
on the same two CPUs as the collector, and making requests would otherwise take a good part of
them. Requests carry a fresh random ``messageId`` (a version-4 UUID, as the SDKs send) and the time
they were made as ``timestamp`` (seconds before sending, as an SDK's queue would), for customers
drawn from a pool of ``--users`` user ids (the first request of each makes the customer). Every
answer's status is checked; anything but 200 counts as an error.

Each scenario runs ``--warmup`` seconds, then is measured for ``--duration`` seconds: requests
answered per second, events per second, and the latency of each request from writing it to reading
the last byte of its answer (median, 99th percentile, maximum). Also reported: the CPU seconds of
the collector's process and of the load generators over the scenario, and of the collector's two
busy threads (``collector-http`` reads and checks requests, ``collector-writer`` stores them) with
the writer's share per event stored, the collector process's peak resident memory
(``ru_maxrss``), and the events in the workspace afterwards next to the events the collector
counted as committed. ``--busy-thread`` adds a thread that keeps doing Python work in
the collector's process, as the app's live engine or a simulation would.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import multiprocessing
import os
import platform
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SINGLE_TARGET_RPS = 3000
SINGLE_TARGET_P99_MS = 25.0
BATCH_TARGET_EPS = 50_000
BATCH_SIZE = 100


# ----------------------------------------------------------------------------------------------
# The load generator (in child processes)
# ----------------------------------------------------------------------------------------------

def _single_body(user: str, message_id: str, stamp: str) -> bytes:
    return (f'{{"userId":"{user}","event":"Order Completed","messageId":"{message_id}",'
            f'"timestamp":"{stamp}","properties":{{"order_id":"{message_id[-12:]}","total":42.5,'
            f'"currency":"EUR","items":3,"coupon":null}},'
            f'"context":{{"library":{{"name":"bench","version":"1"}}}}}}').encode()


def _batch_body(users: list[str], ids: list[str], stamp: str) -> bytes:
    parts = [f'{{"type":"track","userId":"{u}","event":"Product Viewed","messageId":"{m}",'
             f'"timestamp":"{stamp}","properties":{{"product_id":"p-{m[-6:]}","price":19.9,'
             f'"category":"shoes"}}}}' for u, m in zip(users, ids, strict=True)]
    return ('{"batch":[' + ",".join(parts) + '],"context":{"library":{"name":"bench","version":"1"}}}').encode()


class _Conn(asyncio.Protocol):
    def __init__(self, client: _Client):
        self.client = client
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None
        self.ready = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):  # noqa: ANN001
        self.transport = transport
        self.ready.set_result(None)

    def send(self) -> None:
        self.sent_at = time.perf_counter()
        assert self.transport is not None
        self.transport.write(self.client.next_request())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if len(self.buffer) < end + 4 + length:
            return
        status = int(head[9:12])
        del self.buffer[:end + 4 + length]
        self.client.answered(self, status, time.perf_counter() - self.sent_at)

    def connection_lost(self, exc):  # noqa: ANN001
        self.client.lost += 1


class _Client:
    def __init__(self, host: str, port: int, path: str, key: str, users: int, batch: int, seed: int):
        self.host, self.port, self.path = host, port, path
        self.auth = base64.b64encode(f"{key}:".encode()).decode()
        self.users = [f"bench-user-{i}" for i in range(users)]
        self.batch = batch
        self.rng = random.Random(f"{seed}-{os.getpid()}-{time.time()}")
        self.counter = itertools.count()
        self.measuring = False
        self.stopping = False
        self.latencies: list[float] = []
        self.ok = 0
        self.errors = 0
        self.lost = 0
        self.statuses: dict[int, int] = {}
        #: Requests made before the run (:meth:`make_ahead`), sent first.
        self.made: list[bytes] = []
        self.taken = 0

    def make_ahead(self, count: int) -> None:
        """Make ``count`` requests now, so that making them takes none of the CPU time the
        collector is measured on."""
        self.made = [self.make_request() for _ in range(count)]

    def next_request(self) -> bytes:
        if self.taken < len(self.made):
            request = self.made[self.taken]
            self.made[self.taken] = b""
            self.taken += 1
            return request
        return self.make_request()

    def make_request(self) -> bytes:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if self.batch:
            ids = [self.message_id() for _ in range(self.batch)]
            body = _batch_body([self.rng.choice(self.users) for _ in ids], ids, stamp)
        else:
            body = _single_body(self.rng.choice(self.users), self.message_id(), stamp)
        return (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Authorization: Basic {self.auth}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def message_id(self) -> str:
        """A random version-4 UUID, as the SDKs make them (so the dedup index sees random keys)."""
        next(self.counter)
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def answered(self, conn: _Conn, status: int, seconds: float) -> None:
        if self.measuring:
            self.latencies.append(seconds)
            if status == 200:
                self.ok += 1
            else:
                self.errors += 1
                self.statuses[status] = self.statuses.get(status, 0) + 1
        elif status != 200:
            self.statuses[status] = self.statuses.get(status, 0) + 1
        if not self.stopping:
            conn.send()


async def _drive(args: dict, ready, go, results) -> None:  # noqa: ANN001
    client = _Client(args["host"], args["port"], args["path"], args["key"], args["users"], args["batch"],
                     args["seed"])
    loop = asyncio.get_running_loop()
    conns = []
    for _ in range(args["connections"]):
        _, conn = await loop.create_connection(lambda: _Conn(client), args["host"], args["port"])
        await conn.ready
        conns.append(conn)
    client.make_ahead(args["ahead"])
    cpu_ahead = time.process_time()
    ready.put(os.getpid())
    await loop.run_in_executor(None, go.wait)
    for conn in conns:
        conn.send()
    await asyncio.sleep(args["warmup"])
    client.measuring = True
    began = time.perf_counter()
    await asyncio.sleep(args["duration"])
    client.measuring = False
    elapsed = time.perf_counter() - began
    client.stopping = True
    await asyncio.sleep(0.5)
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    results.put({"latencies": client.latencies, "ok": client.ok, "errors": client.errors, "elapsed": elapsed,
                 "statuses": client.statuses, "cpu_s": time.process_time() - cpu_ahead,
                 "made_ahead": len(client.made), "sent_made_ahead": min(client.taken, len(client.made))})


def _client_main(args: dict, ready, go, results) -> None:  # noqa: ANN001
    asyncio.run(_drive(args, ready, go, results))


# ----------------------------------------------------------------------------------------------
# The collector side (this process)
# ----------------------------------------------------------------------------------------------

def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


_THREADS = ("collector-http", "collector-writer")


def _thread_cpu() -> dict[str, float]:
    """CPU seconds of the collector's threads so far (Linux and macOS; empty elsewhere)."""
    found: dict[str, float] = {}
    for thread in threading.enumerate():
        if thread.name in _THREADS and thread.ident is not None and hasattr(time, "pthread_getcpuclockid"):
            try:
                found[thread.name] = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except OSError:
                pass
    return found


def run_scenario(name: str, collector, key: str, *, clients: int, connections: int, users: int,
                 batch: int, duration: float, warmup: float, live: bool = False) -> dict:
    """Drive one scenario against a running collector; returns its figures."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    path = "/v1/batch" if batch else "/v1/track"
    before = collector.counts()
    cpu_before = time.process_time()
    threads_before = _thread_cpu()
    transactions_before = collector._writer.stats.transactions if collector._writer else 0
    ready, go = ctx.Queue(), ctx.Event()
    # Requests made ahead: enough for 120,000 events/s (batches) or 30,000 requests/s (single
    # events) over the whole scenario; past them, each is made as it is sent.
    ahead = 0 if live else int((120_000 / (batch or 1) if batch else 30_000) * (warmup + duration + 1) / clients)
    procs = []
    for i in range(clients):
        args = {"host": collector.host, "port": collector.port, "path": path, "key": key, "users": users,
                "batch": batch, "seed": i + (1000 if batch else 0), "connections": connections,
                "duration": duration, "warmup": warmup, "ahead": ahead}
        proc = ctx.Process(target=_client_main, args=(args, ready, go, results), daemon=True)
        proc.start()
        procs.append(proc)
    for _ in procs:  # every client connected, its requests made, before the first is sent
        ready.get(timeout=300)
    go.set()
    outs = [results.get(timeout=duration + warmup + 120) for _ in procs]
    for proc in procs:
        proc.join(30)
    after = collector.counts()
    collector_cpu = time.process_time() - cpu_before
    threads_after = _thread_cpu()
    thread_cpu = {name: round(threads_after[name] - threads_before[name], 2)
                  for name in threads_after if name in threads_before}
    latencies = sorted(x for out in outs for x in out["latencies"])
    elapsed = max(out["elapsed"] for out in outs)
    ok = sum(out["ok"] for out in outs)
    errors = sum(out["errors"] for out in outs)
    statuses: dict[str, int] = {}
    for out in outs:
        for status, n in out["statuses"].items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    per_request = batch or 1
    figures = {
        "scenario": name, "path": path, "clients": clients, "connections_per_client": connections,
        "events_per_request": per_request, "users": users, "duration_s": round(elapsed, 2),
        "requests": ok, "errors": errors, "statuses_not_200": statuses,
        "requests_per_s": round(ok / elapsed, 1), "events_per_s": round(ok * per_request / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "stored_during_run": after.committed - before.committed,
        # CPU seconds over the whole scenario (connecting, warm-up, measurement, draining).
        "collector_cpu_s": round(collector_cpu, 2),
        "load_generator_cpu_s": round(sum(out["cpu_s"] for out in outs), 2),
        "thread_cpu_s": thread_cpu,
        "cpu_us_per_event": {name: round(seconds / max(1, after.committed - before.committed) * 1e6, 1)
                             for name, seconds in thread_cpu.items()},
        "requests_made_ahead": sum(out["made_ahead"] for out in outs),
        "requests_sent_made_ahead": sum(out["sent_made_ahead"] for out in outs),
        "transactions": (collector._writer.stats.transactions - transactions_before) if collector._writer else None,
    }
    return figures


def _spin(stop: threading.Event) -> None:
    """Pure Python work that never waits, until ``stop`` is set."""
    n = 0
    while not stop.is_set():
        for i in range(10_000):
            n += i


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("single", "batch"))
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per scenario (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first (default 3)")
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes (default 2)")
    parser.add_argument("--connections", type=int, default=24,
                        help="connections per process for single events (default 24)")
    parser.add_argument("--batch-connections", type=int, default=16,
                        help="connections per process for batches (default 16)")
    parser.add_argument("--users", type=int, default=10_000, help="distinct user ids (default 10,000)")
    parser.add_argument("--workspace", help="workspace folder to use (default: a new temporary one)")
    parser.add_argument("--busy-thread", action="store_true",
                        help="keep one more thread of the collector's process busy with Python work, as a "
                             "live engine or a simulation in the app would")
    parser.add_argument("--make-live", action="store_true",
                        help="make each request as it is sent, instead of making them before the run (the "
                             "load generators then take more of the CPU the collector runs on)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from engine.store.workspace import Workspace
    from engine.track.collector import Collector
    from engine.track.collector_keys import new_key

    with tempfile.TemporaryDirectory(prefix="collector-bench-") as tmp:
        location = args.workspace or tmp
        ws = Workspace.open(location)
        key = new_key()
        collector = Collector(ws, "127.0.0.1", 0, write_keys=[key])
        collector.start()
        busy = threading.Event()
        if args.busy_thread:
            threading.Thread(target=_spin, args=(busy,), name="busy", daemon=True).start()
        report: dict = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform(), "load_average": os.getloadavg()},
            "workspace": "sqlite (WAL, synchronous=FULL)", "busy_thread": args.busy_thread, "scenarios": []}
        try:
            if args.only in (None, "single"):
                report["scenarios"].append(run_scenario(
                    "single", collector, key, clients=args.clients, connections=args.connections,
                    users=args.users, batch=0, duration=args.duration, warmup=args.warmup,
                    live=args.make_live))
            if args.only in (None, "batch"):
                report["scenarios"].append(run_scenario(
                    "batch", collector, key, clients=args.clients, connections=args.batch_connections,
                    users=args.users, batch=BATCH_SIZE, duration=args.duration, warmup=args.warmup,
                    live=args.make_live))
        finally:
            busy.set()
            collector.stop()
            counts = collector.counts()
            from sqlalchemy import func, select

            from engine.store.models import EventRow

            with ws.engine.connect() as conn:
                stored = conn.scalar(select(func.count()).select_from(EventRow))
            ws.close()
        report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        report["events_stored"] = stored
        report["events_committed_counted"] = counts.committed
        report["load_average_after"] = os.getloadavg()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{'scenario':<8} {'req/s':>9} {'events/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for s in report["scenarios"]:
        print(f"{s['scenario']:<8} {s['requests_per_s']:>9,.0f} {s['events_per_s']:>10,.0f} {s['p50_ms']:>8.2f} "
              f"{s['p99_ms']:>8.2f} {s['max_ms']:>8.2f} {s['errors']:>7}")
    for s in report["scenarios"]:
        threads = ", ".join(f"{name} {seconds} s ({s['cpu_us_per_event'][name]} µs per event)"
                            for name, seconds in s["thread_cpu_s"].items())
        print(f"{s['scenario']}: collector process {s['collector_cpu_s']} CPU s ({threads}); load generators "
              f"{s['load_generator_cpu_s']} s during the run ({s['requests_made_ahead']:,} requests made before it, "
              f"{s['requests_sent_made_ahead']:,} of them sent); {s['transactions']} transactions")
    print(f"peak RSS {report['peak_rss_mb']} MB; {report['events_stored']:,} events stored "
          f"({report['events_committed_counted']:,} counted as committed); load average before "
          f"{report['machine']['load_average'][0]:.2f}, after {report['load_average_after'][0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
