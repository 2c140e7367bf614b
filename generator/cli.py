"""`wanjia`: a thin command line over the pipeline's functions. Messages are for people, in Chinese;
no traceback ever reaches the user (an unexpected failure is logged to the project's cache)."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from pathlib import Path

from . import __version__, pipeline
from .problems import Failed, Pos, Problem, Problems, did_you_mean

REGIONS_CHOICES = ("苏南", "华北", "东北", "华南")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's English usage errors, in Chinese
        self.print_usage(sys.stderr)
        message = (message.replace("the following arguments are required", "缺少参数")
                   .replace("unrecognized arguments", "无法识别的参数")
                   .replace("invalid choice", "无效的选项").replace("argument", "参数"))
        self.exit(2, f"wanjia：错误：{message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wanjia", description="万家：平安法治进万家的宣传资料库与网站生成工具")
    p.add_argument("--version", action="version", version=f"wanjia {__version__}")
    p.add_argument("-C", "--project", default=".", metavar="目录", help="乡镇项目所在目录（含 mkdocs.yml），默认当前目录")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    c = sub.add_parser("check", help="检查所有文件，列出全部问题")
    c.add_argument("--strict", action="store_true", help="警告也算不通过（如有资料待审核）")
    c.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    c.add_argument("--all", action="store_true", help="同类警告全部列出（默认只列前 3 条）")
    c.add_argument("--laws", metavar="目录", help="法律文本库目录，核对每一处引用的条文（默认取 mkdocs.yml 中的设置）")

    b = sub.add_parser("build", help="检查并生成网站（失败时保留原来的网站）")
    b.add_argument("--strict", action="store_true", help="警告也算不通过")
    b.add_argument("-d", "--site-dir", metavar="目录", help="网站输出目录，默认 site/（内部版默认 site-internal/）")
    b.add_argument("--internal", action="store_true",
                   help="内部版：另外生成含农户名单的入户走访登记表和走访记录模板（只在镇村内部使用）")
    b.add_argument("--db", metavar="文件", help="走访记录和账号的数据库（默认 WANJIA_DB，否则在本机用户数据目录，不在仓库里）")

    r = sub.add_parser("records", help="走访记录：导入按登记表填写的 CSV 或 Excel 文件，或全部导出")
    r.add_argument("action", choices=("import", "export"),
                   help="import：导入（计入考核和研判）；export：把数据库里的全部记录（手机上报的和导入的）导出成同样格式的 CSV")
    r.add_argument("file", metavar="文件", help="CSV（UTF-8 或 GBK）或 .xlsx 文件，表头同走访记录模板")
    r.add_argument("--lessons", action="store_true", help="export：导出法治课记录（默认导出走访记录）")
    r.add_argument("--db", metavar="文件", help="走访记录和账号的数据库（默认 WANJIA_DB，否则在本机用户数据目录，不在仓库里）")

    t = sub.add_parser("report", help="走访完成情况、逾期和待跟进、记录核实、研判（下月往哪里推）")
    when = t.add_mutually_exclusive_group()
    when.add_argument("--month", metavar="年-月", help="某个月，如 2027-02（默认：有记录的最近一个月）")
    when.add_argument("--year", type=int, metavar="年份", help="全年（年度考核）")
    t.add_argument("--xlsx", metavar="文件", help="另外写出年度考核用的 Excel 表")
    t.add_argument("--db", metavar="文件", help="走访记录和账号的数据库（默认 WANJIA_DB，否则在本机用户数据目录，不在仓库里）")

    x = sub.add_parser("export-docs", help="把网站的全部页面写成普通的 docs 文件夹和 mkdocs.yml（给不运行 wanjia 插件的网站引擎用）")
    x.add_argument("dir", metavar="目录", help="写到哪个目录（整个替换）")
    x.add_argument("--internal", action="store_true", help="内部版（含农户信息）")

    s = sub.add_parser("serve", help="生成并在本机提供网站（压缩传输、手机可缓存），修改文件后自动重新生成")
    s.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1")
    s.add_argument("--port", type=int, default=8000, help="端口，默认 8000")

    k = sub.add_parser("calendar", help="按月显示一年的节气、节日、假日、农事时段、宣传日和各活动的时间")
    k.add_argument("year", nargs="?", type=int, metavar="年份", help="默认为 data/calendar.yml 中的规划年度")
    k.add_argument("--region", metavar="地区", help="农事区域，默认为乡镇所在地区，如 苏南、华北、东北、华南")

    pl = sub.add_parser("plan", help="排出一年的走村入户安排，显示汇总和没排下的")
    pl.add_argument("year", nargs="?", type=int, metavar="年份", help="默认为 data/calendar.yml 中的规划年度")

    q = sub.add_parser("search", help="用村民的话搜索资料、课程和活动")
    q.add_argument("query", metavar="搜索词")
    q.add_argument("--topic", metavar="主题编号", help="只看某个主题，如 wage-arrears")
    q.add_argument("--audience", metavar="对象编号", help="只看某类宣传对象，如 elderly")
    q.add_argument("--kind", choices=("material", "lesson", "campaign", "law"), help="只看某类内容")
    q.add_argument("--laws", action="store_true", help="也搜索法律文本库（mkdocs.yml 中配置的 laws）")
    q.add_argument("-n", "--limit", type=int, default=8, help="最多显示几条，默认 8")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")

    e = sub.add_parser("eval-search", help="用 tests/search_eval.yml 中的问题评估搜索效果（P@1、P@3、MRR）")
    e.add_argument("--file", default="tests/search_eval.yml", metavar="文件", help="评估问题文件")
    e.add_argument("--site", metavar="目录", help="同时在浏览器里评估已生成网站的手机搜索（需要 chromium）")

    lw = sub.add_parser("laws", help="法律数据库：查条文、看引用的法律是否现行有效、写入条文摘录")
    lw_sub = lw.add_subparsers(dest="laws_action", metavar="操作", parser_class=_Parser, required=True)
    ls = lw_sub.add_parser("show", help="显示一部法律的版本和条文，如 wanjia laws show 劳动合同法 82")
    ls.add_argument("law", metavar="法律名称")
    ls.add_argument("articles", nargs="*", metavar="条", help="条文序号，如 82 或 287之二")
    ls.add_argument("--version", metavar="版本", help="版本日期，默认为规划年度 1 月 1 日施行的版本")
    ls.add_argument("--laws", metavar="目录", help="法律文本库目录（LawRefBook 格式）")
    lst = lw_sub.add_parser("status", help="列出资料和课程引用的每部法律：引用的版本、现行版本、是否废止")
    lst.add_argument("--laws", metavar="目录", help="法律文本库目录（LawRefBook 格式）")
    le = lw_sub.add_parser("extract", help="从法律文本库把引用的行政法规、司法解释等条文写入 data/laws/（摘录）")
    le.add_argument("--from", dest="source", required=True, metavar="目录", help="LawRefBook 格式的法律文本库目录")

    ro = sub.add_parser("roster", help="Excel 台账：把村、网格、干部、包村工作组、学校、请假、值班、会议导出成 Excel，改好再导入")
    ro.add_argument("action", choices=("export", "import"), help="export：导出；import：导入（先全部检查，有错一个都不写）")
    ro.add_argument("file", metavar="文件", help="台账的 .xlsx 文件，如 台账.xlsx")
    ro.add_argument("--households", action="store_true", help="导出时带上农户登记表（内部资料，含姓名电话）")

    n = sub.add_parser("new", help="新建一个乡镇：本镇自己的文件（资料、课程和分类用安装包里的）")
    n.add_argument("dir", metavar="目录", help="新乡镇的目录（不存在或是空的），目录名一般写镇名，如 柳河镇")
    n.add_argument("--region", default="苏南", metavar="地区",
                   help="农事区域：苏南、华北、东北、华南（默认苏南）")
    n.add_argument("--name", metavar="镇名", help="乡镇名称，默认取目录名")

    us = sub.add_parser("users", help="办公室服务器的账号：新增、停用、重设密码（密码只存 argon2 散列）")
    us.add_argument("action", choices=("add", "disable", "reset", "list"), help="add 新增；disable 停用；reset 重设密码；list 列出")
    us.add_argument("name", nargs="?", metavar="账号", help="登录用的账号名，如 李慧")
    us.add_argument("--role", choices=("干部", "综治办"), default="干部", help="干部（含网格员）只能记录自己包的村；综治办看全部")
    us.add_argument("--cadre", metavar="干部编号", help="对应干部名册里的编号（干部必填），如 li-hui")
    us.add_argument("--password-stdin", action="store_true", help="从标准输入读密码（脚本用），否则在终端里输入两遍")
    us.add_argument("--db", metavar="文件", help="走访记录和账号的数据库（默认 WANJIA_DB，否则在本机用户数据目录，不在仓库里）")

    of = sub.add_parser("office", help="镇里的办公室服务器：登录后看内部版、手机上报走访记录（https）")
    of.add_argument("--host", default="127.0.0.1", help="监听地址（默认只本机）；内网用 0.0.0.0 时必须配证书")
    of.add_argument("--port", type=int, default=8443)
    of.add_argument("--cert", metavar="证书", help="TLS 证书文件（PEM）")
    of.add_argument("--key", metavar="私钥", help="TLS 私钥文件（PEM）")
    of.add_argument("--db", metavar="文件", help="走访记录和账号的数据库（默认 WANJIA_DB，否则在本机用户数据目录，不在仓库里）")
    of.add_argument("--allow-http", action="store_true", help="不用 https 也在非本机地址上提供服务（不安全：登录密码明文传输）")

    bk = sub.add_parser("backup", help="备份办公室服务器的数据库（服务器运行时也可以备份）")
    bk.add_argument("file", metavar="文件", help="备份写到哪里，如 备份/2027-01-31.sqlite")
    bk.add_argument("--db", metavar="文件", help="走访记录和账号的数据库（默认 WANJIA_DB，否则在本机用户数据目录，不在仓库里）")

    sub.add_parser("schema", help="重新生成 data/schemas/ 下供编辑器使用的 JSON Schema")
    return p


def _print_problems(problems: Problems, strict: bool, fmt: str = "text", fold: int = 3) -> None:
    if fmt == "json":
        print(problems.as_json())
        return
    if problems.items:
        print(problems.as_text(fold=fold), file=sys.stderr)
    n_err, n_warn = len(problems.errors), len(problems.warnings)
    verdict = "未通过" if problems.failed(strict) else "通过"
    for note in problems.notes:
        print(note, file=sys.stderr)
    print(f"检查{verdict}：{n_err} 个错误，{n_warn} 个警告", file=sys.stderr)


def _checked(args, year: int | None = None, region: str | None = None) -> pipeline.Checked:
    """Every command's way in: the township's files loaded and checked (with the law-text folder of
    mkdocs.yml, if any); on errors the problems are printed and the command stops (Failed)."""
    from .content.load import laws_dir

    return pipeline.checked(args.project, year=year, region=region, laws=laws_dir(args.project),
                            db=getattr(args, "db", None))


def cmd_check(args) -> int:
    from .content.load import laws_dir

    _, problems = pipeline.check(args.project, laws=laws_dir(args.project, args.laws), require_laws=bool(args.laws))
    _print_problems(problems, args.strict, args.format, fold=0 if args.all else 3)
    return 1 if problems.failed(args.strict) else 0


def cmd_build(args) -> int:
    from .content.load import laws_dir
    from .phone_search import forget_counts
    from .site.plugin import build_site

    root = Path(args.project).resolve()
    checked, problems = pipeline.check(root, laws=laws_dir(root), db=args.db)
    if checked is None or problems.failed(args.strict):
        _print_problems(problems, args.strict)
        print("网站没有生成，原来的网站保持不变。", file=sys.stderr)
        return 1
    if problems.warnings:
        _print_problems(problems, args.strict)
    source = pipeline.site_source(checked, internal=args.internal)
    forget_counts()
    site = build_site(root, source, strict=args.strict, site_dir=args.site_dir)
    print(f"{'内部版网站（含农户信息，勿外传）' if args.internal else '网站'}已生成：{site}", file=sys.stderr)
    return 0


def cmd_export_docs(args) -> int:
    from .site.plugin import export_docs

    root = Path(args.project).resolve()
    dest = Path(args.dir).resolve()
    if dest == root or root.is_relative_to(dest) or dest == root / "docs":
        print(f"wanjia：错误：参数 目录「{args.dir}」不能是乡镇项目目录或它的 docs/：请写一个新的目录", file=sys.stderr)
        return 2
    checked = _checked(args)
    export_docs(root, pipeline.site_source(checked, internal=args.internal), dest)
    print(f"已写入 {dest}：用 `mkdocs build -f {dest / 'mkdocs.yml'}` 或其他读 mkdocs.yml 的引擎生成网站"
          "（不含站内搜索索引、隐私检查和离线包）", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    """Build, serve the site as the township box would (compressed, cached), rebuild on change."""
    import threading
    import time

    from .content.load import laws_dir
    from .site.plugin import build_site, finish_preview
    from .site.serve import start

    root = Path(args.project).resolve()

    def build() -> Path | None:
        checked, problems = pipeline.check(root, laws=laws_dir(root))
        if checked is None or problems.errors:
            _print_problems(problems, False)
            print("有错误，网站没有更新；改好后保存即可。", file=sys.stderr)
            return None
        try:
            return build_site(root, pipeline.site_source(checked), preview=True)
        except Exception as e:  # a failed rebuild keeps serving the previous site
            _report_unexpected(root, e)
            return None

    def finish(site: Path) -> None:
        """The site search and the offline zip, a second after the pages."""
        try:
            finish_preview(root, site)
        except Exception as e:  # the pages stand; the search keeps its previous index
            _report_unexpected(root, e)

    site = build()
    if site is None:
        return 1
    finish(site)

    def sources() -> float:
        paths = [root / "mkdocs.yml", *[p for d in ("docs", "data", "campaigns") for p in (root / d).rglob("*")]]
        return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)

    def watch(seen: float) -> None:
        while True:
            time.sleep(0.2)  # what an edit waits before its rebuild starts: a stat of every source file (~5 ms)
            now = sources()
            if now != seen:
                seen = now
                print("文件有改动，正在重新生成……", file=sys.stderr)
                if built := build():
                    print("已更新，刷新浏览器即可看到。", file=sys.stderr)
                    finish(built)

    threading.Thread(target=watch, args=(sources(),), daemon=True).start()
    server, url = start(site, args.host, args.port)
    print(f"预览地址：{url} （按 Ctrl+C 停止）", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.shutdown()


def cmd_records(args) -> int:
    checked = _checked(args)
    with _office_store(args, checked.project) as store:
        return _records(args, checked, store)


def _records(args, checked: pipeline.Checked, store) -> int:
    from .plan.records import export_file, import_file

    if args.action == "export":
        count = export_file(store, checked.project, Path(args.file), lessons=args.lessons)
        what = "法治课记录" if args.lessons else "走访记录（手机上报的和导入的）"
        print(f"已把数据库 {store.path} 的 {count} 条{what}导出到 {args.file}。", file=sys.stderr)
        return 0
    o = pipeline.outreach(checked)
    found = Problems()
    result = import_file(store, Path(args.file), o.project, o.plan_year, o.plan, found)
    if found.errors:
        print(found.as_text(), file=sys.stderr)
    if not result.readable:
        print("没有导入任何记录，原有记录保持不变。", file=sys.stderr)
        return 1
    print(f"{result.kind}导入完成：新增 {result.added} 条，更新 {result.updated} 条，{result.unchanged} 条已导入过；"
          f"{result.rejected} 行有错误没有导入（改正后重新导入即可，已导入的不会重复）。记录保存在数据库 {store.path}。")
    return 1 if result.rejected else 0


def cmd_report(args) -> int:
    from .site.dashboard import assessment_text, assessment_xlsx

    month = None
    if args.month:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", args.month)
        if not m or not 1 <= int(m[2]) <= 12:
            print("wanjia：错误：--month 应写成 2027-02", file=sys.stderr)
            return 2
        month = (int(m[1]), int(m[2]))
    year = (month[0] if month else args.year) or None
    outreach = pipeline.outreach(_checked(args, year))
    if outreach.field.errors:
        print(Problems(list(outreach.field.errors)).as_text() + "\n以上记录或案事件数据有错误，请先改正。", file=sys.stderr)
        return 1
    result = pipeline.assessment(outreach, month, args.year)
    print(assessment_text(outreach, result))
    if args.xlsx:
        try:
            Path(args.xlsx).write_bytes(assessment_xlsx(outreach, result))
        except OSError as e:
            print(f"wanjia：错误：无法写入 {args.xlsx}（{e.strerror}）", file=sys.stderr)
            return 1
        print(f"年度考核表已写入 {args.xlsx}", file=sys.stderr)
    return 0


def cmd_laws(args) -> int:
    import datetime as dt

    from .content import laws
    from .content.load import laws_dir, load_project

    project, problems = load_project(args.project)
    if project is None:
        _print_problems(problems, False)
        return 1
    if args.laws_action == "extract":
        folder = Path(args.source)
        if not folder.is_dir():
            print(f"wanjia：错误：--from 目录 {folder} 不存在", file=sys.stderr)
            return 2
        written, removed, missing = laws.write_extracts(Path(args.project), (*project.materials, *project.lessons),
                                                        folder)
        for path in written:
            print(f"已写入 {path}", file=sys.stderr)
        for path in removed:
            print(f"已删除（不再引用）{path}", file=sys.stderr)
        for what in missing:
            print(f"文本库中没有：{what}", file=sys.stderr)
        print(f"摘录：写入 {len(written)} 个，删除 {len(removed)} 个，缺 {len(missing)} 处", file=sys.stderr)
        return 1 if missing else 0
    given = laws_dir(args.project, args.laws)
    library = laws.open_library(Path(args.project), given if given and given.is_dir() else None)
    day = dt.date(project.calendar.year, 1, 1)
    if args.laws_action == "status":
        from .report import law_status_text

        print(law_status_text(project, library, day))
        return 0
    name = args.law.removeprefix(laws.PREFIX)
    if not library.versions(name):


        print(f"wanjia：错误：法律数据库中没有《{name}》{did_you_mean(name, library.laws)}", file=sys.stderr)
        return 1
    version = args.version or library.in_force(name, day) or library.versions(name)[-1]
    from .report import law_text

    wanted = [laws.parse_article_no(a) for a in args.articles]
    if None in wanted:
        print("wanjia：错误：条文序号应写成 82 或 287之二", file=sys.stderr)
        return 2
    print(law_text(library, name, version, [w for w in wanted if w], day))
    return 0


def cmd_new(args) -> int:
    import datetime as dt

    from .content.scaffold import new_township

    dest = Path(args.dir)
    if dest.exists() and any(dest.iterdir()):
        print(f"wanjia：错误：参数 目录「{args.dir}」已存在且不是空的：请写一个新的目录", file=sys.stderr)
        return 2
    if args.region not in REGIONS_CHOICES:


        print(f"wanjia：错误：参数 --region：未知的农事区域「{args.region}」"
              f"{did_you_mean(args.region, REGIONS_CHOICES) or '，'}（可选：{'、'.join(REGIONS_CHOICES)}）", file=sys.stderr)
        return 2
    name = args.name or dest.resolve().name
    if not re.search(r"[\u4e00-\u9fff]", name):
        print("wanjia：错误：请用 --name 写乡镇的中文名称，如 --name 柳河镇（目录名不是中文）", file=sys.stderr)
        return 2
    written = new_township(dest, name, args.region, dt.date.today())
    print(f"已新建 {name}（{args.region}）：{dest}，写入 {len(written)} 个文件。\n"
          f"下一步：cd {dest} && wanjia roster export 台账.xlsx，在 Excel 里填好村、网格、干部，"
          "再 wanjia roster import 台账.xlsx；然后 wanjia check、wanjia build。", file=sys.stderr)
    return 0


def cmd_roster(args) -> int:
    from .content import roster

    root, path = Path(args.project).resolve(), Path(args.file)
    if args.action == "export":
        import datetime as dt

        data = roster.export_workbook(root, args.households, dt.date.today().year)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except PermissionError:
            tmp.unlink(missing_ok=True)
            print(f"wanjia：错误：{path} 写不进去：是不是正在 Excel 或 WPS 里打开？关掉后再导出", file=sys.stderr)
            return 1
        extra = "（含农户登记表：内部资料，勿外传）" if args.households else ""
        print(f"已导出 {path}{extra}。在 Excel 或 WPS 里改好，再运行 wanjia roster import {path.name}。", file=sys.stderr)
        return 0
    found = Problems()
    imported = roster.read_roster(root, path, found)
    if imported is not None:
        found.extend(roster.check_import(root, imported, path.name, found))
    if found.items:
        print(found.as_text(fold=0), file=sys.stderr)
    if imported is None or found.errors:
        print(f"导入未完成：{len(found.errors)} 个错误；什么都没有写入，原有文件保持不变。", file=sys.stderr)
        return 1
    changed = roster.write_import(root, imported)
    for line in imported.new_ids:
        print(f"新增：{line}", file=sys.stderr)
    for line in imported.removed:
        print(f"已删除（台账里没有了）：{line}", file=sys.stderr)
    if changed:
        print(f"导入完成：已更新 {'、'.join(changed)}（原有的注释和台账以外的内容都保留）。下一步：wanjia check。",
              file=sys.stderr)
    else:
        print("台账和现有文件一致，没有改动。", file=sys.stderr)
    return 0


def _office_store(args, project):
    """The township's database (--db, WANJIA_DB or the user's data folder); one that cannot be opened
    (a newer version's, a locked or unreadable file) is said in Chinese, at its path."""
    import sqlite3

    from .store import Store, database_path

    path = database_path(project.township.id, args.db)
    try:
        return Store(path)
    except (OSError, sqlite3.Error) as e:
        raise Failed(Problems([Problem(Pos(str(path)), "error", f"打不开走访记录数据库：{e}")])) from None


def cmd_users(args) -> int:
    project = _checked(args).project
    with _office_store(args, project) as store:
        return _users(args, project, store)


def _users(args, project, store) -> int:
    import getpass

    from .office.app import hash_password

    if args.action == "list":
        for row in store.db.execute("SELECT name, role, cadre, disabled FROM users ORDER BY name"):
            print(f"{row[0]}\t{row[1]}\t{row[2] or ''}\t{'已停用' if row[3] else ''}")
        return 0
    if not args.name:
        print("wanjia：错误：请写账号名，如 wanjia users add 李慧 --cadre li-hui", file=sys.stderr)
        return 2
    exists = store.user(args.name) is not None
    if args.action in ("disable", "reset") and not exists:
        print(f"wanjia：错误：没有账号「{args.name}」（wanjia users list 查看）", file=sys.stderr)
        return 1
    if args.action == "disable":
        store.disable(args.name, "命令行")
        print(f"已停用「{args.name}」，已登录的手机也退出了。", file=sys.stderr)
        return 0
    if args.action == "add":
        if exists:
            print(f"wanjia：错误：账号「{args.name}」已经有了；改密码用 wanjia users reset", file=sys.stderr)
            return 1
        if args.role == "干部" and args.cadre not in project.cadre:
            hint = did_you_mean(args.cadre or "", project.cadre)
            print(f"wanjia：错误：--cadre 应为干部名册里的编号{hint or '（如 li-hui）'}", file=sys.stderr)
            return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输一遍：") != password:
            print("wanjia：错误：两次输入的密码不一样", file=sys.stderr)
            return 1
    if len(password) < 10:
        print("wanjia：错误：密码至少 10 位（可以用一句好记的话）", file=sys.stderr)
        return 1
    if args.action == "add":
        store.add_user(args.name, args.cadre, args.role, hash_password(password), "命令行")
        print(f"已新增账号「{args.name}」（{args.role}）。", file=sys.stderr)
    else:
        store.set_password(args.name, hash_password(password), "命令行")
        print(f"已重设「{args.name}」的密码，原来登录的手机要重新登录。", file=sys.stderr)
    return 0


def cmd_office(args) -> int:
    import ipaddress

    import uvicorn

    from .office.app import make_app

    loopback = args.host == "localhost" or ipaddress.ip_address(args.host if args.host != "localhost" else "127.0.0.1").is_loopback
    secure = bool(args.cert and args.key)
    if not secure and not loopback:
        if not args.allow_http:
            print("wanjia：错误：在内网地址上提供服务必须用 https（--cert 证书 --key 私钥）：没有 https，登录密码和农户信息"
                  "会明文传输，手机也不能离线使用。确实只在测试时用，才加 --allow-http。", file=sys.stderr)
            return 2
        print("警告：没有 https，登录密码和农户信息在网络上明文传输。只可用于测试。", file=sys.stderr)
    checked = _checked(args)
    site = Path(args.project).resolve() / "site-internal"
    store = _office_store(args, checked.project)
    outreach = pipeline.outreach(checked)
    app = make_app(checked.project, store, site if site.is_dir() else None, secure, outreach.plan)
    scheme = "https" if secure else "http"
    print(f"办公室服务器：{scheme}://{args.host}:{args.port}/login （按 Ctrl+C 停止）", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.cert, ssl_keyfile=args.key,
                log_level="warning", access_log=False)
    return 0


def cmd_backup(args) -> int:
    project = _checked(args).project
    dest = Path(args.file)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _office_store(args, project) as store:
        store.backup(dest)
    print(f"已备份到 {dest}。恢复：停掉服务器，把这个文件复制回数据库的位置（{store.path}）。", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from .content.json_schema import write_schemas

    for path in write_schemas(Path(args.project)):
        print(f"已写入 {path}", file=sys.stderr)
    return 0


def cmd_calendar(args) -> int:
    from .report import calendar_text

    if args.year is not None and not 2000 <= args.year <= 2100:
        print("wanjia：错误：年份应在 2000 到 2100 之间", file=sys.stderr)
        return 2
    checked = _checked(args, args.year, args.region)
    print(calendar_text(checked.project, checked.plan_year))  # the calendar's own notes are part of its text
    return 0


def cmd_plan(args) -> int:
    from .report import plan_text

    print(plan_text(pipeline.outreach(_checked(args, args.year))))
    return 0


def cmd_search(args) -> int:
    checked = _checked(args)
    project = checked.project
    with pipeline.knowledge_index(project, checked.laws if args.laws else None) as searcher:
        answer = searcher.search(args.query, topic=args.topic, audience=args.audience, kind=args.kind,
                                 limit=args.limit)
    if args.json:
        print(json.dumps({"query": answer.query, "words": answer.words, "relaxed": answer.relaxed,
                          "suggestions": answer.suggestions,
                          "hits": [h.__dict__ for h in answer.hits]}, ensure_ascii=False, indent=2))
        return 0
    from .report import search_text
    print(search_text(answer, project))
    return 0


def cmd_eval_search(args) -> int:
    from .dev.search_eval import evaluate, print_table

    rows = evaluate(_checked(args).project, Path(args.project) / args.file, site=Path(args.site) if args.site else None)
    print(print_table(rows))
    return 0


ENGINE_COMMANDS = ("build", "serve", "export-docs")
COMMANDS = {"check": cmd_check, "plan": cmd_plan, "search": cmd_search, "eval-search": cmd_eval_search, "build": cmd_build, "serve": cmd_serve, "calendar": cmd_calendar,
            "schema": cmd_schema, "records": cmd_records, "report": cmd_report, "laws": cmd_laws,
            "export-docs": cmd_export_docs, "new": cmd_new, "roster": cmd_roster, "users": cmd_users,
            "office": cmd_office, "backup": cmd_backup}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    if args.command in ENGINE_COMMANDS:
        from .site.plugin import quiet_engine_logs

        quiet_engine_logs()
    root = Path(args.project)
    if args.command not in ("schema", "new") and not (root / "mkdocs.yml").exists():
        print(f"wanjia：错误：{root.resolve()} 下没有 mkdocs.yml；请在乡镇项目目录中运行，或用 -C 指定目录",
              file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](args)
    except Failed as e:
        _print_problems(e.problems, False)
        return 1
    except KeyboardInterrupt:
        print("已停止。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stdout = open(os.devnull, "w")
        return 0
    except Exception as e:  # an engine abort or our own bug: one line for the user, details in a log
        return _report_unexpected(root, e)


def _report_unexpected(root: Path, error: Exception) -> int:
    from .site.plugin import EngineFailed

    if isinstance(error, EngineFailed):
        print(f"wanjia：网站生成失败：{error}；原来的网站保持不变。", file=sys.stderr)
        return 1
    log = root / ".cache" / "wanjia" / "last-error.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
        where = f"详细信息已写入 {log}"
    except OSError:
        where = "无法写入错误日志"
    print(f"wanjia：内部错误（{type(error).__name__}: {error}）。{where}，请报告给维护人员。", file=sys.stderr)
    return 3
