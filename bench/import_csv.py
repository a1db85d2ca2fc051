"""Benchmark of the CSV import: a generated events file imported into a fresh workspace.

Usage::

    python bench/import_csv.py                      # 1,000,000 rows, 100,000 customers, a table
    python bench/import_csv.py --rows 200000 --json
    python bench/import_csv.py --bulk off           # keep the events' indexes up to date row by row
    python bench/import_csv.py --parallel off       # read and convert in the importing process
    python bench/import_csv.py --keep DIR           # keep the file and the workspace in DIR

The file has the columns ``email,event,time,amount,sku``: events of ``--customers`` customers
(e-mail addresses drawn at random), five event names, ISO 8601 UTC times in increasing order (as an
export sorted by time has them), an amount with two decimals and a SKU. It is written in a temporary
folder first, outside the timing.

The import runs in a child process, exactly as ``journey-studio import events FILE`` runs it
(:func:`engine.track.csv_import.import_events` on a SQLite workspace in WAL mode with the
workspace's own ``synchronous`` setting): the time is that of the call, from opening the file
to the return, which comes after the last commit (every row is durable then) and the checkpoint
of the write-ahead log. ``rows/s`` is the rows read divided by that time. The child also reports
its CPU time (user and system, the SQLite sorter threads and the import's own reading process
included) and its peak resident memory (``ru_maxrss``, and the reading process's apart).
``--parallel off`` makes the import read and convert the file in its own process.
Afterwards the number of events stored is checked against the rows of the file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_ROWS_PER_S = 200_000
EVENT_NAMES = ("page_view", "add_to_cart", "order", "signup", "email_open")


def generate(path: Path, rows: int, customers: int, seed: int) -> None:
    """Write the events file (streamed; a few megabytes of memory whatever its size)."""
    rnd = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    seconds = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("email,event,time,amount,sku\n")
        block = []
        for _ in range(rows):
            seconds += rnd.randrange(0, 60)
            stamp = (start + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
            block.append(f"user{rnd.randrange(customers)}@example.com,{EVENT_NAMES[rnd.randrange(5)]},{stamp},"
                         f"{rnd.randrange(100_000) / 100:.2f},SKU-{rnd.randrange(5000):05d}\n")
            if len(block) == 10_000:
                fh.write("".join(block))
                block.clear()
        fh.write("".join(block))


def child(csv_path: str, workspace: str, bulk: str, parallel: str = "auto", exclusive: str = "on") -> dict:
    """Import the file into a new workspace (in this process) and report what it took."""
    from sqlalchemy import text

    from engine.store import Workspace
    from engine.track.csv_import import ImportOptions, import_events

    phases: dict[str, float] = {}
    with Workspace.open(workspace) as ws:
        with ws.engine.connect() as conn:
            synchronous = conn.execute(text("PRAGMA synchronous")).scalar()
            journal = conn.execute(text("PRAGMA journal_mode")).scalar()
        cpu0 = time.process_time()
        reader0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()

        def progress(p) -> None:
            phases.setdefault(p.phase, time.perf_counter() - start)

        choice = {"auto": None, "on": True, "off": False}
        options = ImportOptions(bulk=choice[bulk], parallel=choice[parallel], exclusive=exclusive == "on")
        result = import_events(ws, csv_path, options, progress=progress)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        # The reading process, when the import starts one, has ended (and been waited for) by now.
        reader = resource.getrusage(resource.RUSAGE_CHILDREN)
        reader_cpu = reader.ru_utime + reader.ru_stime - reader0.ru_utime - reader0.ru_stime
        with ws.engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM events")).scalar()
            customers = conn.execute(text("SELECT count(*) FROM customers")).scalar()
    return {"rows": result.rows_read, "imported": result.imported, "skipped": result.skipped,
            "stored_events": stored, "customers": customers, "bulk": result.bulk, "seconds": round(elapsed, 3),
            "rows_per_s": round(result.rows_read / elapsed), "cpu_s": round(cpu + reader_cpu, 2),
            "reader_cpu_s": round(reader_cpu, 2), "parallel": reader_cpu > 0,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "reader_peak_rss_mb": round(reader.ru_maxrss / 1024),
            "phases_s": {k: round(v, 2) for k, v in phases.items()},
            "journal_mode": journal, "bulk_journal": result.journal or journal,
            "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bulk", choices=("auto", "on", "off"), default="auto")
    parser.add_argument("--parallel", choices=("auto", "on", "off"), default="auto",
                        help="read and convert the file in a second process (auto: by size)")
    parser.add_argument("--exclusive", choices=("on", "off"), default="on",
                        help="the import has the workspace to itself, as on the command line (default on)")
    parser.add_argument("--keep", metavar="DIR", help="write the file and the workspace here and keep them")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=5, metavar=("CSV", "WORKSPACE", "BULK", "PARALLEL", "EXCLUSIVE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="js-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "events.csv"
    workspace = folder / "workspace.db"
    for leftover in folder.glob("workspace.db*"):
        leftover.unlink()
    generate(csv_path, args.rows, args.customers, args.seed)
    load_before = os.getloadavg()[0]
    out = subprocess.run([sys.executable, __file__, "--child", str(csv_path), str(workspace), args.bulk, args.parallel,
                          args.exclusive],
                         capture_output=True, text=True)
    if out.returncode != 0:
        # The child's own error says what went wrong (a missing dependency, a full disk...).
        print(f"the timed import failed (exit {out.returncode}) with {sys.executable}:", file=sys.stderr)
        print(out.stderr.rstrip() or out.stdout.rstrip(), file=sys.stderr)
        return 1
    report = json.loads(out.stdout)
    report.update({"file_mb": round(csv_path.stat().st_size / 2**20, 1), "load_before": round(load_before, 2),
                   "load_after": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
                   "python": platform.python_version(), "target_rows_per_s": TARGET_ROWS_PER_S,
                   "met": report["rows_per_s"] >= TARGET_ROWS_PER_S and report["stored_events"] == args.rows})
    if not args.keep:
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"import events: {report['rows']:,} rows ({report['file_mb']} MB, {args.customers:,} customers) "
              f"in {report['seconds']:.2f} s = {report['rows_per_s']:,} rows/s "
              f"(target {TARGET_ROWS_PER_S:,}: {'met' if report['met'] else 'not met'})")
        if report["parallel"]:
            print(f"  read and converted by a second process: CPU {report['reader_cpu_s']} s of the total, "
                  f"peak RSS {report['reader_peak_rss_mb']} MB")
        print(f"  CPU {report['cpu_s']} s, peak RSS {report['peak_rss_mb']} MB, bulk {report['bulk']}, "
              f"phases {report['phases_s']}, journal {report['journal_mode']} (bulk transaction: {report['bulk_journal']}), synchronous {report['synchronous']}")
        print(f"  {report['stored_events']:,} events stored, {report['customers']:,} customers; "
              f"load average {report['load_before']} before, {report['load_after']} after, "
              f"{report['cpus']} CPUs, Python {report['python']}")
    return 0 if report["stored_events"] == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
