"""Real mkdocs builds of the demo and of small fixture projects, checked on the built HTML."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import copy_demo, demo_outreach, edit, own_file
from helpers import css_refs, is_external, page_refs, resolve

from generator.cli import main
from generator.content.load import SHIPPED
from generator.pipeline import site_pages
from generator.site import pages as render
from generator.site import plugin


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_generated_page_exists(built_demo: Path):
    outreach = demo_outreach(built_demo.parent)
    project = outreach.project
    for src in site_pages(outreach):
        if not src.endswith(".md"):
            assert (built_demo / src).exists(), src
            continue
        stem = src.removesuffix(".md")
        out = built_demo / (stem.removesuffix("index") if stem.endswith("index") else stem + "/") / "index.html"
        assert out.exists(), src
    for m in project.materials:
        assert (built_demo / m.src.removesuffix(".md") / "index.html").exists()


def test_material_page_shows_review_summary_citations_and_help(built_demo: Path):
    html = (built_demo / "materials/work/wage-arrears-contractor-ran/index.html").read_text("utf-8")
    assert "待审核" in html and "wj-badge" in html
    assert "一句话要点" in html and "施工总承包单位" in html
    assert "《保障农民工工资支付条例》（2019-12-30 版）第三条、第十条、第三十条" in html
    assert "12348" in html and "青禾镇司法所" in html


def test_campaign_and_village_pages_say_what_organizers_need(built_demo: Path):
    html = (built_demo / "campaigns/spring-festival-return/index.html").read_text("utf-8")
    for text in ("活动目标", "牵头单位", "司法所", "入户走访", "包工头跑了，工钱找谁要？", "桃园村"):
        assert text in html, text
    village = (built_demo / "villages/xinqiao/index.html").read_text("utf-8")
    for text in ("沈建明", "张强", "赵敏", "新桥第一网格", "出租房屋和流动人口登记宣传"):
        assert text in village, text


def test_no_broken_internal_link(built_demo: Path):
    broken = []
    for page in _pages(built_demo):
        refs, _ = page_refs(page)
        for ref in refs:
            target = resolve(built_demo, page, ref)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(built_demo)} → {ref}")
    assert not broken, "\n".join(broken[:20])


def test_nothing_references_another_host(built_demo: Path):
    external = []
    for page in _pages(built_demo):
        refs, _ = page_refs(page)
        external += [f"{page.relative_to(built_demo)}: {r}" for r in refs if is_external(r)]
    for css in built_demo.rglob("*.css"):
        external += [f"{css.relative_to(built_demo)}: {r}" for r in css_refs(css) if is_external(r)]
    assert not external, "\n".join(external[:20])
    assert not list(built_demo.rglob("*.map")), "source maps must not ship"
    assert not any("sourceMappingURL" in p.read_text("utf-8", "replace") for p in built_demo.rglob("*.js"))


def test_nav_does_not_grow_with_pages(built_demo: Path):
    sizes = {}
    for page in ("materials/work/labor-contract-written", "villages/taoyuan", "topics/fraud"):
        html = (built_demo / page / "index.html").read_text("utf-8")
        sizes[page] = html.count('class="md-nav__link')
    assert max(sizes.values()) <= 2 * len(render.NAV) + 4, sizes


def _tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_a_stale_cache_cannot_change_a_build(tmp_path: Path, monkeypatch):
    """Build, edit (a material, a lesson, the villagers' words, the register), rebuild on the warm
    cache: byte for byte the cold build of the same files in another folder. Also the determinism
    test: two folders, one output, the first rendered on two cores and the second on one."""
    import threading

    from generator.site import plugin

    monkeypatch.delenv("WANJIA_CACHE")  # each folder its own cache: b's build is cold
    ahead = []
    render_ahead = plugin._render_ahead
    monkeypatch.setattr(plugin, "_render_ahead", lambda *args: ahead.append(render_ahead(*args)) or ahead[-1])
    monkeypatch.setenv(plugin.RENDER_JOBS, "2")
    a = copy_demo(tmp_path / "a")
    assert threading.active_count() == 1, threading.enumerate()   # else no fork: nothing would be compared
    assert main(["-C", str(a), "build"]) == 0
    assert ahead and ahead[0] > 100   # a cold build's pages, rendered in forked processes
    memo = a / ".cache/wanjia/memo"
    assert {p.name for p in memo.iterdir()} >= {"docx", "qr", "privacy", "related", "zip"}
    edit(own_file(a, "docs/materials/work/wage-arrears-contractor-ran.md"), "包工头", "工头老板")
    edit(own_file(a, "data/synonyms.yml"), "  工钱: [工资, 劳动报酬]", "  工钱: [工资, 劳动报酬]\n  俺的工钱: [工资]")
    lessons = sorted((SHIPPED / "docs/lessons").rglob("*.md"))
    rel = lessons[0].relative_to(SHIPPED).as_posix()
    edit(own_file(a, rel), "## ", "## 课前\n\n先问学生一个问题。\n\n## ", )
    households = a / "data/households.csv"
    households.write_text(households.read_text("utf-8") + "xinqiao-2-999,xinqiao-2,新桥村二组999号,欧阳明理,,,,,\n",
                          "utf-8")
    assert main(["-C", str(a), "build"]) == 0
    b = tmp_path / "b"
    shutil.copytree(a, b, ignore=shutil.ignore_patterns(".cache", "site"))
    monkeypatch.setenv(plugin.RENDER_JOBS, "1")
    assert main(["-C", str(b), "build"]) == 0
    assert ahead[-1] == 0
    left, right = _tree(a / "site"), _tree(b / "site")
    assert left.keys() == right.keys()
    assert [name for name in left if left[name] != right[name]] == []
    assert any(name.startswith("assets/wanjia-search/") for name in left)
    assert "工头老板" in (a / "site/materials/work/wage-arrears-contractor-ran/index.html").read_text("utf-8")


def test_an_edit_to_a_material_changes_only_what_shows_it(demo_copy: Path):
    """The pages name the code's version, not the content's: after an edit to one material's text
    the other pages are byte for byte as they were (a phone refreshes, and the zip recompresses,
    only what changed), and the search head names the new search files."""
    import json

    assert main(["-C", str(demo_copy), "build"]) == 0
    before = _tree(demo_copy / "site")
    edit(own_file(demo_copy, "docs/materials/work/wage-arrears-contractor-ran.md"), "\n## ", "\n改后才有的一句话。\n\n## ")
    assert main(["-C", str(demo_copy), "build"]) == 0
    after = _tree(demo_copy / "site")
    changed = sorted(name for name in after if before.get(name) != after[name])
    pages = [name for name in changed if name.endswith(".html")]
    assert "materials/work/wage-arrears-contractor-ran/index.html" in pages
    assert len(pages) <= 3, pages   # the page itself; at most a list or two that quote it
    assert len([n for n in after if n.endswith(".html")]) > 200
    head = json.loads(after["assets/wanjia-search.json"])
    assert head["v"] != json.loads(before["assets/wanjia-search.json"])["v"]
    assert set(changed) - set(pages) <= {"wanjia-offline.zip", "assets/wanjia-search.json",
                                         *(n for n in after if n.startswith("assets/wanjia-search/"))}
    # A township's own template (theme.custom_dir) is part of every page: an edit to it reaches them all.
    config = demo_copy / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1), "utf-8")
    partial = demo_copy / "overrides/partials/copyright.html"
    partial.parent.mkdir(parents=True)
    for words in ("青禾镇司法所 编", "青禾镇综治办 编"):
        partial.write_text(f'<div class="md-copyright">{words}</div>', "utf-8")
        assert main(["-C", str(demo_copy), "build"]) == 0
        missing = [p for p in _pages(demo_copy / "site") if words not in p.read_text("utf-8")]
        assert missing == [] or [p.name for p in missing] == ["404.html"], missing[:3]


def test_a_cache_entry_is_keyed_on_the_code_that_made_it(tmp_path: Path, monkeypatch):
    from generator import cache

    c = cache.Cache(tmp_path)
    made = []
    assert c.memo("k", "inputs", lambda: made.append(1) or b"one") == b"one"
    assert c.memo("k", "inputs", lambda: made.append(1) or b"two") == b"one"   # made once
    assert c.memo("k", "other", lambda: made.append(1) or b"two") == b"two"    # other inputs
    monkeypatch.setattr(cache, "code_digest", lambda: "a changed template or library")
    assert c.memo("k", "inputs", lambda: made.append(1) or b"new") == b"new"   # other code: made again
    assert len(made) == 3 and (c.hits, c.misses) == (1, 3)
    (tmp_path / "ro").write_text("a file where the cache's folder would be", "utf-8")
    blocked = cache.Cache(tmp_path / "ro")
    assert blocked.memo("k", "inputs", lambda: b"made") == b"made"   # a cache that cannot be written is skipped


def test_the_cache_forgets_what_no_build_used_for_two_weeks(tmp_path: Path):
    import os
    import time

    from generator import cache

    c = cache.Cache(tmp_path)
    for name in ("old", "used", "new"):
        c.put("k", name, name.encode())
    paths = {name: c._path("k", name) for name in ("old", "used", "new")}
    weeks_ago = time.time() - 20 * cache.DAY
    for name in ("old", "used"):
        os.utime(paths[name], (weeks_ago, weeks_ago))
    assert c.get("k", "used") == b"used"   # a build used it: kept
    assert c.prune() == 1
    assert {n for n, p in paths.items() if p.exists()} == {"used", "new"}
    os.utime(paths["new"], (weeks_ago, weeks_ago))
    assert c.prune() == 0 and paths["new"].exists()   # once a day
    os.utime(tmp_path / ".pruned", (weeks_ago, weeks_ago))
    assert c.prune() == 1 and not paths["new"].exists()
    assert cache.Cache(tmp_path / "absent").prune() == 0 and cache.Cache().prune() == 0


def test_plain_mkdocs_build_works_and_is_atomic(tmp_path: Path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_demo(tmp_path / "t")
    config = load_config(config_file=str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    assert (root / "site/villages/taoyuan/index.html").exists()
    assert not list(root.glob(".site*"))


def test_failure_midway_leaves_previous_site(tmp_path: Path, monkeypatch, wanjia):
    root = copy_demo(tmp_path / "t")
    assert wanjia("-C", root, "build").code == 0
    before = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}

    def explode(*args, **kwargs):
        raise RuntimeError("render failed halfway")
    # A real build that breaks after mkdocs has written every page (in the post-build steps).
    monkeypatch.setattr(plugin.bundle, "make", explode)
    page = own_file(root, "docs/materials/work/labor-contract-written.md")
    page.write_text(page.read_text("utf-8") + "\n新增一段。\n", "utf-8")
    run = wanjia("-C", root, "build")
    assert run.code != 0 and "Traceback" not in run.err
    after = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(root.glob(".site*"))


def test_strict_build_with_a_broken_link_keeps_previous_site(tmp_path: Path, wanjia):
    root = copy_demo(tmp_path / "t")
    assert wanjia("-C", root, "build").code == 0
    index = (root / "site/index.html").read_bytes()
    # A fixture township whose materials and lessons are all reviewed: only the engine's warning remains.
    for shipped in (SHIPPED / "docs").rglob("*.md"):
        path = own_file(root, shipped.relative_to(SHIPPED).as_posix())
        path.write_text(path.read_text("utf-8").replace(
            "review: {status: 待审核}", "review: {status: 已审核, by: 测试审核人, on: 2026-11-01}"), "utf-8")
    site_config = root / "mkdocs.yml"  # no law corpus beside this copy: do not ask for one
    site_config.write_text("\n".join(ln for ln in site_config.read_text("utf-8").splitlines()
                                     if not ln.strip().startswith("laws:")), "utf-8")
    holidays = own_file(root, "data/holidays/2027.yml")
    edit(holidays, "confirmed: false", "confirmed: true")
    page = own_file(root, "docs/materials/work/labor-contract-written.md")
    page.write_text(page.read_text("utf-8") + "\n[坏链接](../no-such-page.md)\n", "utf-8")
    run = wanjia("-C", root, "build", "--strict")
    assert run.code == 1 and "Traceback" not in run.err
    assert "no-such-page.md" in run.err
    assert (root / "site/index.html").read_bytes() == index
    assert not list(root.glob(".site*"))


@pytest.mark.parametrize("command", ["check", "build"])
def test_minimal_fixture_project_builds(tmp_path: Path, wanjia, command):
    """A township with one village and one campaign (the materials and lessons are the package's):
    the smallest useful project."""
    root = copy_demo(tmp_path / "t")
    for path in (root / "campaigns").glob("*.yml"):
        if path.stem != "winter-door-to-door":
            path.unlink()
    camp = root / "campaigns/winter-door-to-door.yml"
    camp.write_text(camp.read_text("utf-8"), "utf-8")
    run = wanjia("-C", root, command)
    assert run.code == 0, run.err
    if command == "build":
        assert (root / "site/materials/disputes/mediation-free/index.html").exists()
        assert (root / "site/campaigns/winter-door-to-door/index.html").exists()


def test_export_docs_is_the_same_site_for_a_plain_engine(built_demo: Path, tmp_path: Path, wanjia):
    """`wanjia export-docs` writes every page as a plain docs folder; a plain `mkdocs build` of it,
    with no wanjia plugin, renders the same pages as `wanjia build`."""
    import subprocess
    import sys

    root = built_demo.parent
    out = tmp_path / "exported"
    run = wanjia("-C", root, "export-docs", out)
    assert run.code == 0, run.err
    config = (out / "mkdocs.yml").read_text("utf-8")
    assert "wanjia" not in config.split("plugins:", 1)[-1].split("\n", 2)[1]
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(out / "mkdocs.yml"),
                           "-d", str(tmp_path / "plain")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ours = {p.relative_to(built_demo) for p in built_demo.rglob("*.html")}
    plain = {p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*.html")}
    assert ours == plain
    different = [str(p) for p in sorted(ours) if (built_demo / p).read_bytes() != (tmp_path / "plain" / p).read_bytes()]
    assert different == []


def test_export_docs_refuses_the_project_itself(demo_copy, wanjia):
    run = wanjia("-C", demo_copy, "export-docs", demo_copy / "docs")
    assert run.code == 2 and "不能是乡镇项目目录" in run.err and (demo_copy / "docs").is_dir()


def test_two_builds_at_once_take_turns(demo_copy, tmp_path):
    """Two `wanjia build`s at once, while a third holds the engine (the test, in its place): each says
    it waits, then they build one after the other; both succeed and the site is whole (they used to
    share one staging folder and crash)."""
    import subprocess
    import sys
    import time

    from generator.locking import held

    command = [sys.executable, "-c", "from generator.cli import main; raise SystemExit(main())", "-C",
               str(demo_copy), "build"]
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with held(demo_copy / ".cache/wanjia/build.lock", 5, "busy"):
        runs = [subprocess.Popen(command, stderr=log.open("w"), text=True) for log in logs]
        deadline = time.monotonic() + 300
        while not all("另一个 wanjia 正在生成" in log.read_text("utf-8") for log in logs):
            assert all(r.poll() is None for r in runs) and time.monotonic() < deadline, [log.read_text() for log in logs]
            time.sleep(0.1)
    codes = [r.wait(timeout=600) for r in runs]
    errs = [log.read_text("utf-8") for log in logs]
    assert codes == [0, 0], [e[-500:] for e in errs]
    assert all("内部错误" not in e and "网站已生成" in e for e in errs)
    assert (demo_copy / "site/index.html").exists() and not list(demo_copy.glob(".site*"))


def test_serve_shows_an_edit_then_its_search_index_and_zip(demo_copy):
    """`wanjia serve`: an edited material is served as soon as its pages are built; the site search
    and the offline zip follow (made beside the live site, scanned, swapped in)."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    import zipfile

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "generator", "-C", str(demo_copy), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def page(path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def waited(ok, what: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not ok():
            assert server.poll() is None, server.stderr.read()[-2000:] if server.stderr else ""
            assert time.monotonic() < deadline, what
            time.sleep(0.1)

    def searchable(word: str) -> bool:   # a word of the phone's search files
        try:
            return any(word in json.loads(f.read_text("utf-8")) for f in (demo_copy / "site/assets/wanjia-search").glob("t*.json"))
        except (OSError, ValueError):   # a file being replaced
            return False

    def zipped(mark: str) -> bool:
        try:
            with zipfile.ZipFile(demo_copy / "site/wanjia-offline.zip") as z:
                return any(mark in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                           if n.endswith("wage-arrears-contractor-ran/index.html"))
        except (OSError, zipfile.BadZipFile):
            return False

    try:
        waited(lambda: "青禾镇" in page(""), "the first build is served")
        material = own_file(demo_copy, "docs/materials/work/wage-arrears-contractor-ran.md")
        edit(material, "\n## ", "\n这是服务中改动的一句话，说到小龙虾\n\n## ")
        waited(lambda: "这是服务中改动的一句话" in page("materials/work/wage-arrears-contractor-ran/"), "the edit is served")
        waited(lambda: searchable("小龙虾") and zipped("这是服务中改动的一句话"),
               "the search index and the zip follow")
        assert "青禾镇" in page("") and not list(demo_copy.glob(".site*"))
    finally:
        server.terminate()
        server.wait(10)


def test_a_long_law_text_becomes_a_contents_page_and_parts_under_the_budget(demo_copy, wanjia):
    """A township page as long as the 民法典 (its articles from the installed law database; the 编 and
    章 headings here only mark places to cut) is served as a contents page and parts, each under
    20 KB gz, every article in exactly one part, linked to each other; a short page stays whole."""
    import datetime as dt
    import gzip
    import re

    from generator.content.laws import open_library

    library = open_library(demo_copy, None)
    version = library.in_force("民法典", dt.date(2027, 1, 1))
    articles = next(t.articles for t in library.texts("民法典", version) if not t.partial and t.has_text)
    lines = ["---", "title: 中华人民共和国民法典", "---", "", "# 中华人民共和国民法典", ""]
    for i, (_, text) in enumerate(sorted(articles.items())):
        lines += [f"## 第{i // 200 + 1}编", ""] if i % 200 == 0 else []
        lines += [f"### 第{i // 40 + 1}章", ""] if i % 40 == 0 else []
        lines += [text.replace("\n", "\n\n"), ""]
    (demo_copy / "docs/laws").mkdir(parents=True)
    (demo_copy / "docs/laws/民法典.md").write_text("\n".join(lines), "utf-8")
    (demo_copy / "docs/laws/短文.md").write_text("# 一段短文\n\n第一条 这一页很短。\n", "utf-8")
    run = wanjia("-C", demo_copy, "build")
    assert run.code == 0 and "不存在" not in run.err, run.err[-2000:]
    site = demo_copy / "site"
    contents = site / "laws/民法典/index.html"
    listed = re.findall(r'href="(\d+)/"', contents.read_text("utf-8"))
    parts = [site / f"laws/民法典/{k}/index.html" for k in listed]
    assert len(parts) >= 5 and listed == [str(k) for k in range(1, len(parts) + 1)]
    assert max(len(gzip.compress(p.read_bytes(), 6)) for p in [contents, *parts]) <= 20 * 1024
    text = "".join(p.read_text("utf-8") for p in parts)
    heads = [t.split("\n")[0].split()[0] for _, t in sorted(articles.items())]
    assert all(text.count(f">{h}") + text.count(f"\n{h}") >= 1 for h in heads[:5] + heads[-5:])
    found = re.findall(r"<p>(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)\s", text)
    assert len(found) == len(set(found)) == len(articles)   # each article once, none lost
    second = parts[1].read_text("utf-8")
    assert 'href="../"' in second and 'href="../1/"' in second and 'href="../3/"' in second
    for page in [contents, *parts]:
        refs, _ = page_refs(page)
        assert all(target.exists() for r in refs if (target := resolve(site, page, r)) is not None), page
    assert (site / "laws/短文/index.html").exists() and not (site / "laws/短文/1").exists()


def test_site_search_lists_every_page_the_cli_finds(built_demo):
    """The phone's search files list every material, lesson and campaign of the township (what
    `wanjia search` finds), each once and each a page of the site."""
    import json

    from generator import pipeline

    project = pipeline.checked(built_demo.parent).project
    folder = built_demo / "assets/wanjia-search"
    rows = [r[0] for k in range(len(list(folder.glob("d*.json")))) for r in json.loads((folder / f"d{k}.json").read_text("utf-8"))]
    expected = ([m.src.removesuffix(".md") + "/" for m in project.materials]
                + [le.src.removesuffix(".md") + "/" for le in project.lessons]
                + [f"campaigns/{c.id}/" for c in project.campaigns])
    assert sorted(rows) == sorted(expected) and len(rows) == len(set(rows)) > 50
    assert not [r for r in rows if not (built_demo / r / "index.html").is_file()]


def test_long_generated_pages_are_split_and_every_link_still_resolves(demo_copy, wanjia, monkeypatch):
    """A generated page over the budget (a county's busiest day lists 878 visits, a county campaign
    148 materials; here the budget is made small so the demo's pages are over it) becomes a contents
    page, with the page's lead, and parts cut at its headings (上午/下午/晚上) and between list items;
    every link in the site, the parts' one folder deeper too, still reaches its page. Material pages
    (one sheet) and print pages (printed whole) stay whole."""
    from generator import pipeline
    from generator.site import parts

    monkeypatch.setattr(parts, "TEXT_BUDGET", 600)
    monkeypatch.setattr(pipeline, "TEXT_BUDGET", 600)
    assert wanjia("-C", demo_copy, "build").code == 0
    site = demo_copy / "site"
    split = sorted(p for p in (site / "days").glob("*/1/index.html"))
    assert split, "no day page was split"
    day = split[0].parent.parent
    pieces = sorted(day.glob("*/index.html"))
    assert len(pieces) >= 2 and "第 2 部分" in (day / "index.html").read_text("utf-8")
    assert "村" in pieces[0].read_text("utf-8")   # the visits are there
    campaign = site / "campaigns/winter-door-to-door"
    contents = (campaign / "index.html").read_text("utf-8")
    assert "活动目标" in contents   # the lead: what search lists is this page
    assert "要带的资料" in (campaign / "1/index.html").read_text("utf-8")
    assert not (site / "materials/work/wage-arrears-contractor-ran/1").exists()
    assert not list((site / "print").glob("*/1"))
    for page in sorted(site.rglob("*.html")):
        refs, _ = page_refs(page)
        broken = [r for r in refs if (t := resolve(site, page, r)) is not None and not t.exists()]
        assert broken == [], (page, broken[:5])


def test_an_html_block_reaches_the_page_as_written_with_or_without_the_extension():
    """The plan's HTML blocks go to the page untouched (the extension stashes them whole); an engine
    without it (the exported docs) reads them as raw HTML, to the same bytes."""
    import markdown

    from generator.site.rawhtml import NAME, html_block

    html = '<details class="wj-plan-month">\n<summary>1 月（2 次）</summary>\n<p>*不是强调* [不是链接](x.md)</p>\n</details>'
    text = "# 标题\n\n前面一段。\n" + html_block(html) + "后面一段。\n"
    text += "\n## 下午\n" + html_block("<ul>\n<li>一</li>\n</ul>") + html_block("<ul>\n<li>二</li>\n</ul>") + "- 三\n"
    ours = markdown.Markdown(extensions=["md_in_html", "toc", NAME]).convert(text)
    plain = markdown.Markdown(extensions=["md_in_html", "toc"]).convert(text)
    assert html in ours and "<p>后面一段。</p>" in ours and "<em>" not in ours
    assert ours == plain
    assert html_block("<p>一</p>\n\n<p>二</p>") == "\n<!--wj-html-->\n<p>一</p>\n<p>二</p>\n<!--/wj-html-->\n\n"
