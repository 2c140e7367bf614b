"""Search evaluation: villagers' questions with the topics they should find, scored for the whoosh
index and for the built site's phone search (queried through its own page in a headless browser).

P@1: the first result is on an expected topic. P@3: one of the first three is. MRR: mean of
1/rank of the first result on an expected topic (within the first ten)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from .. import pipeline
from ..content.model import Project
from ..site.serve import start


@dataclass
class Score:
    engine: str
    ranks: list[int | None] = field(default_factory=list)  # rank of the first relevant result
    misses: list[str] = field(default_factory=list)

    def add(self, query: str, topics_per_result: list[set[str]], expected: set[str]) -> None:
        rank = next((i + 1 for i, topics in enumerate(topics_per_result[:10]) if topics & expected), None)
        self.ranks.append(rank)
        if rank is None or rank > 3:
            self.misses.append(query)

    @property
    def p1(self) -> float:
        return sum(1 for r in self.ranks if r == 1) / len(self.ranks)

    @property
    def p3(self) -> float:
        return sum(1 for r in self.ranks if r and r <= 3) / len(self.ranks)

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r) / len(self.ranks)


def load_questions(path: Path) -> list[tuple[str, set[str]]]:
    rows = yaml.safe_load(path.read_text("utf-8")) or []
    return [(str(r["q"]), set(r["topics"])) for r in rows]


def evaluate(project: Project, path: Path, site: Path | None = None) -> list[Score]:
    questions = load_questions(path)
    scores = [_whoosh(project, questions)]
    if site is not None:
        scores.append(site_score(project, questions, site))
    return scores


def _whoosh(project: Project, questions) -> Score:
    score = Score("whoosh")
    with pipeline.knowledge_index(project) as searcher:
        for q, expected in questions:
            hits = searcher.search(q, limit=10).hits
            score.add(q, [set(h.topics) for h in hits], expected)
    return score


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def site_score(project: Project, questions, site: Path) -> Score:
    from playwright.sync_api import sync_playwright

    topics_by_url = {}
    for m in project.materials:
        topics_by_url["/" + m.src.removesuffix(".md") + "/"] = set(m.topics)
    for le in project.lessons:
        topics_by_url["/" + le.src.removesuffix(".md") + "/"] = set(le.topics)
    for c in project.campaigns:
        topics_by_url[f"/campaigns/{c.id}/"] = set(c.topics)
    score = Score("网站")
    server, url = start(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{url}search/?q={quote(questions[0][0])}" if questions else url)
            for k, (q, expected) in enumerate(questions):
                if k:  # typed into the open search box, as a cadre asks one question after another
                    page.evaluate("""q => { document.querySelector('[data-wj-meta]').textContent = '';
                        const box = document.querySelector('[data-wj-query]'); box.value = q;
                        box.form.requestSubmit(); }""", q)
                page.wait_for_function("(() => { const t = document.querySelector('[data-wj-meta]').textContent;"
                                       " return t.startsWith('找到') || t.startsWith('没有找到'); })()",
                                       timeout=15000)
                hrefs = page.eval_on_selector_all("[data-wj-results] a", "els => els.map(e => e.pathname)")
                score.add(q, [topics_by_url.get(h, set()) for h in hrefs], expected)
            browser.close()
    finally:
        server.shutdown()
    return score


def print_table(scores: list[Score]) -> str:
    lines = ["| 索引 | 问题数 | P@1 | P@3 | MRR |", "|---|--:|--:|--:|--:|"]
    for s in scores:
        lines.append(f"| {s.engine} | {len(s.ranks)} | {s.p1:.2f} | {s.p3:.2f} | {s.mrr:.2f} |")
    for s in scores:
        if s.misses:
            lines.append(f"\n{s.engine} 前三条没有找到的问题：" + "；".join(s.misses))
    return "\n".join(lines)
