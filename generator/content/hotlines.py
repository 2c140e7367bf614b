"""Phone numbers in pages: only the service lines of data/hotlines.yml and cadres' public lines.

A villager dials what the sheet says, so a wrong or invented number is as bad as a wrong article:
- a service number (110, 12348, 96110 …) not in data/hotlines.yml is an error;
- any other phone number (landline or mobile) that is not a cadre's public line is an error;
- a material whose topics have a fitting line (hotlines.yml `topics`) must give one of them under
  去哪里求助 (a warning).
"""
from __future__ import annotations

import re

from ..problems import Pos, Problems
from .text import Unit, units

# A service number stands alone: 11x/12x (110, 119, 120, 122) or five or six digits from 1 or 9
# (12348, 96110), never inside a longer number nor a quantity: not after a decimal point (0. 125 in a
# law's table, with its thin space), nor before a unit (期刊15000本, 高128公分, 10000净吨, 东经121°).
_SERVICE = re.compile(r"(?<![0-9.\-])(?<!\.[\u2009 ])(1[12][0-9]|[19][0-9]{4,5})(?![0-9.]|\s*(?:"
                      r"[元万千百亿日天年月周岁时分秒人户次条款项个份本册张盒套台辆头只株棵箱瓶袋克升亩米里斤吨度号支件"
                      r"瓦%％°℃′]|公[分斤顷里尺]|净吨|毫[米升克]|厘米|平方))")
_PHONE = re.compile(r"(?<![0-9])(?:0[0-9]{2,3}[-\s]?[0-9]{3,4}[-\s]?[0-9]{4}|1[3-9][0-9][-\s]?[0-9]{4}[-\s]?[0-9]{4})(?![0-9])")
HELP_SECTION = "去哪里求助"


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def check(project, problems: Problems) -> None:
    known = {h.number for h in project.hotlines}
    public = {_digits(c.phone) for c in project.township.cadres if c.phone and c.phone_public}
    for page in (*project.materials, *project.lessons):
        page_units = units(page.body, page.body_line, page.pos.path)
        for unit in page_units:
            _check_unit(unit, known, public, problems)
    for m in project.materials:
        _check_fit(m, project, problems)


def _check_unit(unit: Unit, known: set[str], public: set[str], problems: Problems) -> None:
    phones = [(m.start(), m.end()) for m in _PHONE.finditer(unit.text)]
    for a, b in phones:
        if _digits(unit.text[a:b]) not in public:
            problems.error(unit.pos(a), f"电话号码「{unit.text[a:b]}」不是干部名册里公开的工作电话，也不在 "
                                        "data/hotlines.yml 里：公开资料只能写服务热线和标了 phone_public 的工作电话")
    for m in _SERVICE.finditer(unit.text):
        if any(a <= m.start() < b for a, b in phones):
            continue
        if m[1] not in known:
            problems.error(unit.pos(m.start()), f"号码「{m[1]}」不在 data/hotlines.yml 里：请核实后把它加进去"
                                                "（写明谁开通、管什么事、出处），或改成已有的热线")


def _check_fit(m, project, problems: Problems) -> None:
    fitting = [h for h in project.hotlines if set(h.topics) & set(m.topics)]
    if not fitting:
        return
    lines = m.body.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("## ") and HELP_SECTION in ln), None)
    if start is None:
        return  # the structure test asks for the section
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = "\n".join(lines[start:end])
    given = set(_SERVICE.findall(section))
    if not given & {h.number for h in fitting}:
        names = "、".join(f"{h.number}（{h.name}）" for h in fitting[:4])
        problems.warning(_pos_of(m, start), f"「{m.title}」的“去哪里求助”没有写这个主题对口的热线：{names}",
                         "hotline-fit")


def _pos_of(m, offset: int) -> Pos:
    return Pos(m.pos.path, m.body_line + offset)
