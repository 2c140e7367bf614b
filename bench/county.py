"""A seeded, deterministic county for benchmarks: townships of villages with grids, cadres and
teams, materials assembled from real law paragraphs (with real citations), campaigns, and the law
texts of the corpus as pages. Sizes are parameters, so the same generator makes N and 4N."""
from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.content.laws import article_label
from generator.content.load import SHIPPED

REPO = Path(__file__).resolve().parents[1]
LAWS = REPO.parent / "shared" / "data" / "laws"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏飞婷雪梅海波辉林峰"
UNITS = ("综治办", "司法所", "派出所", "信访办", "安监办", "农业服务中心", "人社所", "民政办", "妇联", "团委")


@dataclass(frozen=True)
class Size:
    townships: int = 15
    villages: int = 20        # per township
    materials: int = 1500
    campaigns: int = 40
    laws: int | None = None   # law texts as pages; None = all in the corpus

    def times(self, k: int) -> Size:
        return Size(self.townships * k, self.villages, self.materials * k, self.campaigns,
                    None if self.laws is None else self.laws * k)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def law_library():
    """The law texts the county is made of: ../shared/data/laws where it is beside the repo (1,500
    texts), else the installed database alone (about 360 laws)."""
    from generator.content.laws import open_library

    return open_library(None, LAWS if LAWS.is_dir() else None)


def _law_paragraphs(limit: int | None, plan_day: dt.date = dt.date(2027, 1, 1)):
    """(law name, version, article, text) for articles of the laws in force, in a stable order, and
    the laws to show as pages (name, version, articles)."""
    library = law_library()
    out, pages = [], []
    for name in sorted(library.laws):
        version = library.in_force(name, plan_day)
        if version is None or not library.complete(name, version):
            continue
        articles = next(t.articles for t in library.texts(name, version) if not t.partial and t.has_text)
        if limit is None or len(pages) < limit:
            pages.append((name, version, articles))
        for number, text in sorted(articles.items())[:60]:
            out.append((name, version, number, text))
    return out, pages


def _quoted(text: str) -> str:
    """An article's words as a material quotes them: without its heading, and with its references
    to other articles named in words (a quoted 依照本法第三十条 would cite an article the material
    does not list)."""
    import re

    body = re.sub(r"^第[零〇一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?[\s　]*", "", text)
    return re.sub(r"第[零〇一二三四五六七八九十百千0-9]+条(之[一二三四五六七八九十]+)?", "有关条文", body).replace("\n", " ")


def _cited(no: tuple[int, int]) -> int | str:
    from generator.content.laws import chinese_numeral

    return no[0] if not no[1] else f"{no[0]}之{chinese_numeral(no[1])}"


