"""Stage: the privacy guard. The public site never carries household-level personal data.

Looked for, in every source file that feeds the site and in every file of a public build:
- 18-digit resident ID numbers whose check digit (GB 11643, ISO 7064 MOD 11-2) and birth date are valid;
- mainland mobile numbers (1[3-9] + 9 digits, also written with spaces or dashes), except a cadre's
  line that the roster marks `phone_public: true`;
- household heads' names and house numbers (门牌) from the register data/households.csv.
A name counts where it stands as a word (jieba's segmentation): 高峰 the household head, not the
高峰 of 高峰期. A register name that is also a cadre's name is not looked for (cadres are public
officials), and `wanjia check` says so; words listed in data/privacy.yml (allow) are not taken for a
name. Findings are shown masked: the guard must not spread what it found.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..problems import Pos, Problems

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])")
TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".csv", ".ics", ".xml", ".txt", ".svg", ".md", ".css"}


def valid_id_number(text: str) -> bool:
    """An 18-digit resident ID number with a valid check digit and birth date."""
    if not re.fullmatch(r"[1-9]\d{16}[0-9Xx]", text):
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != text[17].upper():
        return False
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def _mask(text: str) -> str:
    if len(text) <= 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1] if len(text) < 7 else text[:3] + "*" * (len(text) - 7) + text[-4:]


@dataclass(frozen=True)
class Finding:
    line: int
    col: int
    what: str     # 身份证号 | 手机号 | 农户姓名 | 门牌
    masked: str

    def message(self) -> str:
        hint = ("；如果这里不是指这位户主（而是字面相同的词，如“用电高峰”），把网页上的这个词写进 "
                "data/privacy.yml 的 allow 列表") if self.what == "农户姓名" else ""
        return f"发现{self.what}「{self.masked}」：公开网站不能有农户个人信息{hint}"


def _stands_alone(text: str, start: int, end: int, cache: Path) -> bool:
    """Whether text[start:end] is a word of its sentence, not part of a longer one (高峰期)."""
    from .. import quiet_jieba

    jieba = quiet_jieba(cache)
    left = max(0, start - 8)
    cuts, at = set(), left
    for token in jieba.cut(text[left:end + 8], HMM=True):
        cuts.add(at)
        at += len(token)
    cuts.add(at)
    return start in cuts and end in cuts


class Guard:
    def __init__(self, project, roster: bool = False):
        """`roster`: the roster file itself, where every cadre's own line is rightly written down."""
        cadre_names = {c.name for c in project.township.cadres}
        self.allowed_phones = {re.sub(r"\D", "", c.phone) for c in project.township.cadres
                               if c.phone and (c.phone_public or roster)}
        heads = {h.head for h in project.households if len(h.head) >= 2}
        self.shared_names = sorted(heads & cadre_names)
        self.allow = tuple(project.privacy_allow)
        self.cache = Path(project.root) / ".cache" / "wanjia"
        words = [(n, "农户姓名") for n in heads - cadre_names - set(self.allow)] + [
            (h.door, "门牌") for h in project.households if len(h.door) >= 4]
        self.kind = dict(words)
        names = sorted(self.kind, key=len, reverse=True)
        self.words = re.compile("|".join(map(re.escape, names))) if names else None
        # What a verdict depends on besides the text: the words looked for and the lines allowed.
        self.digest = hashlib.sha256(json.dumps([sorted(self.kind.items()), sorted(self.allowed_phones), self.allow],
                                                ensure_ascii=False).encode()).hexdigest()

    def scan(self, text: str) -> list[Finding]:
        out = []

        def where(index: int) -> tuple[int, int]:  # found rarely: count lines only then
            line = text.count("\n", 0, index) + 1
            return line, index - (text.rfind("\n", 0, index) + 1) + 1

        for m in ID_NUMBER.finditer(text):
            if valid_id_number(m.group()):
                out.append(Finding(*where(m.start()), "身份证号", _mask(m.group())))
        for m in MOBILE.finditer(text):
            if re.sub(r"\D", "", m.group()) not in self.allowed_phones:
                out.append(Finding(*where(m.start()), "手机号", _mask(re.sub(r"\D", "", m.group()))))
        if self.words is not None:
            for m in self.words.finditer(text):
                what = self.kind[m.group()]
                if what == "农户姓名" and (self._allowed(text, m.start(), m.group())
                                          or not _stands_alone(text, m.start(), m.end(), self.cache)):
                    continue
                out.append(Finding(*where(m.start()), what, _mask(m.group())))
        return sorted(out, key=lambda f: (f.line, f.col))


    def _allowed(self, text: str, start: int, name: str) -> bool:
        """Inside a phrase of the allow-list (用电高峰 allows the 高峰 in it)."""
        for phrase in self.allow:
            k = phrase.find(name)
            if k >= 0 and text.startswith(phrase, start - k):
                return True
        return False


