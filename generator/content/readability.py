"""Plain language for villagers: sentences short enough to read at a doorstep, and legal terms
explained where they are used. Findings are warnings at the line they are on."""
from __future__ import annotations

import re

from ..problems import Pos, Problems
from .citations import CITATION_PARENTHESES
from .model import Material

MAX_SENTENCE = 60  # characters, not counting the (《…》第…条) citation that closes a sentence

# Legal terms a villager may not know, with the everyday words that explain them. A material that
# uses a term must also say it plainly: one of these words in the same sentence, or a gloss such as
# 「清偿（就是付清）」 right after it.
JARGON = {
    "清偿": ("付清", "把钱付了", "先把", "付清"),
    "追偿": ("追回", "再去找", "要回"),
    "承租人": ("租客", "租房的人"),
    "出租人": ("房东",),
    "不定期租赁": ("没写", "说不清", "没有约定", "随时"),
    "诉讼": ("打官司", "法院", "起诉"),
    "司法确认": ("法院",),
    "强制执行": ("法院",),
    "监护人": ("父母", "家长"),
    "民事行为能力": ("成年人", "能自己", "照护能力"),
    "赡养人": ("子女",),
    "被申请人": ("对方", "打人的人"),
    "土地经营权": ("租给", "种", "流转"),
}
_GLOSS = re.compile(r"^[（(“]|^[，,]?(?:就是|也就是|是指|指的是|即)")
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")


def check_material(m: Material, problems: Problems) -> None:
    path = m.pos.path
    first_body_line = m.body_line
    explained: set[str] = set()
    seen: dict[str, int] = {}
    for offset, raw in enumerate(m.body.splitlines()):
        line = raw.strip()
        if not line or line.startswith(("#", "!!!", "???", "<", "|")):
            continue
        text = re.sub(r"^(?:[-*+]|\d+\.)\s+", "", line)
        text = re.sub(r"\*\*|__|`", "", text)
        lineno = first_body_line + offset
        for sentence in _SENTENCE.findall(text):
            plain = CITATION_PARENTHESES.sub("", sentence).strip()
            if len(plain) > MAX_SENTENCE:
                problems.warning(Pos(path, lineno), f"句子太长（{len(plain)} 字，建议不超过 {MAX_SENTENCE} 字）："
                                                    f"「{plain[:20]}…」请拆成几句短话")
            for term, plain_words in JARGON.items():
                at = sentence.find(term)
                if at < 0:
                    continue
                seen.setdefault(term, lineno)
                if any(w in sentence for w in plain_words) or _GLOSS.match(sentence[at + len(term):]):
                    explained.add(term)
    for term, lineno in seen.items():
        if term not in explained:
            problems.warning(Pos(path, lineno), f"「{term}」是法律用语，村民可能听不懂：请在同一句里用大白话说明"
                                                f"（比如：{'、'.join(JARGON[term][:2])}）")


def check(project, problems: Problems) -> None:
    for m in project.materials:
        check_material(m, problems)
