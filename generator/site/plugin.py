"""The site engine's adapter: the only module that knows mkdocs.

The pipeline hands it a SiteSource (every page, generated or the township's own decorated); the
plugin gives those pages to mkdocs as in-memory files, runs the post-build steps (the privacy
scan, the offline bundle) and makes a build all-or-nothing: mkdocs writes into a sibling
folder that replaces site/ only when the whole build succeeded. `export_docs` writes the same pages
as a plain docs folder, for any other engine that reads mkdocs.yml.

Under `wanjia build` the CLI runs the pipeline and passes its result in; under a plain `mkdocs
build` the plugin asks the pipeline itself — the engine's entry into the pipeline, and the one
place a site module calls up.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import jinja2
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from ..cache import project_cache
from ..content import privacy
from ..content.words import Vocabulary
from ..problems import Failed
from . import bundle, rawhtml
from .inputs import SiteSource
from .pages import NAV

log = logging.getLogger("mkdocs.plugins.wanjia")

THEME_DIR = Path(__file__).parent / "theme"
INTERNAL_DIR = "site-internal"
INTERNAL_NAV = {"内部：走访登记表": "internal/index.md"}


class EngineFailed(Exception):
    """The site engine stopped; the message (Chinese) says why. The previous site is untouched."""


class WanjiaConfig(Config):
    strict = opt.Type(bool, default=False)  # warnings (e.g. unreviewed materials) fail the build
    laws = opt.Optional(opt.Type(str))      # a law-text folder (LawRefBook format), relative to mkdocs.yml
    internal = opt.Type(bool, default=False)  # add walk sheets with households (never for the public)


class WanjiaPlugin(BasePlugin[WanjiaConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.final_dir: Path | None = None
        self.source: SiteSource | None = None  # this build's pages (taken by on_files, see SiteSource)
        self.given: SiteSource | None = None   # handed over by `wanjia build` or serve, for one build
        self.warnings = CountHandler()
        self.aborted_for_warnings = False
        self.pages_key = ""   # what every page's rendering depends on besides its own Markdown
        self.nav = None       # this build's menu (its titles are known once every page is rendered)
        self.outputs: PageOutputs | None = None   # pages the previous site already has as they would be
        self.preview = False  # under serve: the site search and the zip follow the pages (finish_preview)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        # mkdocs keeps a plugin instance from build to build in one process (a serve, the tests):
        # every build takes its own source, never the last one's.
        self.source, self.given = self.given, None
        if self.source is None:  # a plain `mkdocs build` or `mkdocs serve`
            from .. import pipeline

            root = Path(config.config_file_path).parent
            laws = (root / self.config.laws).resolve() if self.config.laws else None
            try:
                self.source, problems = pipeline.prepare_build(root, laws, self.config.strict, self.config.internal)
            except Failed as e:
                raise PluginError(_failure_text(e.problems)) from None
            for p in problems.warnings:
                log.info(str(p))
        config.nav = NAV + ([INTERNAL_NAV] if self.source.internal else [])
        config.extra["wanjia_internal"] = self.source.internal
        config.theme.dirs.insert(0, str(THEME_DIR))  # our header, search box and page marks
        if rawhtml.NAME not in config.markdown_extensions:   # the plan's pages are HTML in blocks
            config.markdown_extensions.append(rawhtml.NAME)
        # Our own files under fixed names get ?v=<their content's hash>, and so does the service
        # worker: a rebuild that changes them reaches phones that saved the old ones.
        config.extra["wj_v"] = assets_version()
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
        assert self.source is not None
        for src_uri, content in self.source.pages.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src_uri, content=content))
        self.source.pages.clear()   # mkdocs' files hold them now (see SiteSource)
        # A page's HTML depends on its Markdown, the Markdown settings and where every file lands (its
        # links are checked and rewritten against them): those, and this code, key its cache entry.
        # Hashed once here: a county's file list is half a megabyte, and every page's key holds it.
        self.pages_key = hashlib.sha256(json.dumps(
            [sorted((f.src_uri, f.dest_uri) for f in files), config.use_directory_urls,
             config.markdown_extensions, config.mdx_configs], ensure_ascii=False, default=repr).encode()).hexdigest()
        return files

    def on_nav(self, nav, *, config, files):
        assert self.source is not None
        _render_ahead(config, files, project_cache(self.source.project.root), self.pages_key)
        self.nav = nav
        return nav

    def on_env(self, env, *, config, files):
        # Compiling the theme's templates is half a second of every build; jinja keeps the compiled
        # code under the source's checksum and this Python's bytecode version, so an edit recompiles.
        assert self.source is not None
        folder = project_cache(self.source.project.root).folder
        try:
            if folder is not None:
                (folder / "jinja").mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder / "jinja"))
        except OSError:   # a read-only folder costs speed, never the build
            pass
        # Another plugin's page hooks would not run on a page taken from the previous site.
        others = [h for event in ("page_context", "post_page") for h in config.plugins.events[event]
                  if getattr(h, "__self__", None) is not self]
        self.outputs = None if others else PageOutputs(project_cache(self.source.project.root), self.final_dir,
                                                       _site_key(config, self.nav))
        return env

    def on_pre_page(self, page, *, config, files):
        assert self.source is not None
        page.render = _cached_render(page, project_cache(self.source.project.root), self.pages_key, self.warnings)
        return page

    # What a page no longer needs is let go at once: a county's 4,885 pages hold 139 M characters of
    # Markdown and more of HTML, and mkdocs keeps every page until the build ends.
    def on_page_content(self, html, *, page, config, files):
        page.markdown = None   # rendered (the templates do not read it)
        page.file.content_string = ""   # and read: a generated page's text lives only here
        return html

    def on_page_context(self, context, *, page, config, nav):
        if self.outputs is not None:
            done = self.outputs.lookup(page)
            if done is not None:
                context["wj_page"] = done   # main.html then renders this, and nothing else
        return context

    def on_post_page(self, output, *, page, config):
        if self.outputs is not None:
            self.outputs.store(page, output)
        page.content = None    # in `output`, which mkdocs writes next
        return output

    def on_post_build(self, *, config) -> None:
        assert self.source is not None
        site = Path(config.site_dir)
        _drop_build_noise(site)
        # Under serve (preview) the zip comes a second after the pages (finish_preview).
        later = self.preview and not self.source.internal and self.final_dir is not None
        project = self.source.project
        if not self.source.internal:  # the last gate: nothing household-level leaves in a public build
            found = privacy.check_site(project, site, project_cache(project.root), Vocabulary.of(project.synonyms).digest)
            if found:
                shutil.rmtree(site, ignore_errors=True)
                raise PluginError("\n".join(found[:20]) + (f"\n……共 {len(found)} 处" if len(found) > 20 else "")
                                  + "\n公开网站中发现农户个人信息（见上，文件:行:列），网站没有生成，原来的网站保持不变。")
            name = f"{self.source.project.township.name}法治宣传（离线版）"
            if later:
                assert self.final_dir is not None
                _carry_over(self.final_dir, site)
                _PENDING[self.final_dir] = partial(bundle.make, folder=name, cache=project_cache(project.root))
            else:
                bundle.make(site, name, project_cache(project.root))
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.final_dir is not None:
            if config.strict and self.warnings.get_counts():
                shutil.rmtree(site, ignore_errors=True)
                self.aborted_for_warnings = True
                return  # mkdocs aborts right after this hook
            _swap_in(site, self.final_dir)

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.final_dir is not None:
            shutil.rmtree(self.final_dir.parent / f".{self.final_dir.name}.building", ignore_errors=True)


def _cached_render(page, cache, context: str, warnings: CountHandler):
    """`page.render`, made once per Markdown text: Python-Markdown is most of a rebuild's time and
    an edit changes a page or two. A render that warned (a broken link) is never stored, so a
    rebuild warns again; what it sets on the page is stored whole and set back on a hit."""
    from mkdocs.structure.toc import get_toc

    render = page.render

    def tokens(items) -> list[dict]:
        return [{"name": a.title, "id": a.id, "level": a.level, "children": tokens(a.children)} for a in items]

    def cached(config, files) -> None:
        key = _page_key(context, page)
        found = cache.get("page", key)
        if found is not None:
            data = json.loads(found)
            page.content, page.toc = data["content"], get_toc(data["toc"])
            page._title_from_render, page.present_anchor_ids = data["title"], set(data["anchors"])
            if data["links"] is not None:
                page.links_to_anchors = {files.get_file_from_path(uri): links for uri, links in data["links"].items()}
            return
        before = dict(warnings.get_counts())
        render(config, files)
        if dict(warnings.get_counts()) != before:
            return
        links = None if page.links_to_anchors is None else {
            f.src_uri: a for f, a in page.links_to_anchors.items()}
        cache.put("page", key, json.dumps({"content": page.content, "toc": tokens(page.toc.items),
                                           "title": page._title_from_render, "anchors": sorted(page.present_anchor_ids or ()),
                                           "links": links}, ensure_ascii=False).encode("utf-8"))

    return cached


RENDER_JOBS = "WANJIA_JOBS"   # processes that render pages ahead (default: one per core; 1: none)
RENDERS_PER_FORK = 200        # pages a renderer renders before a fresh fork takes over
CHUNK = 4                     # pages handed to a renderer at a time (a task, to multiprocessing)
_AHEAD: list = []             # what the forked renderers share with the build: (pages, config, files, cache, context)


def _render_ahead(config, files, cache, context: str) -> int:
    """Render on every core the pages whose HTML the cache lacks, into the cache, before mkdocs'
    own loop (one page at a time, one core) finds them there. The same code on the same inputs in a
    fork of this process, so the site is byte for byte a one-process build's: the parent then reads
    every page from the cache, as a rebuild does. A page whose render warned or failed is not stored,
    and mkdocs' loop renders it again and reports it. Only where fork is safe (POSIX, no other
    thread: not under serve's watcher), only for a cold build's worth of pages, and only where no
    other plugin changes a page's Markdown (its hook would run twice). Returns the pages rendered."""
    import multiprocessing
    import threading

    from mkdocs.structure.pages import Page

    jobs = int(os.environ.get(RENDER_JOBS) or os.cpu_count() or 1)
    if jobs < 2 or os.name != "posix" or threading.active_count() > 1 or config.plugins.events["page_markdown"]:
        return 0
    todo = []
    for file in files.documentation_pages():
        page = file.page if file.page is not None else Page(None, file, config)  # as mkdocs' loop would make it
        page.read_source(config)
        if cache.has("page", _page_key(context, page)):
            page.markdown = None   # mkdocs' loop reads it again
        else:
            todo.append(page)
    if len(todo) < 8 * jobs:   # an edit's page or two: forking costs more than it saves
        for page in todo:
            page.markdown = None
        return 0
    todo.sort(key=lambda page: -len(page.markdown or ""))   # the longest first, so the cores end together
    _AHEAD[:] = [todo, config, files, cache, context]
    gc.freeze()   # the collector would touch, and so copy into each fork, every object it tracks
    try:
        # A renderer is forked afresh every 200 pages: what rendering leaves in a process (its own
        # heap, the parent's pages it touched and so copied) is let go, and the build's peak with it.
        with multiprocessing.get_context("fork").Pool(min(jobs, len(todo)), initializer=_quiet_renderer,
                                                      maxtasksperchild=RENDERS_PER_FORK // CHUNK) as pool:
            for _ in pool.imap_unordered(_render_one, range(len(todo)), chunksize=CHUNK):
                pass
    finally:
        gc.unfreeze()
        _AHEAD.clear()
        for page in todo:
            page.markdown = None
    return len(todo)


def _quiet_renderer() -> None:
    """A forked renderer says nothing: what a render warns about, mkdocs' loop renders and says again."""
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = []
    logger.propagate = False


def _render_one(i: int) -> None:
    todo, config, files, cache, context = _AHEAD
    page = todo[i]
    config._current_page = page
    try:
        counter = CountHandler()
        counter.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(counter)
        _cached_render(page, cache, context, counter)(config, files)
    except Exception:  # noqa: BLE001 — mkdocs' own loop renders it again and reports the error
        pass
    finally:
        page.markdown = page.content = page.toc = None   # stored; this fork goes on to the next page
        logging.getLogger("mkdocs").handlers[:] = []
        config._current_page = None


def _page_key(context: str, page) -> str:
    return f"{context}\0{page.file.src_uri}\0{page.markdown}"


class PageOutputs:
    """A page's final HTML taken from the previous site when nothing it is made of changed: the
    theme's templates (Jinja) are a third of a rebuild, and an edit changes a page or two. Made of:
    the page's HTML and the fields the templates read, the menu (every title and address: it is on
    every page), the site's settings, and through the cache's key the templates and this code. The
    cache keeps only the digest of what was written; the previous site's file is used only while
    its bytes still have that digest."""

    def __init__(self, cache, previous: Path | None, site_key: str) -> None:
        self.cache, self.previous, self.site_key = cache, previous, site_key
        self.keys: dict[str, str] = {}   # src_uri → a missed page's key, between context and post_page

    def key(self, page) -> str:
        fields = [page.file.src_uri, page.file.dest_uri, page.url, page.title, page.canonical_url, page.edit_url,
                  page.is_homepage, page.meta, [(a.title, a.id, a.level) for a in _anchors(page.toc)]]
        digest = hashlib.sha256(json.dumps(fields, ensure_ascii=False, default=_plain, sort_keys=True).encode())
        digest.update(b"\0" + (page.content or "").encode("utf-8", "surrogatepass"))
        return f"{self.site_key}\0{digest.hexdigest()}"

    def lookup(self, page) -> str | None:
        key = self.key(page)
        want = self.cache.get("output", key)
        data = None
        if want is not None and self.previous is not None:
            try:
                data = (self.previous / page.file.dest_uri).read_bytes()
            except OSError:
                pass
        if data is not None and hashlib.sha256(data).digest() == want:
            return data.decode("utf-8")
        self.keys[page.file.src_uri] = key
        return None

    def store(self, page, output: str) -> None:
        key = self.keys.pop(page.file.src_uri, None)
        if key is not None:   # as mkdocs writes it
            self.cache.put("output", key, hashlib.sha256(output.encode("utf-8", errors="xmlcharrefreplace")).digest())


def _anchors(items):
    for item in items:
        yield item
        yield from _anchors(item.children)


def _plain(value):
    """Settings as JSON, the same from run to run (a set's order is not)."""
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, Mapping):
        return dict(value)
    return repr(value)


