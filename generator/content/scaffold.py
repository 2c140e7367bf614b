"""`wanjia new`: a clean township to fill in — its own files with comments and nothing else. The
materials, lessons, taxonomy, hotlines and law extracts stay in the installed package, so fixes
shipped later reach the township; its own pages override shipped ones by id."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .json_schema import write_schemas
from .load import SHIPPED

TEMPLATE = SHIPPED / "new"
REGIONS = ("苏南", "华北", "东北", "华南")


def township_id(name: str) -> str:
    """An id from a Chinese name, as the demo's are written: 柳河镇 → liuhe."""
    from pypinyin import lazy_pinyin

    base = re.sub(r"(镇|乡|街道)$", "", name) or name
    slug = "-".join(p for p in lazy_pinyin(base) if re.fullmatch(r"[a-z0-9]+", p))
    return slug or "town"


def plan_year(today: dt.date) -> int:
    """The year a township plans now: next year once the autumn has come (plans are made in winter)."""
    return today.year + 1 if today.month >= 10 else today.year


def new_township(dest: Path, name: str, region: str, today: dt.date) -> list[Path]:
    """Write the township's files into `dest` (absent or empty), all at once: they are made beside
    it and moved in whole. Returns what was written, as paths inside `dest`."""
    import os
    import shutil

    values = {"name": name, "id": township_id(name), "region": region, "year": str(plan_year(today))}
    work = dest.parent / f".{dest.name}.new"
    shutil.rmtree(work, ignore_errors=True)
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_file():
            target = work / source.relative_to(TEMPLATE)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text("utf-8")
            for key, value in values.items():  # @@name@@: YAML's own $ and {} stay as they are
                text = text.replace(f"@@{key}@@", value)
            target.write_text(text, "utf-8")
            written.append(target)
    for folder in ("docs/materials", "docs/lessons", "campaigns", "data/laws"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    written += write_schemas(work)
    if dest.exists():
        dest.rmdir()  # the caller checked it is empty
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(work, dest)
    return [dest / p.relative_to(work) for p in written]