def make_county(dest: Path, size: Size, seed: int = 7) -> Path:
    """Write a complete township project for a whole county under `dest`; returns it."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    # The county's own files; the taxonomy, regions, holidays and the shipped pages come with the package.
    (dest / "data").mkdir(parents=True)
    shutil.copy2(REPO / "data/calendar.yml", dest / "data/calendar.yml")
    topics = yaml.safe_load((SHIPPED / "data/topics.yml").read_text("utf-8"))
    groups = {g["name"]: g["id"] for g in yaml.safe_load((SHIPPED / "data/groups.yml").read_text("utf-8"))}
    audiences = [a["id"] for a in yaml.safe_load((SHIPPED / "data/audiences.yml").read_text("utf-8"))]

    cadres, villages = [], []
    for t in range(size.townships):
        leaders = [f"t{t}-l{i}" for i in range(size.villages)]
        heads = [f"t{t}-h{i}" for i in range(size.villages * 2)]
        cadres += [{"id": c, "name": _name(rng), "unit": "党政办", "role": "党政领导"} for c in leaders]
        cadres += [{"id": c, "name": _name(rng), "unit": rng.choice(UNITS), "role": "部门负责人"} for c in heads]
        cadres += [{"id": f"t{t}-g{i}", "name": _name(rng), "unit": "村委会", "role": "网格员"}
                   for i in range(size.villages // 2)]
        for v in range(size.villages):
            vid = f"t{t}-v{v}"
            grids = []
            for g in range(rng.randint(4, 8)):
                households = rng.randint(120, 320)
                rental = rng.randint(0, households // 4) if rng.random() < 0.3 else rng.randint(0, 12)
                grids.append({"id": f"{vid}-g{g}", "name": f"第{g + 1}网格", "households": households,
                              "rental": rental, "migrants": rental * rng.randint(2, 4)})
            villages.append({"id": vid, "name": f"{t + 1}镇{v + 1}村", "grids": grids,
                             "team": {"leader": leaders[v], "heads": [heads[2 * v], heads[2 * v + 1]]}})
    township = {"id": "county", "name": "示范县", "county": "示范县（虚构）", "region": "苏南",
                "contact": "县司法局（虚构）", "max_teams_per_cadre": 2, "villages": villages, "cadres": cadres,
                "schools": []}
    (dest / "data/township.yml").write_text(yaml.safe_dump(township, allow_unicode=True, sort_keys=False), "utf-8")

    paragraphs, law_pages = _law_paragraphs(size.laws)
    for i in range(size.materials):
        topic = topics[i % len(topics)]
        group = groups[topic["group"]]
        picked = rng.sample(paragraphs, rng.randint(4, 24))
        citations = {}
        for name, version, number, _ in picked:
            citations.setdefault((name, version), set()).add(number)
        body = ["## 常见情形\n", f"- {topic['name']}方面常见的问题。\n", "## 法律怎么规定\n"]
        body += [f"- {_quoted(text)}（《{name}》{article_label(number)}）\n" for name, version, number, text in picked]
        body += ["## 遇到了怎么办\n", "1. 先咨询村调委会。\n2. 打 12348 咨询。\n", "## 去哪里求助\n", "- 12348\n"]
        meta = {"id": f"m{i:05d}", "title": f"{topic['name']}：第{i + 1}份资料", "summary": picked[0][3][:40],
                "topics": [topic["id"]], "audiences": rng.sample(audiences, rng.randint(1, 3)),
                "citations": [{"law": n, "version": v, "articles": [_cited(x) for x in sorted(a)]}
                              for (n, v), a in citations.items()],
                "review": {"status": "待审核"}}
        path = dest / "docs/materials" / group / f"m{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"
                        + "\n".join(body), "utf-8")
    (dest / "campaigns").mkdir()
    windows = [{"period": "冬闲"}, {"from": "腊月二十", "to": "正月十五"}, {"around": "清明", "before": 14, "after": 3},
               {"months": [5, 6]}, {"around": "国家宪法日", "before": 3, "after": 3}, {"period": "夏季田管"}]
    for c in range(size.campaigns):
        chosen = rng.sample(topics, 3)
        campaign = {"id": f"c{c:03d}", "title": f"第{c + 1}项宣传活动", "goal": "把法律送到每一户。",
                    "topics": [t["id"] for t in chosen], "audiences": rng.sample(audiences, 2), "lead": "司法所",
                    "villages": "全部" if c % 3 == 0 else {"min_rental": rng.randint(5, 40)},
                    "when": rng.sample(windows, 2), "avoid": ["三夏"] if c % 2 else [],
                    "activities": [{"type": "入户走访", "target": ["出租房屋", "流动人口"]}, {"type": "院坝会"}]}
        (dest / f"campaigns/c{c:03d}.yml").write_text(yaml.safe_dump(campaign, allow_unicode=True, sort_keys=False),
                                                      "utf-8")
    for name, version, articles in law_pages:
        page = dest / "docs/laws" / f"{name}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"---\ntitle: {name}\n---\n\n# {name}（{version}）\n\n" + "\n\n".join(articles.values()),
                        "utf-8")
    config = (REPO / "mkdocs.yml").read_text("utf-8").replace("青禾镇", "示范县")
    if LAWS.is_dir():
        config = config.replace("      # laws: 法律文本库目录", f"      laws: {LAWS}  #")
    (dest / "mkdocs.yml").write_text(config, "utf-8")
    return dest