def _site_key(config, nav) -> str:
    """What every page's final HTML depends on besides the page: the menu, every title and
    address in it, and the settings (the theme's, the site name, the asset version …)."""
    def tokens(items) -> list:
        return [[type(i).__name__, i.title, getattr(i, "url", None), tokens(i.children or [])] for i in items]

    settings = {k: v for k, v in config.items() if k != "plugins"}
    digest = hashlib.sha256(json.dumps([tokens(nav.items if nav is not None else []), settings, config.theme.dirs],
                                       ensure_ascii=False, default=_plain, sort_keys=True).encode())
    # Our theme and the installed ones are in the cache's key (code, versions); a township's own
    # custom_dir is not, so its files are.
    import material
    import mkdocs

    known = [THEME_DIR, Path(material.__file__).parent, Path(mkdocs.__file__).parent]
    for folder in map(Path, config.theme.dirs):
        if not any(folder.is_relative_to(k) for k in known):
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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


def _carry_over(previous: Path, site: Path) -> None:
    """The previous build's zip, hard-linked into a preview until finish_preview replaces it: the
    served site always offers one."""
    def link(src, dst) -> None:
        try:
            os.link(src, dst)
        except OSError:   # a file system without hard links (a FAT stick)
            shutil.copy2(src, dst)

    old = previous / bundle.NAME
    if old.is_file():
        link(old, site / bundle.NAME)


