"""Shared fixtures: a throw-away copy of the demo township, the CLI run in-process, and a real
mkdocs build of the demo (built once per session, in a temp folder, never the repo's own site/)."""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The records database lives in the user's data folder: the tests' own, never the user's. The session
# has one (for the shared builds); each test gets a fresh one below.
os.environ.pop("APPDATA", None)
os.environ.pop("WANJIA_DB", None)
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="wanjia-data-")

from generator import pipeline
from generator.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LAWS = SHARED / "data" / "laws"
PROJECT_PARTS = ("docs", "data", "campaigns", "mkdocs.yml")


def copy_demo(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


def own_file(root: Path, rel: str) -> Path:
    """The township's own copy of a file the package ships (docs/materials/…, data/topics.yml …),
    made from the shipped one if the township has none yet: what a township does to change it."""
    from generator.content.load import SHIPPED

    path = root / rel
    if not path.exists() and (SHIPPED / rel).exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SHIPPED / rel, path)
    return path


def edit(path: Path, old: str, new: str) -> Path:
    """Replace text in a township file, failing loudly if the text is not there (a test whose edit
    silently missed would pass for the wrong reason)."""
    text = path.read_text("utf-8")
    assert old in text, f"{path}: 「{old}」 not found"
    path.write_text(text.replace(old, new), "utf-8")
    return path


@functools.cache
def demo_outreach(root: Path = REPO, year: int = 2027):
    """The pipeline's Outreach for a township (the demo by default): checked, planned, field data.
    Cached: the stages are frozen values, so tests share one plan per township and year."""
    return pipeline.outreach(pipeline.checked(root, year=year))


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    return copy_demo(tmp_path / "township")


class Run:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def wanjia(capsys):
    """Run the `wanjia` CLI in-process and capture what a user would see."""
    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)
    return run


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """The demo township built by `wanjia build` into its own site/; returns the site folder."""
    root = copy_demo(tmp_path_factory.mktemp("demo") / "township")
    assert main(["-C", str(root), "build"]) == 0
    return root / "site"


@pytest.fixture(scope="session")
def built_internal(tmp_path_factory) -> Path:
    """The demo's internal build (walk sheets, households, reports); returns its site folder."""
    root = copy_demo(tmp_path_factory.mktemp("internal") / "township")
    assert main(["-C", str(root), "build", "--internal"]) == 0
    assert not (root / "site").exists()  # the internal build never lands where the public site goes
    return root / "site-internal"


def need_chromium() -> None:
    """Browser tests need Debian's chromium; under CI a missing browser is a failure, not a skip."""
    import os

    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI"):
            pytest.fail("CI 需要 /usr/bin/chromium（.ci/setup 安装 Debian 的 chromium）")
        pytest.skip("没有 /usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory):
    """One content-hash cache for every build of the session (the demo is copied many times); the
    test of the cache itself builds with its own."""
    import os

    folder = tmp_path_factory.mktemp("wanjia-cache")
    before = os.environ.get("WANJIA_CACHE")
    os.environ["WANJIA_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("WANJIA_CACHE", None)
    else:
        os.environ["WANJIA_CACHE"] = before


@pytest.fixture(autouse=True)
def own_records_database(tmp_path_factory, monkeypatch):
    """Each test its own records database: one test's imports never reach another's report."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


def stored(kind: str = "records", township: str = "qinghe") -> list[dict]:
    """What this test's records database holds for a township (`records` or `lessons`)."""
    from generator.store import Store, database_path

    path = database_path(township)
    if not path.exists():
        return []
    store = Store(path)
    try:
        return store.rows(kind)
    finally:
        store.close()