def check_sources(project, problems: Problems) -> None:
    """Every file a public site is made from: materials, lessons, campaigns, township data."""
    guard, roster = Guard(project), Guard(project, roster=True)
    root = Path(project.root)
    if guard.shared_names:
        problems.warning(Pos("data/households.csv"), f"登记表中有 {len(guard.shared_names)} 位户主与干部同名，"
                         "公开网站检查时不查这些名字（干部姓名本来就公开）")
    sources = [*sorted((root / "docs").rglob("*.md")), *sorted((root / "campaigns").glob("*.y*ml")),
               *sorted(p for p in (root / "data").glob("*.y*ml"))]
    for path in sources:
        text = path.read_text("utf-8", errors="replace")
        shown = path.relative_to(root).as_posix()
        for f in (roster if shown == "data/township.yml" else guard).scan(text):
            problems.error(Pos(shown, f.line, f.col), f.message())


def check_site(project, site: Path, cache=None, words: str = "") -> list[str]:
    """Every file of a built public site, its spreadsheets and documents too. With a cache,
    a file whose bytes were cleared before under the same register, allow-list and villagers'
    `words` (jieba's segmentation knows them) is not read again."""
    guard = Guard(project)
    found = []
    for path in sorted(site.rglob("*")):
        if not path.is_file() or (path.suffix not in TEXT_SUFFIXES and path.suffix not in (".xlsx", ".docx")):
            continue
        if cache is None:
            findings = _scan_file(guard, path)
        else:
            key = f"{guard.digest}|{words}|{hashlib.sha256(path.read_bytes()).hexdigest()}|{path.suffix}"
            findings = [Finding(*f) for f in json.loads(cache.memo("privacy", key, partial(_verdict, guard, path)))]
        found += [f"{path.relative_to(site).as_posix()}:{f.line}:{f.col}: {f.message()}" for f in findings]
    return found


def _verdict(guard: Guard, path: Path) -> bytes:
    return json.dumps([list(vars(f).values()) for f in _scan_file(guard, path)], ensure_ascii=False).encode()


def _scan_file(guard: Guard, path: Path) -> list[Finding]:
    if path.suffix in (".xlsx", ".docx"):  # Office files: zips of XML
        text = _office_text(path)
    else:
        text = path.read_text("utf-8", errors="replace")
    return guard.scan(text)


_XML_TAG = re.compile(r"<[^>]*>")
_XML_BLOCK_END = re.compile(r"</(?:w:p|a:p|si|row|c)>")   # a paragraph, shared string, row, cell
_LONG_NUMBER = re.compile(r"\d{11}")
_BLANK_LINES = re.compile(r"\n\s*\n|\A\s+")
_XML_VALUE = re.compile(r'="([^"]*)"')


def _office_text(path: Path) -> str:
    """What an Office file says: the text of its XML parts, one paragraph or cell per line (a name
    Word split across runs is whole again), and the attribute values that hold words or long numbers
    (alt text, titles). The rest is markup: a python-docx file's styles alone are 0.8 MB of it, and
    scanning that was 70 % of the demo's privacy scan."""
    import html
    import zipfile

    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                xml = z.read(name).decode("utf-8", errors="replace")
                out += [html.unescape(v) for v in _XML_VALUE.findall(xml)
                        if not v.isascii() or (len(v) >= 11 and _LONG_NUMBER.search(v))]
                text = _XML_TAG.sub("", _XML_BLOCK_END.sub("\n", xml))
                out.append(html.unescape(_BLANK_LINES.sub("\n", text)))
    return "\n".join(out)
