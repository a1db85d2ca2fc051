"""The headless half of the ``journey-studio`` command.

Subcommands here never import Qt, so they run on a machine with no display. The GUI launcher
(``gui/launcher.py``) adds the commands that need Qt (the app itself, ``screenshot``) on top of the
parser built here. Every failure is printed as one readable line and a non-zero exit code; set
``JOURNEY_STUDIO_DEBUG=1`` to see a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from engine import __version__
from engine.errors import JourneyStudioError

PROG = "journey-studio"

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


def _registry():
    from engine.spec import default_registry

    return default_registry()


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from engine.document import load
    from engine.validate import validate

    registry = _registry()
    failed = False
    report = []
    for name in args.files:
        try:
            journey = load(name)
        except JourneyStudioError as exc:
            failed = True
            report.append({"file": name, "ok": False, "error": str(exc), "issues": []})
            if not args.json:
                _out(f"{name}: error: {exc.message}" + (f" ({exc.path})" if getattr(exc, "path", None) else ""))
            continue
        issues = validate(journey, registry)
        errors = [i for i in issues if i.severity == "error"]
        failed |= bool(errors)
        report.append({"file": name, "ok": not errors, "issues": [i.to_json() for i in issues]})
        if args.json:
            continue
        if not errors:
            warn = sum(1 for i in issues if i.severity == "warning")
            _out(f"{name}: ok" + (f" ({warn} warning{'s' if warn != 1 else ''})" if warn else ""))
        else:
            _out(f"{name}: {len(errors)} error{'s' if len(errors) != 1 else ''}")
        for issue in issues:
            if issue.severity != "info" or args.verbose:
                _out(f"  {issue.describe(journey)}")
    if args.json:
        _out(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# fmt
# ---------------------------------------------------------------------------------------------

def cmd_fmt(args: argparse.Namespace) -> int:
    from engine.document import dumps, loads, save

    changed, failed, failed_count = 0, False, 0
    for name in args.files:
        path = Path(name)
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            _out(f"{name}: error: cannot read the file ({getattr(exc, 'strerror', None) or exc})")
            failed, failed_count = True, failed_count + 1
            continue
        try:
            journey = loads(raw, file=name)
        except JourneyStudioError as exc:
            _out(f"{name}: error: {exc.message}" + (f" ({exc.path})" if getattr(exc, "path", None) else ""))
            failed, failed_count = True, failed_count + 1
            continue
        canonical = dumps(journey)
        if canonical == path.read_text(encoding="utf-8"):
            continue
        changed += 1
        if args.check:
            _out(f"would reformat {name}")
        else:
            save(journey, path)
            _out(f"reformatted {name}")
    total = len(args.files)
    if args.check:
        unreadable = failed_count
        clean = total - changed - unreadable
        parts = []
        if changed:
            parts.append(f"{changed} file{'s' if changed != 1 else ''} would be reformatted")
        if clean:
            parts.append(f"{clean} already canonical")
        if unreadable:
            parts.append(f"{unreadable} could not be read")
        _out(", ".join(parts))
    return 1 if failed or (args.check and changed) else 0


# ---------------------------------------------------------------------------------------------
# nodes, templates
# ---------------------------------------------------------------------------------------------

def _ports(ports) -> list[dict]:
    return [{"name": p.name, "label": p.display} for p in ports]


def cmd_nodes(args: argparse.Namespace) -> int:
    specs = list(_registry())
    if args.json:
        _out(json.dumps([
            {
                "type_key": s.type_key,
                "stage": s.stage.value,
                "title": s.title,
                "description": s.description,
                "version": s.version,
                "icon": s.icon,
                "executable": s.executable,
                "inputs": _ports(s.inputs),
                "outputs": _ports(s.output_ports(s.example or None)),
                "dynamic_outputs": s.dynamic_outputs is not None,
            }
            for s in specs
        ], indent=2, ensure_ascii=False))
        return 0
    current = None
    for s in specs:
        if s.stage != current:
            current = s.stage
            _out(f"\n{current.value.upper()}")
        outs = ", ".join(p.name for p in s.output_ports(s.example or None)) or "-"
        ins = ", ".join(p.name for p in s.inputs) or "-"
        _out(f"  {s.type_key:<28} {s.title:<22} in: {ins:<6} out: {outs}")
    _out(f"\n{len(specs)} node types")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from engine.templates import list_templates

    items = list_templates()
    if args.json:
        _out(json.dumps([{"key": t.key, "name": t.name, "description": t.description,
                          "file": str(t.path), "nodes": t.node_count} for t in items],
                        indent=2, ensure_ascii=False))
        return 0
    width = max((len(t.key) for t in items), default=0)
    for t in items:
        _out(f"{t.key:<{width}}  {t.name} — {t.description}")
    return 0


# ---------------------------------------------------------------------------------------------
# parser and entry point
# ---------------------------------------------------------------------------------------------

def add_workspace_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workspace", metavar="PATH", help="workspace folder or .db file (default: your user data folder)")
    g.add_argument("--db", metavar="URL", help="a database URL instead of a local workspace, e.g. postgresql://…")


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Design, simulate and run customer journeys on your own desktop. "
                    "With no command, the app opens on your default workspace.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_workspace_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check .journey.json files; exit 1 with readable errors")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="also print informational notes")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("fmt", help="rewrite journey files in the canonical form")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p.set_defaults(handler=cmd_fmt)

    p = sub.add_parser("nodes", help="list the node catalogue")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_nodes)

    p = sub.add_parser("templates", help="list the journey templates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_templates)
    return parser, sub


def run(parser: argparse.ArgumentParser, argv: list[str] | None, default: Handler | None = None) -> int:
    """Parse ``argv`` and run the chosen handler, turning every failure into one readable line."""
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None) or default
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except JourneyStudioError as exc:
        _err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: never show a marketer a traceback
        if os.environ.get("JOURNEY_STUDIO_DEBUG"):
            raise
        _err(f"unexpected error: {type(exc).__name__}: {exc}. "
             f"Run again with JOURNEY_STUDIO_DEBUG=1 for details.")
        return 70


def main(argv: list[str] | None = None) -> int:
    """Headless entry point (no GUI commands)."""
    parser, _ = build_parser()
    return run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