_PENDING: dict[Path, partial] = {}   # site folder → its preview's second step


def finish_preview(root: Path, site: Path) -> None:
    """Run what a preview build left for later (the zip), one build at a time."""
    from ..locking import held

    step = _PENDING.pop(site, None)
    if step is None:
        return
    with held(root / ".cache" / "wanjia" / "build.lock", BUILD_WAIT, "另一个 wanjia 一直在生成网站"):
        try:
            step(site)
        except PluginError as e:
            raise EngineFailed(str(e)) from None


def _swap_in(built: Path, final: Path) -> None:
    old = final.parent / f".{final.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(built, final)
    shutil.rmtree(old, ignore_errors=True)


BUILD_WAIT = 600.0  # seconds a build waits for another one (wanjia build, or serve's rebuild) to finish


def build_site(root: Path, source: SiteSource, *, strict: bool = False, site_dir: str | None = None,
               preview: bool = False) -> Path:
    """Build the township's site from `source`, one build at a time per township: builds share the
    staging folder and the caches, so a second one waits for the first (and says so). A `preview`
    (serve) swaps the pages in first, with the previous zip; finish_preview then makes the new
    one."""
    from ..locking import Busy, held

    def waiting() -> None:
        print("另一个 wanjia 正在生成这个乡镇的网站，等它完成后接着生成……", file=sys.stderr)

    from contextlib import ExitStack

    with ExitStack() as stack:
        try:
            stack.enter_context(held(root / ".cache" / "wanjia" / "build.lock", BUILD_WAIT, "", on_wait=waiting))
        except Busy:
            raise EngineFailed(f"另一个 wanjia build 或 serve 一直在生成网站（等了 {BUILD_WAIT / 60:.0f} 分钟）："
                               "请等它结束，或关掉它再试") from None
        site = _build_site(root, source, strict=strict, site_dir=site_dir, preview=preview)
        project_cache(root).prune()   # under the lock: no other build is writing entries
        return site


