"""The ``journey-studio`` console command: headless subcommands plus the ones that need Qt.

This module imports Qt only inside the handlers that need it, so ``journey-studio validate`` and
friends run on a machine without a display (see engine/cli.py).
"""

from __future__ import annotations

import argparse
import os
import sys

from engine.cli import build_parser, run


def no_display() -> bool:
    """True on a Linux/BSD machine with no X11 or Wayland display and no Qt platform chosen."""
    if sys.platform.startswith(("win", "darwin")) or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


#: X11 client libraries Qt's xcb platform needs that minimal Linux installs lack (soname stem → package).
XCB_LIBRARIES = {"xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
                 "xkbcommon-x11": "libxkbcommon-x11-0"}


def missing_x11_libraries() -> list[str]:
    """Debian package names of X11 libraries that Qt would fail to load (and then abort)."""
    if not sys.platform.startswith("linux") or os.environ.get("WAYLAND_DISPLAY"):
        return []
    if os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] != "xcb":
        return []
    from ctypes.util import find_library

    return [pkg for lib, pkg in XCB_LIBRARIES.items() if find_library(lib) is None]


def cmd_app(args: argparse.Namespace) -> int:
    missing = [] if no_display() else missing_x11_libraries()
    if missing:
        sys.stderr.write(
            "journey-studio: the window system libraries Qt needs are not installed.\n"
            f"  On Debian or Ubuntu: sudo apt install {' '.join(missing)}\n")
        return 1
    if no_display():
        sys.stderr.write(
            "journey-studio: no display found, so the app cannot open a window here.\n"
            "  Run it on a desktop session, set QT_QPA_PLATFORM=offscreen to start it without a screen,\n"
            "  or use the headless commands (journey-studio --help).\n")
        return 1
    from gui.app import run_app

    return run_app(workspace=args.workspace, db=args.db, open_files=getattr(args, "files", None) or [])


#: Why ``screenshot`` refuses ``--workspace``/``--db`` (before or after the command name).
SCREENSHOT_NO_WORKSPACE = "screenshot renders sample data; it does not open a workspace"


def cmd_screenshot(args: argparse.Namespace) -> int:
    from gui.screenshot import take_screenshots

    given = next((f"--{o}" for o in ("workspace", "db") if getattr(args, o, None)), None)
    if given is not None:
        sys.stderr.write(f"journey-studio screenshot: error: {SCREENSHOT_NO_WORKSPACE} (leave out {given})\n")
        return 2

    written = take_screenshots(args.out, template=args.template, width=args.width, height=args.height)
    for path in written:
        sys.stdout.write(f"{path}\n")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from engine.bench import format_table, report, run_document

    results: dict[str, dict] = {}
    if args.only in (None, "document"):
        results.update(run_document(args.nodes, repeats=args.repeats or 15))
    if args.only in (None, "editor"):
        from gui.bench import run_editor

        results.update(run_editor(args.nodes, open_repeats=args.repeats or 7,
                                  repaint_repeats=args.repaints or 60))
    if args.only == "simulate":
        from engine.bench import run_simulate

        results.update(run_simulate())
    if args.only == "engine":
        from engine.bench import run_engine

        results.update(run_engine(args.customers or 100_000))
    if args.only == "overlay":
        from gui.bench import run_overlay

        results.update(run_overlay(repeats=args.repaints or 200))
    rep = report(results, args.nodes)
    if args.json:
        sys.stdout.write(json.dumps(rep, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_table(rep) + "\n")
    return 0


def build_full_parser() -> argparse.ArgumentParser:
    parser, sub = build_parser()
    p = sub.add_parser("app", help="open the app (the default when no command is given)")
    p.add_argument("files", nargs="*", metavar="FILE", help=".journey.json files to import and open")
    # Before or after the command name, as for every other command.
    from engine.cli import _suppressed_workspace_options

    _suppressed_workspace_options(p)
    p.set_defaults(handler=cmd_app)

    p = sub.add_parser(
        "screenshot", help="render the main screens of a demo workspace to PNG, offscreen",
        description="Render the main screens (start page, editor, inspector, channels, simulation, profiles, "
                    "segments, tracking, import wizard, collector) to PNG files, offscreen, without a display. "
                    "They show a throw-away demo workspace made for the pictures from --template and sample "
                    "customers and events, never your own workspace.")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the PNG files")
    p.add_argument("--template", default="abandoned_cart", help="template to open in the editor")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=800)
    # Accepted after the command name too, as for every other command, so as to be refused clearly.
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workspace", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    g.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_screenshot)

    from engine.bench import node_count

    p = sub.add_parser("bench", help="time saving, loading, opening and repainting a large journey")
    p.add_argument("--nodes", type=node_count, default=1000, metavar="N",
                   help="nodes in the generated journey (default 1000)")
    p.add_argument("--only", choices=["document", "editor", "simulate", "overlay", "engine"],
                   help="only the file and workspace timings (no Qt), only the editor's, the "
                        "100,000-customer simulation, the overlay refresh of a live journey with "
                        "1,000,000 logged steps, or the durable engine's throughput (the last three are "
                        "long and not part of the default set)")
    p.add_argument("--customers", type=int, metavar="N",
                   help="customers for --only engine (default 100,000)")
    p.add_argument("--repeats", type=int, metavar="N",
                   help="samples of each save, load and open (default 15 for files, 7 for opening)")
    p.add_argument("--repaints", type=int, metavar="N", help="samples of each repaint (default 60)")
    p.add_argument("--json", action="store_true", help="print the machine and the figures as JSON")
    p.set_defaults(handler=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_full_parser(), argv, default=cmd_app)


if __name__ == "__main__":
    sys.exit(main())
