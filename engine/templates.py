"""The journey template gallery shipped in ``resources/templates``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from engine.document import FILE_SUFFIX, Journey, load


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    description: str
    path: Path
    node_count: int


def templates_dir() -> Path:
    return Path(str(files("resources") / "templates"))


def list_templates() -> list[TemplateInfo]:
    out = []
    for path in sorted(templates_dir().glob(f"*{FILE_SUFFIX}")):
        journey = load(path)
        out.append(TemplateInfo(key=path.name[: -len(FILE_SUFFIX)], name=journey.name,
                                description=journey.description, path=path, node_count=len(journey.nodes)))
    return out


def load_template(key: str) -> Journey:
    path = templates_dir() / f"{key}{FILE_SUFFIX}"
    if not path.exists():
        from engine.errors import NotFound

        known = ", ".join(t.key for t in list_templates())
        raise NotFound(f"no template named '{key}' (available: {known})")
    return load(path)