def _build_site(root: Path, source: SiteSource, *, strict: bool = False, site_dir: str | None = None,
                preview: bool = False) -> Path:
    """The build itself. The internal build (walk sheets with households) goes to its own folder,
    never over the public one. Returns the site folder; on any failure raises EngineFailed, and
    the previous site folder is left as it was."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if source.internal and site_dir is None:
        site_dir = str(root / INTERNAL_DIR)
    # A township may keep no pages of its own (all from the package), and git keeps no empty folder:
    # the engine needs its docs folder to exist, even empty.
    (root / "docs").mkdir(exist_ok=True)
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site_dir, strict=strict or None)
    except (ConfigurationError, Abort) as e:
        raise EngineFailed(f"mkdocs.yml 有错误：{e}") from None
    plugin = config.plugins.get("wanjia")
    if not isinstance(plugin, WanjiaPlugin):
        raise EngineFailed("mkdocs.yml 的 plugins 中没有 wanjia：请加上 `- wanjia`")
    plugin.config.strict = strict or plugin.config.strict
    plugin.given = source
    plugin.preview = preview
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except (Abort, BuildError, PluginError) as e:
        why = ("严格模式下网站引擎报告了警告（见上）" if plugin.aborted_for_warnings
               else str(e) if isinstance(e, PluginError) else "见上")
        raise EngineFailed(why) from None
    finally:
        config.plugins.on_shutdown()
    assert plugin.final_dir is not None  # set by on_config for every build
    return plugin.final_dir


def assets_version() -> str:
    """A short hash of the code the pages load under a fixed name (wanjia.css, wanjia.js, the
    service worker). Not of the content: the phone's search files carry their own version (in
    their head, which the phone always asks of the network first), so an edit to a material
    changes only the pages that show it, and a phone refreshes only those."""
    digest = hashlib.sha256()
    for name in ("assets/wanjia.css", "assets/wanjia.js", "assets/wanjia-image.js", "sw.js"):
        digest.update((THEME_DIR / name).read_bytes())
    return digest.hexdigest()[:10]


def export_docs(root: Path, source: SiteSource, dest: Path) -> Path:
    """The site as a plain docs folder and mkdocs.yml, for an engine that does not run mkdocs
    plugins (Zensical ignores `plugins: - wanjia`): the township's docs/, every page of `source`
    written as a file, our theme overrides, the nav. Post-build steps (privacy scan, offline
    bundle) are not part of it. Written beside `dest` and swapped in whole."""
    import yaml

    tmp = dest.parent / f".{dest.name}.exporting"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(root / "docs", tmp / "docs")
    for rel, content in source.pages.items():
        path = tmp / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    shutil.copytree(THEME_DIR, tmp / "overrides")
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    config["plugins"] = [p for p in config.get("plugins") or [] if p != "wanjia" and not (
        isinstance(p, dict) and "wanjia" in p)]
    config["docs_dir"] = "docs"
    config.setdefault("theme", {})["custom_dir"] = "overrides"
    config["nav"] = NAV + ([INTERNAL_NAV] if source.internal else [])
    config.setdefault("extra", {})["wanjia_internal"] = source.internal
    config["extra"]["wj_v"] = assets_version()
    config["validation"] = {"nav": {"omitted_files": "info"}, "links": {"not_found": "warn"}}
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    _swap_in(tmp, dest)
    return dest


class _EngineFormatter(logging.Formatter):
    """The engine's own English lines are marked as such; our Chinese messages (raised through the
    engine as plugin errors) are shown as they are, so `file:line:col:` starts the line."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return text if re.search(r"[\u4e00-\u9fff]", text) else f"网站引擎：{text}"


def quiet_engine_logs() -> None:
    """mkdocs speaks English at INFO level; keep its warnings, in one compact line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EngineFormatter())
    handler.setLevel(logging.WARNING)
    mk = logging.getLogger("mkdocs")
    mk.handlers[:] = [handler]
    mk.setLevel(logging.WARNING)
    mk.propagate = False


__all__ = ["WanjiaPlugin", "EngineFailed", "build_site", "export_docs", "quiet_engine_logs"]
