"""JSON Schemas for editors (yaml-language-server), generated from the content model's schemas."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from .model import SCHEMAS
from .schema import json_schema


def _known_ids(root: Path) -> dict[str, list[str]]:
    """Ids from the taxonomy (shipped, and the township's own), so editors can autocomplete them."""
    from .load import Layout

    ids: dict[str, list[str]] = {}
    for kind, name, key in (("topic", "topics.yml", "id"), ("audience", "audiences.yml", "id"),
                            ("group-name", "groups.yml", "name")):
        for path in Layout(Path(root).resolve()).both("data", name):
            try:
                rows = yaml.safe_load(path.read_text("utf-8")) or []
                ids.setdefault(kind, []).extend(r[key] for r in rows if r[key] not in ids.get(kind, []))
            except (OSError, yaml.YAMLError, TypeError, KeyError):
                pass
    return ids


def render_schemas(root: Path) -> dict[str, str]:
    ids = _known_ids(root)
    return {f"{kind}.schema.json": json.dumps(json_schema(t, title, ids), ensure_ascii=False, indent=2) + "\n"
            for kind, (t, title) in SCHEMAS.items()}


def write_schemas(root: Path) -> list[Path]:
    out_dir = root / "data" / "schemas"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas(root).items():
        (out_dir / name).write_text(text, encoding="utf-8")
        written.append(out_dir / name)
    return written
