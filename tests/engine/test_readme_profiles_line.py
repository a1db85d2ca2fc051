"""The README's one-line summary of ``profiles`` says what each action takes: ``search`` an optional
TEXT, ``merge`` two identifiers, ``phones`` nothing, the others an IDENTIFIER."""

from __future__ import annotations

from pathlib import Path

from engine.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_summary_of_profiles_matches_its_actions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [x for x in readme.splitlines() if x.startswith("journey-studio profiles ")]
    assert line == "journey-studio profiles search [TEXT] | show|export|delete IDENTIFIER | merge KEEP OTHER | phones"
    _, sub = build_parser()
    actions = next(a for a in sub.choices["profiles"]._actions if a.dest == "profiles_action")
    positional = {name: [(a.dest, a.nargs) for a in p._actions if not a.option_strings]
                  for name, p in actions.choices.items()}
    assert positional == {"search": [("text", "?")], "show": [("identifier", None)],
                          "export": [("identifier", None)], "delete": [("identifier", None)],
                          "merge": [("keep", None), ("other", None)], "phones": []}
