"""The pipeline is visible in the tree: three wings (content → plan → site) under the top-level
modules, imports pointing down only. One documented exception: the mkdocs adapter, as mkdocs'
own entry point, calls the pipeline when a plain `mkdocs build` starts it."""
import ast

from conftest import REPO

PACKAGE = REPO / "generator"
BASE = {"generator", "generator.problems", "generator.locking", "generator.cache", "generator.store"}   # below every wing
LAYER = {"content": 1, "plan": 2, "site": 3}
ENTRY_POINT_CALLS = {("generator.site.plugin", "generator.pipeline")}


def _module(path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


def _layer(module: str) -> int:
    if module in BASE:
        return 0
    parts = module.split(".")
    return LAYER.get(parts[1], 4) if len(parts) > 1 else 0


def _imports(path, module: str):
    tree = ast.parse(path.read_text("utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            yield from names
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            yield node.module


def test_imports_point_down_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        for target in _imports(path, module):
            target = target if (REPO / (target.replace(".", "/") + ".py")).exists() or \
                (REPO / target.replace(".", "/")).is_dir() else target.rsplit(".", 1)[0]
            if _layer(target) > _layer(module) and (module, target) not in ENTRY_POINT_CALLS:
                upward.append(f"{module} → {target}")
    assert upward == []


def test_the_wings_hold_the_stages():
    for wing, modules in {"content": {"model", "schema", "load", "json_schema", "laws", "citations", "readability",
                                      "privacy", "tables", "text", "hotlines", "words", "scaffold", "roster"},
                          "plan": {"almanac", "match", "schedule", "records", "assess"},
                          "site": {"pages", "agenda", "dashboard", "charts", "ics", "text", "templates", "yearview",
                                   "bundle", "serve", "plugin", "inputs", "lessondocs", "parts", "rawhtml"}}.items():
        assert {p.stem for p in (PACKAGE / wing).glob("*.py")} - {"__init__"} == modules, wing
    assert not (PACKAGE / "calendar.py").exists()  # never shadow the standard library's calendar
