"""The ``journey-studio`` console command: headless subcommands plus the ones that need Qt.

This module imports Qt only inside the handlers that need it, so ``journey-studio validate`` and
friends run on a machine without a display (see engine/cli.py).
"""

from __future__ import annotations

import argparse
import sys

from engine.cli import build_parser, run


def cmd_app(args: argparse.Namespace) -> int:
    from gui.app import run_app

    return run_app(workspace=args.workspace, db=args.db, open_files=getattr(args, "files", None) or [])


def cmd_screenshot(args: argparse.Namespace) -> int:
    from gui.screenshot import take_screenshots

    written = take_screenshots(args.out, template=args.template, width=args.width, height=args.height)
    for path in written:
        sys.stdout.write(f"{path}\n")
    return 0


def build_full_parser() -> argparse.ArgumentParser:
    parser, sub = build_parser()
    p = sub.add_parser("app", help="open the app (the default when no command is given)")
    p.add_argument("files", nargs="*", metavar="FILE", help=".journey.json files to import and open")
    p.set_defaults(handler=cmd_app)

    p = sub.add_parser("screenshot", help="render the main screens to PNG, offscreen")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the PNG files")
    p.add_argument("--template", default="abandoned_cart", help="template to open in the editor")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=800)
    p.set_defaults(handler=cmd_screenshot)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_full_parser(), argv, default=cmd_app)


if __name__ == "__main__":
    sys.exit(main())
