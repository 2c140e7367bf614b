"""Each broken input gives a Chinese message at the right file and line, exit status 1, no
traceback, and leaves the previous site exactly as it was."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import own_file

MAT = "docs/materials/work/wage-arrears-contractor-ran.md"
CAMP = "campaigns/winter-door-to-door.yml"
TOWN = "data/township.yml"
REG = "data/households.csv"


@dataclass
class Case:
    name: str
    path: str
    message: str
    old: str = ""
    new: str = ""
    content: str | bytes | None = None   # replaces the whole file
    line: int | str | None = None        # an int, or text whose (first) line in the result is meant
    where: str = ""                      # the file the message names, when not `path`

    def apply(self, root: Path) -> None:
        target = own_file(root, self.path)
        if self.content is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            data = self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")
            target.write_bytes(data)
            return
        text = target.read_text("utf-8")
        assert self.old in text, f"fixture out of date: {self.old!r} not in {self.path}"
        target.write_text(text.replace(self.old, self.new, 1), "utf-8")

    def expected_line(self, root: Path) -> int | None:
        if isinstance(self.line, int) or self.line is None:
            return self.line
        text = own_file(root, self.where or self.path).read_text("utf-8", errors="replace")
        return text[: text.index(self.line)].count("\n") + 1



CASES = [
    Case("yaml-syntax-unclosed", TOWN, "YAML 语法错误", old="team: {leader: zhou-guohua, heads: [xu-ming, yang-chunsheng]}",
         new="team: {leader: zhou-guohua, heads: [xu-ming, yang-chunsheng}", line="team: {leader: zhou-guohua"),
    Case("yaml-tab-indent", CAMP, "Tab", old="  - {period: 冬闲}", new="\t- {period: 冬闲}", line="\t- {period"),
    Case("yaml-colon-in-text", CAMP, "冒号", old="goal: 利用冬闲", new="goal: 目标: 利用冬闲", line="goal:"),
    Case("wrong-type-int", TOWN, "应为整数，实际为文字「一百」", old="households: 212", new="households: 一百",
         line="households: 一百"),
    Case("wrong-type-list", MAT, "应为列表", old="articles: [3, 10, 30, 34, 36]", new="articles: 30", line="articles: 30"),
    Case("int-out-of-range", TOWN, "超出范围", old="households: 186", new="households: -5", line="households: -5"),
    Case("missing-required", CAMP, "缺少必填的键「goal」", old="goal: 利用冬闲农户在家的时间，", new="# ", line=2),
    Case("empty-required", MAT, "必填的键「title」不能为空", old="title: 包工头跑了，工钱找谁要？", new="title:", line=2),
    Case("unknown-key-suggest", TOWN, "您是不是想写「households」", old="households: 231", new="housholds: 231",
         line="housholds"),
    Case("unknown-key-frontmatter", MAT, "您是不是想写「summary」", old="summary:", new="sumary:", line="sumary"),
    Case("unknown-topic", CAMP, "未知的主题编号「fire-safty」，您是不是想写「fire-safety」", old="fire-safety,",
         new="fire-safty,", line="topics:"),
    Case("unknown-audience", MAT, "未知的宣传对象编号「migrant-worker」", old="audiences: [migrant-workers]",
         new="audiences: [migrant-worker]", line="audiences:"),
    Case("unknown-village", "campaigns/rental-migrant-registration.yml", "未知的村编号「xinqio」",
         old="villages: {min_rental: 20}", new="villages: [xinqio, taoyuan]", line="villages:"),
    Case("unknown-cadre-leader", TOWN, "未知的干部编号「zhou-guohau」", old="leader: zhou-guohua,",
         new="leader: zhou-guohau,", line="zhou-guohau"),
    Case("unknown-cadre-vice-principal", TOWN, "未知的干部编号「ma-jon」", old="vice_principal: ma-jun",
         new="vice_principal: ma-jon", line="ma-jon"),
    Case("unknown-school-village", TOWN, "未知的村编号「xinqiao2」", old="vice_principal: xu-jing, village: xinqiao}",
         new="vice_principal: xu-jing, village: xinqiao2}", line="xinqiao2"),
    Case("unknown-material", CAMP, "未知的资料编号「no-such-material」", old="activities:",
         new="materials: [no-such-material]\nactivities:", line="materials:"),
    Case("unknown-group-name", "data/topics.yml", "未知的分组编号「工作和收入」", old="group: 工作与收入, keywords: [拖欠工资",
         new="group: 工作和收入, keywords: [拖欠工资", line="工作和收入"),
    Case("duplicate-village", TOWN, "村编号「liutang」重复", old="  - id: hewan\n    name: 河湾村",
         new="  - id: liutang\n    name: 河湾村", line="  - id: liutang\n    name: 河湾村"),
    Case("duplicate-grid", TOWN, "网格编号「taoyuan-1」重复", old="{id: liutang-1,", new="{id: taoyuan-1,",
         line="{id: taoyuan-1, name: 柳塘"),
    Case("duplicate-cadre", TOWN, "干部编号「xu-ming」重复", old="{id: han-lei,", new="{id: xu-ming,",
         line="{id: xu-ming,       name: 韩磊"),
    Case("duplicate-material-across-files", "docs/materials/money/wage-arrears-contractor-ran.md",
         "资料编号「wage-arrears-contractor-ran」重复：已在 docs/materials/money/", content=None, line=2, where=MAT),
    Case("duplicate-key", CAMP, "键「lead」重复出现", old="lead: 综治办", new="lead: 综治办\nlead: 司法所",
         line="lead: 司法所"),
    Case("team-one-head", TOWN, "应有两名部门负责人，实际 1 名", old="heads: [he-xiaoyan, huang-zhigang]",
         new="heads: [he-xiaoyan]", line="heads: [he-xiaoyan]"),
    Case("team-leader-wrong-role", TOWN, "角色是部门负责人，应为党政领导", old="leader: gu-wenbin,",
         new="leader: xu-ming,", line="{leader: xu-ming, heads: [he-xiaoyan"),
    Case("team-over-committed", TOWN, "「李慧」已包 3 个村", old="heads: [feng-tao, wang-jianjun]",
         new="heads: [feng-tao, li-hui]", line="heads: [feng-tao, li-hui]"),
    Case("team-same-person-twice", TOWN, "既是党政领导又是部门负责人", old="heads: [xu-ming, yang-chunsheng]",
         new="heads: [zhou-guohua, yang-chunsheng]", line="heads: [zhou-guohua"),
    Case("gbk-file", MAT, "不是 UTF-8 编码", content=b"---\nid: x\n" + "标题".encode("gbk"), line=3),
    Case("bom", CAMP, "BOM", content=b"\xef\xbb\xbfid: winter-door-to-door\n", line=1),
    Case("empty-file", CAMP, "文件是空的", content="  \n", line=1),
    Case("comments-only", CAMP, "只有注释", content="# 还没写\n", line=1),
    Case("front-matter-not-mapping", MAT, "头部信息应为", content="---\n- id: a\n- title: b\n---\n正文\n", line=2),
    Case("front-matter-missing", MAT, "缺少头部信息", content="# 包工头跑了\n\n正文\n", line=1),
    Case("front-matter-unclosed", MAT, "头部信息没有结束", content="---\nid: wage-arrears-contractor-ran\n正文\n", line=1),
    Case("front-matter-syntax", MAT, "YAML 语法错误", old="topics: [wage-arrears]", new="topics: [wage-arrears",
         line="topics: [wage-arrears"),
    Case("enum-value", MAT, "不在可选范围内", old="review: {status: 待审核}", new="review: {status: 已通过}",
         line="review:"),
    Case("bad-date", MAT, "「2024-13-45」不存在：没有 13 月", old="review: {status: 待审核}", new="review: {status: 待审核, on: 2024-13-45}",
         line="review:"),
    Case("material-id-not-filename", MAT, "应与文件名「wage-arrears-contractor-ran」一致",
         old="id: wage-arrears-contractor-ran", new="id: wage-arrears-runaway", line=2),
    Case("id-not-filename", CAMP, "应与文件名「winter-door-to-door」一致", old="id: winter-door-to-door",
         new="id: winter-visits", line=1),
    Case("material-wrong-folder", "docs/materials/loose.md", "文件位置不对", content="---\nid: loose\n---\n", line=1),
    Case("material-unknown-group", "docs/materials/jobs/loose.md", "不是已知的分组",
         content=("---\nid: loose\ntitle: 标题\nsummary: 要点\ntopics: [fraud]\naudiences: [villagers]\n"
                  "review: {status: 待审核}\n---\n正文\n"), line=1),
    Case("min-items", MAT, "至少要有 1 项", old="topics: [wage-arrears]", new="topics: []", line="topics: []"),
    Case("missing-data-file", "data/calendar.yml", "缺少这个文件", content=None, line=1),
    # the schedule's inputs
    Case("grid-worker-wrong-role", TOWN, "的网格员「周国华」角色是党政领导，应为网格员", old="worker: tang-yun}",
         new="worker: zhou-guohua}", line="worker: zhou-guohua"),
    Case("market-day-out-of-range", TOWN, "的值 31 超出范围", old="days: [3, 8, 13, 18, 23, 28]",
         new="days: [3, 8, 13, 18, 23, 31]", line="days: [3, 8"),
    Case("enterprise-unknown-village", TOWN, "未知的村编号「shigan」", old="village: shigang, workers: 160",
         new="village: shigan, workers: 160", line="village: shigan"),
    Case("duty-unknown-cadre", "data/schedule.yml", "未知的干部编号「feng-tau」", old="{cadre: feng-tao, weekdays",
         new="{cadre: feng-tau, weekdays", line="feng-tau"),
    Case("meeting-bad-slot", "data/schedule.yml", "的值「夜里」不在可选范围内", old="slots: [上午, 下午]",
         new="slots: [上午, 夜里]", line="slots: [上午, 夜里]"),
    # the household register
    Case("register-unknown-grid", REG, "第 2 行：未知的网格「xinqiao-9」", old="\nxinqiao-1-160,xinqiao-1,",
         new="\nxinqiao-1-160,xinqiao-9,", line=2),
    Case("register-bad-flag", REG, "第 3 行的「出租房屋」应填 是 或 否", old="\nxinqiao-2-139,xinqiao-2,新桥村二组139号,周福林,,",
         new="\nxinqiao-2-139,xinqiao-2,新桥村二组139号,周福林,,出租", line=3),
    Case("register-duplicate-household", REG, "户号「xinqiao-1-160」重复，已在第 2 行出现",
         old="\nxinqiao-2-139,", new="\nxinqiao-1-160,", line=3),
    Case("register-missing-column", REG, "表头缺少列：门牌", old="户号,网格,门牌,", new="户号,网格,门号,", line=1),
    Case("register-truncated", REG, "CSV 文件格式损坏", content='户号,网格,门牌\nxinqiao-1-001,xinqiao-1,"新桥村一组', line=1),
]


def _prepare(case: Case, root: Path) -> None:
    if case.name == "duplicate-material-across-files":
        (root / case.path).parent.mkdir(parents=True, exist_ok=True)
        (root / case.path).write_bytes(own_file(root, MAT).read_bytes())
    elif case.name == "missing-data-file":
        (root / case.path).unlink()
    else:
        case.apply(root)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input(case: Case, demo_copy: Path, wanjia):
    site = demo_copy / "site"
    site.mkdir()
    (site / "index.html").write_text("上一次的网站", "utf-8")
    _prepare(case, demo_copy)

    run = wanjia("-C", demo_copy, "build")

    assert run.code == 1, run.err
    assert "Traceback" not in run.err + run.out
    line = case.expected_line(demo_copy)
    where = case.where or case.path
    hits = [ln for ln in run.err.splitlines() if case.message in ln]
    assert hits, f"expected «{case.message}» in:\n{run.err}"
    assert any(h.startswith(f"{where}:{line}:") and ": 错误: " in h for h in hits), \
        f"expected it at {where}:{line}, got:\n" + "\n".join(hits)
    assert "网站没有生成，原来的网站保持不变" in run.err
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text("utf-8") == "上一次的网站"
    assert not list(demo_copy.glob(".site*"))


def test_check_reports_every_problem_in_one_run(demo_copy: Path, wanjia):
    for case in (CASES[3], CASES[10], CASES[23]):  # three files, three kinds of problem
        _prepare(case, demo_copy)
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1
    for case in (CASES[3], CASES[10], CASES[23]):
        assert case.message in run.err


def test_there_are_at_least_thirty_distinct_cases():
    assert len({c.name for c in CASES}) >= 30
    assert len({c.message for c in CASES}) >= 30
