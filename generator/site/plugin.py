"""The mkdocs adapter: the only module that knows the site engine.

Loads the Project once per build, adds the generated pages as in-memory files, decorates the
hand-written materials and lessons, and makes a build all-or-nothing: mkdocs writes into a
sibling folder that replaces site/ only when the whole build succeeded.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from . import agenda, bundle, dashboard, pages
from .. import pipeline
from ..content import privacy
from ..content.model import Lesson, Material
from ..problems import Failed

log = logging.getLogger("mkdocs.plugins.wanjia")


THEME_DIR = Path(__file__).parent / "theme"


class WanjiaConfig(Config):
    strict = opt.Type(bool, default=False)  # warnings (e.g. unreviewed materials) fail the build
    laws = opt.Optional(opt.Type(str))      # a law-text folder (LawRefBook format), relative to mkdocs.yml
    search = opt.Type(bool, default=True)   # build the Pagefind index for site search
    internal = opt.Type(bool, default=False)  # add walk sheets with households (never for the public)


class WanjiaPlugin(BasePlugin[WanjiaConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.final_dir: Path | None = None
        self.preloaded = None  # (project, problems) when the caller has validated already
        self.warnings = CountHandler()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        root = Path(config.config_file_path).parent
        laws = (root / self.config.laws).resolve() if self.config.laws else None
        outreach, problems = self.preloaded or pipeline.check(root, laws=laws)
        if self.preloaded is None:
            for p in problems.warnings:
                log.info(str(p))
        if outreach is None or problems.failed(self.config.strict):
            raise PluginError(_failure_text(problems))
        self.project = outreach.project
        with pipeline.knowledge_index(outreach) as searcher:
            pipeline.add_related(outreach, searcher)
        self.outreach = pipeline.with_plan(outreach)
        self.pages = pages.site_pages(outreach)
        agenda.plan_pages(outreach, self.pages, internal=self.config.internal)
        if self.config.internal:
            result, found = pipeline.assessment(outreach, year=outreach.year)  # the year so far
            if found.errors:
                raise PluginError(found.as_text() + "\n走访记录或案事件数据有错误；内部版没有生成。")
            dashboard.report_pages(outreach, result, self.pages)
        config.nav = pages.NAV + ([{"内部：走访登记表": "internal/index.md"}] if self.config.internal else [])
        config.extra["wanjia_internal"] = self.config.internal
        config.theme.dirs.insert(0, str(THEME_DIR))  # our header, search box and page marks
        if "assets/wanjia.css" not in config.extra_css:
            config.extra_css.append("assets/wanjia.css")
        config.validation.nav.omitted_files = logging.DEBUG  # detail pages are reached by links
        config.validation.links.not_found = logging.WARNING
        # mkdocs --strict aborts *after* on_post_build; count warnings ourselves so that a
        # build about to be aborted never replaces the previous site.
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        if self.command == "build":
            # Build beside the real site folder; on_post_build swaps it in.
            self.final_dir = Path(config.site_dir).resolve()
            config.site_dir = str(self.final_dir.parent / f".{self.final_dir.name}.building")
            shutil.rmtree(config.site_dir, ignore_errors=True)
        return config

    def on_files(self, files: Files, *, config) -> Files:
        for src_uri, content in self.pages.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src_uri, content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        src = page.file.src_uri
        found = pages.page_record(self.project, src)
        if found is not None:
            page.meta["wanjia"] = pages.search_marks(self.outreach, *found)
        kind, record = found or (None, None)
        if isinstance(record, Material):
            return (pages.material_header(record, self.project) + markdown
                    + pages.material_footer(record, self.outreach))
        if isinstance(record, Lesson):
            return pages.lesson_header(record, self.project) + markdown + pages.lesson_footer(record)
        return markdown

    def on_post_build(self, *, config) -> None:
        site = Path(config.site_dir)
        _drop_build_noise(site)
        if self.config.search:
            _run_pagefind(site)
        if not self.config.internal:  # the last gate: nothing household-level leaves in a public build
            found = privacy.check_site(self.project, site)
            if found:
                shutil.rmtree(site, ignore_errors=True)
                raise PluginError("\n".join(found[:20]) + (f"\n……共 {len(found)} 处" if len(found) > 20 else "")
                                  + "\n公开网站中发现农户个人信息（见上，文件:行:列），网站没有生成，原来的网站保持不变。")
            bundle.make(site, f"{self.project.township.name}法治宣传（离线版）")
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.final_dir is not None:
            if config.strict and self.warnings.get_counts():
                shutil.rmtree(site, ignore_errors=True)
                return  # mkdocs aborts right after this hook
            _swap_in(site, self.final_dir)

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.final_dir is not None:
            shutil.rmtree(self.final_dir.parent / f".{self.final_dir.name}.building", ignore_errors=True)


def _failure_text(problems) -> str:
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    return f"{problems.as_text(fold=3)}\n检查未通过：{n_err} 个错误，{n_warn} 个警告；网站没有生成，原来的网站保持不变。"


_SOURCE_MAP = re.compile(rb"\n?/[/*]# sourceMappingURL=\S+?(?: \*/)?\s*$")


def _drop_build_noise(site: Path) -> None:
    """Remove what a township site must not ship: source maps (1.3 MB) and the dated sitemap."""
    for path in site.glob("assets/**/*.map"):
        path.unlink()
    for path in [*site.glob("assets/**/*.js"), *site.glob("assets/**/*.css")]:
        data = path.read_bytes()
        stripped = _SOURCE_MAP.sub(b"\n", data)
        if stripped != data:
            path.write_bytes(stripped)
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)


def _run_pagefind(site: Path) -> None:
    """Index the built pages for site search (Pagefind's extended build segments Chinese)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"],
                          capture_output=True, text=True)
    if done.returncode != 0 or not (site / "pagefind" / "pagefind.js").exists():
        raise PluginError(f"站内搜索索引（Pagefind）生成失败：{(done.stderr or done.stdout).strip()[:500]}")


def _swap_in(built: Path, final: Path) -> None:
    old = final.parent / f".{final.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(built, final)
    shutil.rmtree(old, ignore_errors=True)


INTERNAL_DIR = "site-internal"


def build_site(root: Path, loaded=None, *, strict: bool = False, site_dir: str | None = None,
               internal: bool = False) -> Path:
    """Build the site of the township at `root` (`loaded` = pipeline.check's result if already run).
    The internal build (walk sheets with households) goes to its own folder, never over the public one.

    Returns the site folder. On any failure the previous site folder is left as it was.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if internal and site_dir is None:
        site_dir = str(root / INTERNAL_DIR)
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir, strict=strict or None)
    plugin = config.plugins["wanjia"]
    assert isinstance(plugin, WanjiaPlugin)
    plugin.config.strict = strict or plugin.config.strict
    plugin.config.internal = internal
    plugin.preloaded = loaded
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert plugin.final_dir is not None  # set by on_config for every build
    return plugin.final_dir


__all__ = ["WanjiaPlugin", "build_site", "Failed"]
